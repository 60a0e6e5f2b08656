//! The document registry's side: the list of expedientes, one expediente with its actions, the
//! holiday calendar, the desk's CSV import and document downloads. Every route needs a signed-in
//! account holding [`DocumentRegistry`]'s role; every change is audited by the storage functions.

use super::forms::{self, ReadFailure};
use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::prefix_of;
use crate::staff::{DocumentRegistry, Permission, WebStaff, form_staff_with, page_staff_with, private};
use app::staff::paths::SIGN_IN;
use app::tramites::fields::{
    ActionRefusal, HolidayDone, HolidaysView, ImportLineError, ImportOutcome, ImportProblem, Imported, RegistryAction,
    RegistryCaseView, RegistryListView,
};
use app::tramites::paths::{HOLIDAYS, REGISTRY, REGISTRY_CASE};
use app::tramites::storage::{self, ActionInput, NewExpediente, RegistryError};
use app::tramites::{EventKind, ExpedienteSummary, normalize_number};
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use http::StatusCode;
use leptos::nonce::Nonce;
use leptos::prelude::provide_context;

/// `/oficina/expedientes`: every expediente with its deadline.
pub fn load_registry<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<DocumentRegistry>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        match list_view(request.state, staff.username, None).await {
            Ok(view) => private(Loaded::context(view)).into(),
            Err(error) => page_loaders::failed("loading the expedientes failed", error),
        }
    })
}

async fn list_view(
    state: &AppState,
    username: String,
    import: Option<ImportOutcome>,
) -> Result<RegistryListView, app::platform::database::StorageError> {
    let (open, closed) = storage::list(&state.database, storage::today_in_lima()).await?;
    Ok(RegistryListView { username, open, closed, import })
}

/// `/oficina/expedientes/detalle?numero=…[&hecho=<event>]`.
pub fn load_case<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<DocumentRegistry>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        let Some(number) = request.query_value("numero").and_then(|number| normalize_number(&number)) else {
            return page_loaders::Outcome::Respond(
                Redirect::to(&format!("{}{REGISTRY}", request.prefix)).into_response(),
            );
        };
        let done = request.query_value("hecho").and_then(|kind| EventKind::parse(&kind));
        match case_view(request.state, staff.username, &number).await {
            Ok(Some(mut view)) => {
                view.done = done;
                private(Loaded::context(view)).into()
            }
            // An unknown number (a mistyped address) goes back to the list, which shows every expediente.
            Ok(None) => {
                page_loaders::Outcome::Respond(Redirect::to(&format!("{}{REGISTRY}", request.prefix)).into_response())
            }
            Err(error) => page_loaders::failed("loading an expediente failed", error),
        }
    })
}

async fn case_view(
    state: &AppState,
    username: String,
    number: &str,
) -> Result<Option<RegistryCaseView>, app::platform::database::StorageError> {
    let Some(expediente) = storage::load(&state.database, number, storage::today_in_lima()).await? else {
        return Ok(None);
    };
    let offices = storage::offices(&state.database).await?;
    Ok(Some(RegistryCaseView { username, expediente, offices, done: None, refused: None, note: String::new() }))
}

/// `/oficina/feriados[?hecho=added|removed&dia=…&movidos=N]`.
pub fn load_holidays<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<DocumentRegistry>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        let done = match (request.query_value("hecho").as_deref(), request.query_value("dia")) {
            (Some("added"), Some(day)) => Some((HolidayDone::Added, day)),
            (Some("removed"), Some(day)) => Some((HolidayDone::Removed, day)),
            _ => None,
        };
        let moved = request.query_value("movidos").and_then(|count| count.parse().ok()).unwrap_or(0);
        match storage::holidays(&request.state.database).await {
            Ok(holidays) => {
                let view = HolidaysView { username: staff.username, holidays, done, moved, ..Default::default() };
                private(Loaded::context(view)).into()
            }
            Err(error) => page_loaders::failed("loading the holidays failed", error),
        }
    })
}

async fn render<T: Clone + Send + Sync + 'static>(
    state: &AppState,
    page: String,
    nonce: Option<Nonce>,
    status: StatusCode,
    view: T,
) -> Response {
    let provide = move || provide_context(view.clone());
    state.page_context.render_with(&page, nonce, status, provide).await
}

/// `POST /oficina/expedientes/accion` (multipart): `number`, `action`, `office`, `days`, `note`,
/// `document` (a PDF, for an observation or a resolution), `prefix`.
pub async fn act(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let store = &state.tramites.store;
    let limits = super::DocumentLimits { max_count: 1, ..state.tramites.limits };
    // Who is asking is checked before anything is stored.
    let staff = match staff {
        Ok(staff) => Ok(staff),
        Err(_) => return Redirect::to(SIGN_IN.path()).into_response(),
    };
    let form = match multipart {
        Ok(mut multipart) => forms::read(&mut multipart, store, limits).await,
        Err(_) => Err(ReadFailure::Malformed),
    };
    let form = match form {
        Ok(form) => form,
        Err(ReadFailure::Malformed) => return StatusCode::BAD_REQUEST.into_response(),
        Err(ReadFailure::Storage(error)) => return server_error("storing a response document failed", error),
    };
    let prefix = prefix_of(form.get("prefix"));
    let staff = match form_staff_with::<DocumentRegistry>(&state, nonce.clone(), staff, prefix, REGISTRY).await {
        Ok(staff) => staff,
        Err(response) => {
            forms::discard(store, &form.documents).await;
            return response;
        }
    };
    let Some(number) = normalize_number(form.get("number")) else {
        forms::discard(store, &form.documents).await;
        return Redirect::to(&format!("{prefix}{REGISTRY}")).into_response();
    };
    let action = RegistryAction::parse(form.get("action"));
    let input = ActionInput {
        office: form.get("office").to_string(),
        note: form.get("note").to_string(),
        days: form.get("days").to_string(),
        document: form.documents.first().cloned(),
    };
    let outcome = match (action, form.document_problem) {
        (None, _) => Err(RegistryError::Refused(ActionRefusal::UnknownAction)),
        (Some(_), Some(problem)) => Err(RegistryError::Refused(ActionRefusal::Document(problem))),
        (Some(action), None) => {
            storage::act(&state.database, &staff.username, &number, action, &input, storage::today_in_lima()).await
        }
    };
    let refusal = match outcome {
        Ok(kind) => {
            let to = format!("{prefix}{REGISTRY_CASE}?numero={number}&hecho={}", kind.code());
            return Redirect::to(&to).into_response();
        }
        Err(RegistryError::Refused(refusal)) => refusal,
        Err(RegistryError::NotFound) => {
            forms::discard(store, &form.documents).await;
            return Redirect::to(&format!("{prefix}{REGISTRY}")).into_response();
        }
        Err(RegistryError::Storage(error)) => {
            forms::discard(store, &form.documents).await;
            return server_error("a registry action failed", error);
        }
    };
    forms::discard(store, &form.documents).await;
    match case_view(&state, staff.username, &number).await {
        Ok(Some(mut view)) => {
            view.refused = Some((action.unwrap_or(RegistryAction::Receive), refusal));
            view.note = input.note;
            let page = format!("{prefix}{REGISTRY_CASE}?numero={number}");
            render(&state, page, nonce, StatusCode::UNPROCESSABLE_ENTITY, view).await
        }
        Ok(None) => Redirect::to(&format!("{prefix}{REGISTRY}")).into_response(),
        Err(error) => server_error("loading an expediente failed", error),
    }
}

/// `POST /oficina/expedientes/importar` (multipart): `file` (CSV), `prefix`. All rows or none.
pub async fn import(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let Ok(staff) = staff else { return Redirect::to(SIGN_IN.path()).into_response() };
    // The import carries no document: a PDF part is refused as too many.
    let limits = super::DocumentLimits { max_count: 0, ..state.tramites.limits };
    let form = match multipart {
        Ok(mut multipart) => forms::read(&mut multipart, &state.tramites.store, limits).await,
        Err(_) => Err(ReadFailure::Malformed),
    };
    let (prefix, file) = match form {
        Ok(form) => (prefix_of(form.get("prefix")), form.file.unwrap_or_default()),
        Err(ReadFailure::Malformed) => ("", Vec::new()),
        Err(ReadFailure::Storage(error)) => return server_error("reading an import failed", error),
    };
    let staff = match form_staff_with::<DocumentRegistry>(&state, nonce.clone(), Ok(staff), prefix, REGISTRY).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let today = storage::today_in_lima();
    let procedures = match storage::procedures(&state.database).await {
        Ok(procedures) => procedures,
        Err(error) => return server_error("loading the procedures failed", error),
    };
    let outcome = match String::from_utf8(file) {
        Err(_) => Err(vec![ImportLineError { line: 1, problem: ImportProblem::Columns }]),
        Ok(text) => app::tramites::import::parse(&text, &procedures, today),
    };
    let (status, outcome) = match outcome {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, ImportOutcome { errors, ..Default::default() }),
        Ok(rows) => {
            let new: Vec<NewExpediente> = rows
                .iter()
                .map(|row| NewExpediente {
                    fields: row.fields.clone(),
                    online: false,
                    filed_on: row.filed_on,
                    documents: Vec::new(),
                })
                .collect();
            match storage::file(&state.database, &staff.username, &new).await {
                Ok(filed) => {
                    let created = rows
                        .iter()
                        .zip(filed)
                        .map(|(row, filed)| Imported {
                            line: row.line,
                            number: filed.number,
                            code: filed.code,
                            applicant_name: row.fields.name.clone(),
                        })
                        .collect();
                    (StatusCode::CREATED, ImportOutcome { created, errors: Vec::new() })
                }
                Err(error) => return server_error("storing an import failed", error),
            }
        }
    };
    match list_view(&state, staff.username, Some(outcome)).await {
        Ok(view) => render(&state, format!("{prefix}{REGISTRY}"), nonce, status, view).await,
        Err(error) => server_error("loading the expedientes failed", error),
    }
}

#[derive(serde::Deserialize)]
pub struct DocumentQuery {
    #[serde(default)]
    numero: String,
    #[serde(default)]
    id: String,
}

/// `GET /oficina/expedientes/documento?numero=…&id=…`.
pub async fn document(
    State(state): State<AppState>,
    staff: Result<WebStaff, Response>,
    Query(query): Query<DocumentQuery>,
) -> Response {
    let Ok(WebStaff(staff)) = staff else { return Redirect::to(SIGN_IN.path()).into_response() };
    if !staff.holds(DocumentRegistry::ROLE) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(number) = normalize_number(&query.numero) else { return StatusCode::NOT_FOUND.into_response() };
    match storage::document(&state.database, &number, &query.id).await {
        Ok(Some((file_name, object, _))) => super::pdf_download(&state.tramites.store, &object, &file_name).await,
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => server_error("reading a document's record failed", error),
    }
}

#[derive(serde::Deserialize)]
pub struct HolidayForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    prefix: String,
}

/// Open expedientes whose due date differs between two lists.
fn moved(before: &[ExpedienteSummary], after: &[ExpedienteSummary]) -> usize {
    after
        .iter()
        .filter(|now| before.iter().any(|then| then.number == now.number && then.deadline.due != now.deadline.due))
        .count()
}

/// `POST /oficina/feriados/cambiar`: `action` (`add` or `remove`), `day`, `name`, `prefix`.
pub async fn holidays(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(form): Form<HolidayForm>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let prefix = prefix_of(&form.prefix);
    let staff = match form_staff_with::<DocumentRegistry>(&state, nonce.clone(), staff, prefix, HOLIDAYS).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let today = storage::today_in_lima();
    let before = match storage::list(&state.database, today).await {
        Ok((open, _)) => open,
        Err(error) => return server_error("loading the expedientes failed", error),
    };
    let adding = form.action != "remove";
    let outcome = if adding {
        storage::add_holiday(&state.database, &staff.username, &form.day, &form.name).await
    } else {
        storage::remove_holiday(&state.database, &staff.username, &form.day).await
    };
    match outcome {
        Ok(Ok(())) => {
            let after = match storage::list(&state.database, today).await {
                Ok((open, _)) => open,
                Err(error) => return server_error("loading the expedientes failed", error),
            };
            let day = app::tramites::calendar::parse_day(&form.day)
                .map(app::tramites::calendar::format_iso)
                .unwrap_or_default();
            let done = if adding { "added" } else { "removed" };
            let to = format!("{prefix}{HOLIDAYS}?hecho={done}&dia={day}&movidos={}", moved(&before, &after));
            Redirect::to(&to).into_response()
        }
        Ok(Err(refusal)) => {
            let holidays = match storage::holidays(&state.database).await {
                Ok(holidays) => holidays,
                Err(error) => return server_error("loading the holidays failed", error),
            };
            let view = HolidaysView {
                username: staff.username,
                holidays,
                refused: Some(refusal),
                typed_day: form.day.chars().take(20).collect(),
                typed_name: form.name.chars().take(200).collect(),
                ..Default::default()
            };
            render(&state, format!("{prefix}{HOLIDAYS}"), nonce, StatusCode::UNPROCESSABLE_ENTITY, view).await
        }
        Err(error) => server_error("changing a holiday failed", error),
    }
}
