//! The council secretary's page (`/oficina/concejo`, role `council-secretary`): the members and votes
//! files, a session with its video link and minutes, and an agenda item with each councillor's vote.

use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::{prefix_of, staff_import, staff_page};
use crate::staff::{CouncilSecretary, WebStaff, form_staff_with, page_staff_with, private};
use crate::tramites::forms::{self, ReadFailure};
use app::council::import::{self, LineProblem};
use app::council::office::{CouncilDone, CouncilOfficeView, CouncilProblem, ItemFields, SessionFields};
use app::council::paths::OFFICE;
use app::council::storage::{self, CouncilError};
use app::council::{Item, SessionKind, VoteOption};
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use http::StatusCode;
use leptos::nonce::Nonce;

async fn fill(state: &AppState, view: &mut CouncilOfficeView) -> Result<(), app::platform::database::StorageError> {
    view.members = storage::members(&state.database).await?;
    view.sessions = storage::sessions(&state.database).await?;
    Ok(())
}

pub fn load_office<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<CouncilSecretary>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        let mut view = CouncilOfficeView { username: staff.username, ..Default::default() };
        match fill(request.state, &mut view).await {
            Ok(()) => private(Loaded::context(view)).into(),
            Err(error) => page_loaders::failed("loading the council's sessions failed", error),
        }
    })
}

async fn answer(
    state: &AppState,
    prefix: &str,
    nonce: Option<Nonce>,
    status: StatusCode,
    mut view: CouncilOfficeView,
) -> Response {
    if let Err(error) = fill(state, &mut view).await {
        return server_error("loading the council's sessions failed", error);
    }
    staff_page(state, OFFICE, prefix, nonce, status, view).await
}

fn refused_import(username: String, field: &'static str, errors: Vec<(usize, LineProblem)>) -> CouncilOfficeView {
    CouncilOfficeView { username, import: Some((field, errors)), ..Default::default() }
}

/// `POST /oficina/concejo/regidores` (multipart): `file`, `prefix`. All lines or none.
pub async fn import_members(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let (staff, prefix, file) =
        match staff_import::<CouncilSecretary>(&state, nonce.clone(), staff, multipart, OFFICE).await {
            Ok(read) => read,
            Err(response) => return response,
        };
    let parsed =
        String::from_utf8(file).map_err(|_| vec![(1, LineProblem::Columns)]).and_then(|t| import::parse_members(&t));
    let (status, view) = match parsed {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, refused_import(staff.username, "members-file", errors)),
        Ok(members) => match storage::import_members(&state.database, &staff.username, &members).await {
            Ok(count) => (
                StatusCode::OK,
                CouncilOfficeView {
                    username: staff.username,
                    done: Some(CouncilDone::Members(count)),
                    ..Default::default()
                },
            ),
            Err(error) => return server_error("importing council members failed", error),
        },
    };
    answer(&state, prefix, nonce, status, view).await
}

/// `POST /oficina/concejo/votaciones` (multipart): `file`, `prefix`. All lines or none.
pub async fn import_votes(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let (staff, prefix, file) =
        match staff_import::<CouncilSecretary>(&state, nonce.clone(), staff, multipart, OFFICE).await {
            Ok(read) => read,
            Err(response) => return response,
        };
    let members = match storage::members(&state.database).await {
        Ok(members) => members.into_iter().map(|m| m.id).collect(),
        Err(error) => return server_error("reading council members failed", error),
    };
    let parsed = String::from_utf8(file)
        .map_err(|_| vec![(1, LineProblem::Columns)])
        .and_then(|t| import::parse_votes(&t, &members));
    let (status, view) = match parsed {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, refused_import(staff.username, "votes-file", errors)),
        Ok(lines) => match storage::import_votes(&state.database, &staff.username, &lines).await {
            Ok(done) => (
                StatusCode::OK,
                CouncilOfficeView {
                    username: staff.username,
                    done: Some(CouncilDone::Votes { sessions: done.sessions, items: done.items, votes: done.votes }),
                    ..Default::default()
                },
            ),
            Err(error) => return server_error("importing council votes failed", error),
        },
    };
    answer(&state, prefix, nonce, status, view).await
}

/// `POST /oficina/concejo/sesion` (multipart): `number`, `kind`, `date`, `video_url`, `document` (the
/// minutes, a PDF, optional), `prefix`. A new number makes a session; the number of a session already
/// there sets its video link and minutes.
pub async fn save_session(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let Ok(staff) = staff else { return Redirect::to(app::staff::paths::SIGN_IN.path()).into_response() };
    let Ok(mut multipart) = multipart else { return StatusCode::BAD_REQUEST.into_response() };
    let store = &state.council.store;
    let limits = crate::tramites::DocumentLimits { max_bytes: app::tramites::fields::MAX_DOCUMENT_BYTES, max_count: 1 };
    let form = match forms::read(&mut multipart, store, limits).await {
        Ok(form) => form,
        Err(ReadFailure::Malformed) => return StatusCode::BAD_REQUEST.into_response(),
        Err(ReadFailure::Storage(error)) => return server_error("storing minutes failed", error),
    };
    let prefix = prefix_of(form.get("prefix"));
    let staff = match form_staff_with::<CouncilSecretary>(&state, nonce.clone(), Ok(staff), prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => {
            forms::discard(store, &form.documents).await;
            return response;
        }
    };
    let clip = |name: &str, most: usize| form.get(name).trim().chars().take(most).collect::<String>();
    let fields = SessionFields {
        number: clip("number", 40),
        kind: clip("kind", 20),
        date: clip("date", 20),
        video_url: clip("video_url", 600),
    };
    let mut problems = fields.check();
    if form.document_problem.is_some() {
        problems.push(CouncilProblem::Minutes);
    }
    let refuse = |problems: Vec<CouncilProblem>, fields: SessionFields| CouncilOfficeView {
        username: staff.username.clone(),
        session_form: fields,
        problems,
        ..Default::default()
    };
    if !problems.is_empty() {
        forms::discard(store, &form.documents).await;
        return answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, refuse(problems, fields)).await;
    }
    let kind = SessionKind::parse(&fields.kind).unwrap_or(SessionKind::Ordinary);
    let database = &state.database;
    let minutes = form.documents.first().map(|document| document.object.clone());
    let created =
        storage::create_session(database, &staff.username, &fields.number, kind, &fields.date, &fields.video_url).await;
    let outcome = match created {
        Ok(()) | Err(CouncilError::SessionExists) => {
            storage::set_session_files(database, &staff.username, &fields.number, &fields.video_url, minutes.as_deref())
                .await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(replaced) => {
            if let Some(old) = replaced {
                store.discard(&old).await;
            }
            let view = CouncilOfficeView {
                username: staff.username.clone(),
                done: Some(CouncilDone::Session(fields.number.clone())),
                ..Default::default()
            };
            answer(&state, prefix, nonce, StatusCode::OK, view).await
        }
        Err(error) => {
            forms::discard(store, &form.documents).await;
            server_error("saving a council session failed", error)
        }
    }
}

/// `POST /oficina/concejo/punto`: `session`, `title`, `topic`, `agreement`, `vote-{member}` for each
/// councillor in office, `prefix`.
pub async fn add_item(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let get = |name: &str, most: usize| -> String {
        fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().chars().take(most).collect())
            .unwrap_or_default()
    };
    let prefix = prefix_of(&get("prefix", 4));
    let staff = match form_staff_with::<CouncilSecretary>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let members = match storage::members(&state.database).await {
        Ok(members) => members,
        Err(error) => return server_error("reading council members failed", error),
    };
    let typed = ItemFields {
        session: get("session", 40),
        title: get("title", 1000),
        topic: get("topic", 200),
        agreement: get("agreement", 300),
        votes: members
            .iter()
            .filter(|m| m.end_date.is_none())
            .map(|m| (m.id.clone(), get(&format!("vote-{}", m.id), 20)))
            .collect(),
    };
    let mut problems = Vec::new();
    if typed.title.is_empty() {
        problems.push(CouncilProblem::Title);
    }
    // A councillor left unrecorded (empty) gets no row; anything else must be a vote.
    let chosen: Vec<&(String, String)> = typed.votes.iter().filter(|(_, code)| !code.is_empty()).collect();
    let votes: Vec<(String, VoteOption)> =
        chosen.iter().filter_map(|(member, code)| Some((member.clone(), VoteOption::parse(code)?))).collect();
    if votes.len() != chosen.len() || votes.is_empty() {
        problems.push(CouncilProblem::Votes);
    }
    let refuse = |problems: Vec<CouncilProblem>| CouncilOfficeView {
        username: staff.username.clone(),
        item_form: typed.clone(),
        problems,
        ..Default::default()
    };
    if !problems.is_empty() {
        return answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, refuse(problems)).await;
    }
    let item = Item {
        position: 0,
        title: typed.title.clone(),
        topic: typed.topic.clone(),
        agreement: typed.agreement.clone(),
    };
    match storage::add_item(&state.database, &staff.username, &typed.session, &item, &votes).await {
        Ok(position) => {
            let view = CouncilOfficeView {
                username: staff.username.clone(),
                done: Some(CouncilDone::Item(typed.session.clone(), position)),
                ..Default::default()
            };
            answer(&state, prefix, nonce, StatusCode::OK, view).await
        }
        Err(CouncilError::NoSession) => {
            answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, refuse(vec![CouncilProblem::NoSession]))
                .await
        }
        Err(error) => server_error("adding an agenda item failed", error),
    }
}
