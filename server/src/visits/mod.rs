//! The visits registry and official agendas on the server: the public pages' loaders and their
//! downloads (the same search, every row), and the transparency editor's forms and imports.

use crate::AppState;
use crate::integrity::{columns, text_row};
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::{FormFields, staff_import, staff_page};
use crate::staff::{TransparencyEditor, WebStaff, form_staff_with, no_store, page_staff_with, private};
use app::integrity::storage::officials;
use app::platform::database::StorageError;
use app::tramites::calendar::{format_iso, parse_day};
use app::tramites::storage::today_in_lima;
use app::visits::import::{LineProblem, parse_agenda, parse_visits};
use app::visits::office::{VisitsDone, VisitsOfficeView};
use app::visits::pages::{
    AGENDA_COLUMNS, AgendasView, PAGE_ROWS, VISIT_COLUMNS, VisitsView, agenda_cells, visit_cells,
};
use app::visits::paths::{
    OFFICE, OFFICE_AGENDA_POST, OFFICE_EXIT_POST, OFFICE_IMPORT_AGENDA_POST, OFFICE_IMPORT_VISITS_POST,
    OFFICE_VISIT_POST,
};
use app::visits::storage::{self, VisitError};
use app::visits::{NewAgendaEntry, NewVisit, Search, VisitProblem};
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Form, Router};
use http::StatusCode;
use leptos::nonce::Nonce;
use statistics::table::DataTable;
use std::collections::HashSet;

/// Most rows a download holds.
const FILE_ROWS: u32 = 50_000;

/// The search a query string asks for: dates that are not days and an official that is not an id are
/// left out, as the form would send nothing for them.
fn search_of(value: impl Fn(&str) -> Option<String>) -> Search {
    let value = |name: &str| value(name).unwrap_or_default().trim().to_string();
    let day = |text: String| if parse_day(&text).is_some() { text } else { String::new() };
    let official = value("funcionario");
    Search {
        query: value("q").chars().take(200).collect(),
        from: day(value("desde")),
        to: day(value("hasta")),
        official: if app::platform::text::is_slug(&official) { official } else { String::new() },
    }
}

fn search_of_request(request: &Request<'_>) -> Search {
    search_of(|name| request.query_text(name, 200))
}

pub fn load_visits<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let search = search_of_request(request);
        let database = &request.state.database;
        match (storage::search_visits(database, &search, PAGE_ROWS).await, officials(database).await) {
            (Ok((visits, total)), Ok(officials)) => {
                Loaded::context(VisitsView { visits, total, officials, search }).into()
            }
            (Err(error), _) | (_, Err(error)) => page_loaders::failed("searching visits failed", error),
        }
    })
}

pub fn load_agendas<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let search = search_of_request(request);
        let database = &request.state.database;
        match (storage::search_agenda(database, &search, PAGE_ROWS).await, officials(database).await) {
            (Ok((entries, total)), Ok(officials)) => {
                Loaded::context(AgendasView { entries, total, officials, search }).into()
            }
            (Err(error), _) | (_, Err(error)) => page_loaders::failed("searching agendas failed", error),
        }
    })
}

/// The download of `visitas` or `agendas` for the query in `uri`: the page's columns, every row found.
pub(crate) async fn open_data(state: &AppState, name: &str, uri: &http::Uri) -> Result<DataTable, StorageError> {
    let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri).map(|q| q.0).unwrap_or_default();
    let search = search_of(|name| pairs.iter().rev().find(|(key, _)| key == name).map(|(_, v)| v.clone()));
    if name == "visitas" {
        let (visits, _) = storage::search_visits(&state.database, &search, FILE_ROWS).await?;
        Ok(DataTable {
            view: "integridad-visitas".into(),
            columns: columns(&VISIT_COLUMNS),
            rows: visits.iter().map(|v| text_row(visit_cells(v))).collect(),
        })
    } else {
        let (entries, _) = storage::search_agenda(&state.database, &search, FILE_ROWS).await?;
        Ok(DataTable {
            view: "integridad-agendas".into(),
            columns: columns(&AGENDA_COLUMNS),
            rows: entries.iter().map(|e| text_row(agenda_cells(e))).collect(),
        })
    }
}

async fn fill(state: &AppState, view: &mut VisitsOfficeView) -> Result<(), StorageError> {
    view.officials = officials(&state.database).await?;
    view.today = format_iso(today_in_lima());
    view.open = storage::open_visits(&state.database, &view.today).await?;
    if view.visit_form.visit_date.is_empty() {
        view.visit_form.visit_date = view.today.clone();
    }
    Ok(())
}

pub fn load_office<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<TransparencyEditor>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        let mut view = VisitsOfficeView { username: staff.username, ..Default::default() };
        match fill(request.state, &mut view).await {
            Ok(()) => private(Loaded::context(view)).into(),
            Err(error) => page_loaders::failed("loading the visits registry failed", error),
        }
    })
}

async fn answer(
    state: &AppState,
    prefix: &str,
    nonce: Option<Nonce>,
    status: StatusCode,
    mut view: VisitsOfficeView,
) -> Response {
    if let Err(error) = fill(state, &mut view).await {
        return server_error("loading the visits registry failed", error);
    }
    staff_page(state, OFFICE, prefix, nonce, status, view).await
}

async fn official_ids(state: &AppState) -> Result<HashSet<String>, StorageError> {
    Ok(officials(&state.database).await?.into_iter().map(|o| o.id).collect())
}

/// `POST /oficina/visitas/registrar`: the door's form. The date registered is Lima's today.
async fn add_visit(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let fields = FormFields(fields);
    let prefix = fields.prefix();
    let staff = match form_staff_with::<TransparencyEditor>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let known = match official_ids(&state).await {
        Ok(known) => known,
        Err(error) => return server_error("reading officials failed", error),
    };
    let today = format_iso(today_in_lima());
    let mut visit = NewVisit {
        registered_on: today.clone(),
        visit_date: fields.get("visit_date", 20),
        visitor: fields.get("visitor", 300),
        document: fields.get("document", 40),
        entity: fields.get("entity", 300),
        entity_ruc: fields.get("entity_ruc", 20),
        official: fields.get("official", 80),
        position: String::new(),
        place: fields.get("place", 300),
        entry_time: fields.get("entry_time", 10),
        exit_time: fields.get("exit_time", 10),
        reason: fields.get("reason", 600),
        remarks: fields.get("remarks", 600),
    };
    let problems = visit.check(&known, &today);
    if !problems.is_empty() {
        let view = VisitsOfficeView { username: staff.username, visit_form: visit, problems, ..Default::default() };
        return answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, view).await;
    }
    match storage::add_visits(&state.database, &staff.username, std::slice::from_ref(&visit)).await {
        Ok(_) => {
            let done = Some(VisitsDone::Visit(visit.visitor));
            answer(
                &state,
                prefix,
                nonce,
                StatusCode::OK,
                VisitsOfficeView { username: staff.username, done, ..Default::default() },
            )
            .await
        }
        Err(error) => server_error("registering a visit failed", error),
    }
}

/// `POST /oficina/visitas/salida`: `visit`, `exit_time`.
async fn set_exit(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let fields = FormFields(fields);
    let prefix = fields.prefix();
    let staff = match form_staff_with::<TransparencyEditor>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let (id, time) = (fields.get("visit", 40), fields.get("exit_time", 10));
    let refuse =
        |problem| VisitsOfficeView { username: staff.username.clone(), problems: vec![problem], ..Default::default() };
    if !app::platform::text::is_clock_time(&time) {
        return answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, refuse(VisitProblem::ExitTime)).await;
    }
    match storage::set_exit(&state.database, &staff.username, &id, &time).await {
        Ok(visitor) => {
            let view = VisitsOfficeView {
                username: staff.username,
                done: Some(VisitsDone::Exit(visitor)),
                ..Default::default()
            };
            answer(&state, prefix, nonce, StatusCode::OK, view).await
        }
        Err(VisitError::NoVisit) => {
            answer(&state, prefix, nonce, StatusCode::NOT_FOUND, refuse(VisitProblem::ExitTime)).await
        }
        Err(VisitError::ExitSet | VisitError::ExitBeforeEntry) => {
            answer(&state, prefix, nonce, StatusCode::CONFLICT, refuse(VisitProblem::ExitTime)).await
        }
        Err(VisitError::Storage(error)) => server_error("registering an exit failed", error),
    }
}

/// `POST /oficina/visitas/agenda`: an agenda act.
async fn add_agenda(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let fields = FormFields(fields);
    let prefix = fields.prefix();
    let staff = match form_staff_with::<TransparencyEditor>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let known = match official_ids(&state).await {
        Ok(known) => known,
        Err(error) => return server_error("reading officials failed", error),
    };
    let mut entry = NewAgendaEntry {
        official: fields.get("agenda_official", 80),
        date: fields.get("agenda_date", 20),
        time: fields.get("agenda_time", 10),
        place: fields.get("agenda_place", 300),
        subject: fields.get("agenda_subject", 600),
        participants: fields.get("agenda_participants", 1100),
        represents: fields.get("agenda_represents", 600),
        lobbying: !fields.get("agenda_lobbying", 4).is_empty(),
    };
    let problems = entry.check(&known);
    if !problems.is_empty() {
        let view = VisitsOfficeView {
            username: staff.username,
            agenda_form: entry,
            agenda_problems: true,
            problems,
            ..Default::default()
        };
        return answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, view).await;
    }
    match storage::add_agenda(&state.database, &staff.username, std::slice::from_ref(&entry)).await {
        Ok(_) => {
            let view =
                VisitsOfficeView { username: staff.username, done: Some(VisitsDone::Agenda), ..Default::default() };
            answer(&state, prefix, nonce, StatusCode::OK, view).await
        }
        Err(error) => server_error("registering an agenda act failed", error),
    }
}

/// The two imports: `file`, `prefix` (multipart). All lines or none.
async fn import(
    state: AppState,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
    agenda: bool,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let (staff, prefix, file) =
        match staff_import::<TransparencyEditor>(&state, nonce.clone(), staff, multipart, OFFICE).await {
            Ok(read) => read,
            Err(response) => return response,
        };
    let known = match official_ids(&state).await {
        Ok(known) => known,
        Err(error) => return server_error("reading officials failed", error),
    };
    let Ok(text) = String::from_utf8(file) else {
        let field = if agenda { "agenda-file" } else { "visits-file" };
        let view = VisitsOfficeView {
            username: staff.username,
            import: Some((field, vec![(1, LineProblem::Columns)])),
            ..Default::default()
        };
        return answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, view).await;
    };
    let database = &state.database;
    let outcome = if agenda {
        match parse_agenda(&text, &known) {
            Ok(entries) => storage::add_agenda(database, &staff.username, &entries)
                .await
                .map(|n| Ok(VisitsDone::ImportedAgenda(n))),
            Err(errors) => Ok(Err(("agenda-file", errors))),
        }
    } else {
        match parse_visits(&text, &known, &format_iso(today_in_lima())) {
            Ok(visits) => storage::add_visits(database, &staff.username, &visits)
                .await
                .map(|ids| Ok(VisitsDone::ImportedVisits(ids.len()))),
            Err(errors) => Ok(Err(("visits-file", errors))),
        }
    };
    let (status, view) = match outcome {
        Ok(Ok(done)) => {
            (StatusCode::OK, VisitsOfficeView { username: staff.username, done: Some(done), ..Default::default() })
        }
        Ok(Err(refused)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            VisitsOfficeView { username: staff.username, import: Some(refused), ..Default::default() },
        ),
        Err(error) => return server_error("importing the visits registry failed", error),
    };
    answer(&state, prefix, nonce, status, view).await
}

async fn import_visits(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    import(state, nonce, staff, multipart, false).await
}

async fn import_agenda(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    import(state, nonce, staff, multipart, true).await
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(OFFICE_VISIT_POST.path(), post(add_visit))
        .route(OFFICE_EXIT_POST.path(), post(set_exit))
        .route(OFFICE_AGENDA_POST.path(), post(add_agenda))
        .route(OFFICE_IMPORT_VISITS_POST.path(), post(import_visits))
        .route(OFFICE_IMPORT_AGENDA_POST.path(), post(import_agenda))
        .layer(axum::middleware::from_fn(no_store))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024))
}
