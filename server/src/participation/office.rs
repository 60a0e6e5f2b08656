//! The participation staff's page (`/oficina/participacion`, role `participation`): the census
//! import, creating a poll (its RSA key pair is made here) and adding questions before it opens.

use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::{prefix_of, staff_import, staff_page};
use crate::staff::{Participation, WebStaff, form_staff_with, page_staff_with, private};
use app::participation::fields::{PollFields, PollProblem, QuestionFields};
use app::participation::office::{OfficeDone, ParticipationView};
use app::participation::paths::OFFICE;
use app::participation::storage::{self, PollError};
use app::participation::{import, storage::now};
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use http::StatusCode;
use leptos::nonce::Nonce;

/// The page's data: the census, its zones and the polls.
async fn fill(state: &AppState, view: &mut ParticipationView) -> Result<(), app::platform::database::StorageError> {
    let database = &state.database;
    view.census_size = storage::census_size(database, None).await?;
    view.zones = storage::zones(database).await?;
    view.polls = storage::polls(database).await?;
    view.now = now();
    Ok(())
}

pub fn load_office<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<Participation>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        let mut view = ParticipationView { username: staff.username, ..Default::default() };
        match fill(request.state, &mut view).await {
            Ok(()) => private(Loaded::context(view)).into(),
            Err(error) => page_loaders::failed("loading polls failed", error),
        }
    })
}

async fn answer(
    state: &AppState,
    prefix: &str,
    nonce: Option<Nonce>,
    status: StatusCode,
    mut view: ParticipationView,
) -> Response {
    if let Err(error) = fill(state, &mut view).await {
        return server_error("loading polls failed", error);
    }
    staff_page(state, OFFICE, prefix, nonce, status, view).await
}

/// `POST /oficina/participacion/padron` (multipart): `file` (CSV), `prefix`. All lines or none.
pub async fn import_census(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let (staff, prefix, file) =
        match staff_import::<Participation>(&state, nonce.clone(), staff, multipart, OFFICE).await {
            Ok(read) => read,
            Err(response) => return response,
        };
    let parsed = String::from_utf8(file)
        .map_err(|_| vec![(1, import::ResidentProblem::Columns)])
        .and_then(|text| import::parse(&text));
    let (status, outcome) = match parsed {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, Err(errors)),
        Ok(residents) => match storage::import_census(&state.database, &staff.username, &residents).await {
            Ok(stored) => (StatusCode::OK, Ok(stored)),
            Err(error) => return server_error("importing the census failed", error),
        },
    };
    let view = ParticipationView { username: staff.username, import: Some(outcome), ..Default::default() };
    answer(&state, prefix, nonce, status, view).await
}

#[derive(serde::Deserialize)]
pub struct PollForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    opens_at: String,
    #[serde(default)]
    closes_at: String,
    #[serde(flatten)]
    question: QuestionForm,
    #[serde(default)]
    prefix: String,
}

#[derive(serde::Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    question: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    max_choices: String,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    options: String,
}

impl QuestionForm {
    fn fields(self) -> QuestionFields {
        let clip = |text: String, most: usize| text.chars().take(most).collect::<String>();
        QuestionFields {
            text: clip(self.question, 600),
            kind: clip(self.kind, 20),
            max_choices: clip(self.max_choices, 10),
            budget: clip(self.budget, 30),
            options: clip(self.options, 20_000),
        }
    }
}

/// `POST /oficina/participacion/consulta`: a new poll with its first question.
pub async fn create_poll(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(form): Form<PollForm>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let prefix = prefix_of(&form.prefix);
    let staff = match form_staff_with::<Participation>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let clip = |text: String, most: usize| text.chars().take(most).collect::<String>();
    let fields = PollFields {
        title: clip(form.title, 300),
        description: clip(form.description, 5000),
        zone: clip(form.zone, 80),
        opens_at: clip(form.opens_at, 30),
        closes_at: clip(form.closes_at, 30),
        question: form.question.fields(),
    };
    let poll = match fields.check(&now()) {
        Ok(poll) => poll,
        Err(problems) => {
            let view = ParticipationView {
                username: staff.username,
                poll_form: fields,
                poll_problems: problems,
                ..Default::default()
            };
            return answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, view).await;
        }
    };
    let keys = match super::new_keys().await {
        Ok(keys) => keys,
        Err(error) => return server_error("making a poll's key failed", error),
    };
    if let Err(error) = storage::create_poll(&state.database, &staff.username, &poll, &keys).await {
        return server_error("creating a poll failed", error);
    }
    let done = OfficeDone::Created(poll.title.clone());
    let view = ParticipationView { username: staff.username, done: Some(done), ..Default::default() };
    answer(&state, prefix, nonce, StatusCode::CREATED, view).await
}

#[derive(serde::Deserialize)]
pub struct AddQuestionForm {
    #[serde(default)]
    poll: String,
    #[serde(flatten)]
    question: QuestionForm,
    #[serde(default)]
    prefix: String,
}

/// `POST /oficina/participacion/pregunta`: another question for a poll that has not opened.
pub async fn add_question(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(form): Form<AddQuestionForm>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let prefix = prefix_of(&form.prefix);
    let staff = match form_staff_with::<Participation>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let poll: String = form.poll.chars().take(32).collect();
    let fields = form.question.fields();
    let mut problems = Vec::new();
    let refused = |fields: QuestionFields, problems: Vec<PollProblem>| ParticipationView {
        username: staff.username.clone(),
        question_form: Some((poll.clone(), fields, problems)),
        ..Default::default()
    };
    let Some(question) = fields.check(&mut problems) else {
        let view = refused(fields, problems);
        return answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, view).await;
    };
    match storage::add_question(&state.database, &staff.username, &poll, &question).await {
        Ok(()) => {
            let view = ParticipationView {
                username: staff.username,
                done: Some(OfficeDone::QuestionAdded),
                ..Default::default()
            };
            answer(&state, prefix, nonce, StatusCode::OK, view).await
        }
        Err(PollError::AlreadyOpen) => {
            let view = refused(fields, vec![PollProblem::AlreadyOpen]);
            answer(&state, prefix, nonce, StatusCode::CONFLICT, view).await
        }
        Err(PollError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(PollError::Storage(error)) => server_error("adding a question failed", error),
    }
}
