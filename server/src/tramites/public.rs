//! The neighbour's side: filing (`POST /tramites/mesa-de-partes/enviar`, answered with the receipt or
//! the form again), tracking (`POST /tramites/expediente/consultar`), correcting an observation and
//! downloading an expediente's documents, each with the number and verification code in the body
//! (never in a URL, which browsers keep in their history and servers in their logs).

use super::forms::{self, ReadFailure};
use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::prefix_of;
use app::tramites::fields::{
    CorrectionProblem, FilingFields, FilingProblem, FilingReceipt, FilingView, MAX_NOTE, TrackProblem, TrackView,
};
use app::tramites::paths::{FILE, TRACK};
use app::tramites::storage::{self, NewExpediente};
use app::tramites::{Expediente, normalize_code, normalize_number};
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use http::StatusCode;
use leptos::nonce::Nonce;
use leptos::prelude::provide_context;

/// The filing page's loader: the procedures to choose from.
pub fn load_filing<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        match storage::procedures(&request.state.database).await {
            Ok(procedures) => Loaded::context(FilingView { procedures, ..Default::default() }).into(),
            Err(error) => page_loaders::failed("loading the procedures failed", error),
        }
    })
}

/// `POST /tramites/mesa-de-partes/enviar` (multipart): the applicant's fields, `documents` (PDFs), `prefix`.
pub async fn file(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let procedures = match storage::procedures(&state.database).await {
        Ok(procedures) => procedures,
        Err(error) => return server_error("loading the procedures failed", error),
    };
    let tramites = &state.tramites;
    let read = match multipart {
        Ok(mut multipart) => forms::read(&mut multipart, &tramites.store, tramites.limits).await,
        Err(_) => Err(ReadFailure::Malformed),
    };
    let form = match read {
        Ok(form) => form,
        Err(ReadFailure::Storage(error)) => {
            tracing::error!(%error, "storing a filed document failed");
            let view = FilingView { procedures, busy: true, ..Default::default() };
            return render(&state, "", nonce, StatusCode::SERVICE_UNAVAILABLE, view).await;
        }
        Err(ReadFailure::Malformed) => {
            let view = FilingView { procedures, problems: vec![FilingProblem::DocumentMissing], ..Default::default() };
            return render(&state, "", nonce, StatusCode::BAD_REQUEST, view).await;
        }
    };
    let prefix = prefix_of(form.get("prefix"));
    let fields = FilingFields {
        id_type: form.get("id_type").into(),
        applicant_id: form.get("applicant_id").into(),
        name: form.get("name").into(),
        address: form.get("address").into(),
        email: form.get("email").into(),
        procedure: form.get("procedure").into(),
        subject: form.get("subject").into(),
    }
    .cleaned();
    let mut problems = fields.check(&procedures);
    if let Some(problem) = form.document_problem {
        problems.push(problem);
    } else if form.documents.is_empty() {
        problems.push(FilingProblem::DocumentMissing);
    }
    if !problems.is_empty() {
        forms::discard(&tramites.store, &form.documents).await;
        let view = FilingView { procedures, fields, problems, files_chosen: form.files_chosen, ..Default::default() };
        return render(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, view).await;
    }
    let today = storage::today_in_lima();
    let new =
        NewExpediente { fields: fields.clone(), online: true, filed_on: today, documents: form.documents.clone() };
    let filed = match storage::file(&state.database, "applicant", std::slice::from_ref(&new)).await {
        Ok(mut filed) => filed.remove(0),
        Err(error) => {
            forms::discard(&tramites.store, &form.documents).await;
            tracing::error!(%error, "storing a filing failed");
            let view = FilingView { procedures, fields, busy: true, ..Default::default() };
            return render(&state, prefix, nonce, StatusCode::SERVICE_UNAVAILABLE, view).await;
        }
    };
    let expediente = match storage::load(&state.database, &filed.number, today).await {
        Ok(Some(expediente)) => expediente,
        Ok(None) => return server_error("a filed expediente could not be read back", "missing"),
        Err(error) => return server_error("reading a filed expediente failed", error),
    };
    let documents = expediente.events.first().map(|event| event.documents.clone()).unwrap_or_default();
    let receipt = FilingReceipt {
        number: filed.number,
        code: filed.code,
        procedure: expediente.procedure.clone(),
        filed_on: expediente.filed_on.clone(),
        due: expediente.deadline.due.clone(),
        applicant_name: expediente.applicant_name.clone(),
        subject: expediente.subject.clone(),
        documents,
    };
    let view = FilingView { receipt: Some(receipt), ..Default::default() };
    render(&state, prefix, nonce, StatusCode::CREATED, view).await
}

async fn render(
    state: &AppState,
    prefix: &str,
    nonce: Option<Nonce>,
    status: StatusCode,
    view: FilingView,
) -> Response {
    let page = format!("{prefix}{FILE}");
    let provide = move || provide_context(view.clone());
    let mut response = state.page_context.render_with(&page, nonce, status, provide).await;
    response.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    response
}

async fn render_track(
    state: &AppState,
    prefix: &str,
    nonce: Option<Nonce>,
    status: StatusCode,
    view: TrackView,
) -> Response {
    let page = format!("{prefix}{TRACK}");
    let provide = move || provide_context(view.clone());
    state.page_context.render_with(&page, nonce, status, provide).await
}

/// The outcome of a lookup with a number and a code.
enum Lookup {
    Found(Box<Expediente>),
    Refused(TrackProblem),
}

/// Finds the expediente `number` and `code` name, counting a wrong pair against the portal-wide budget.
/// Once the budget of the minute is spent, every lookup is refused without being tried, so a right
/// guess is not told apart from a wrong one either.
async fn lookup(state: &AppState, number: &str, code: &str) -> Result<Lookup, Response> {
    let (Some(number), code) = (normalize_number(number), normalize_code(code)) else {
        return Ok(Lookup::Refused(TrackProblem::Missing));
    };
    if code.is_empty() {
        return Ok(Lookup::Refused(TrackProblem::Missing));
    }
    // Each lookup takes a slot before it is tried, and a right one gives it back: lookups sent together
    // cannot all pass a check made before any of them is counted.
    let budget = &state.tramites.wrong_lookups;
    if !budget.try_acquire() {
        return Ok(Lookup::Refused(TrackProblem::TooMany));
    }
    match storage::find_with_code(&state.database, &number, &code, storage::today_in_lima()).await {
        Ok(Some(expediente)) => {
            budget.release();
            Ok(Lookup::Found(Box::new(expediente)))
        }
        Ok(None) => Ok(Lookup::Refused(TrackProblem::NotFound)),
        Err(error) => {
            budget.release();
            Err(server_error("looking up an expediente failed", error))
        }
    }
}

fn status_of(problem: TrackProblem) -> StatusCode {
    match problem {
        TrackProblem::Missing | TrackProblem::NotFound => StatusCode::UNPROCESSABLE_ENTITY,
        TrackProblem::TooMany => StatusCode::TOO_MANY_REQUESTS,
    }
}

#[derive(serde::Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    prefix: String,
}

/// `POST /tramites/expediente/consultar`: `number`, `code`, `prefix`.
pub async fn track(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    Form(form): Form<TrackForm>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let prefix = prefix_of(&form.prefix);
    let typed: String = form.number.chars().take(20).collect();
    match lookup(&state, &form.number, &form.code).await {
        Ok(Lookup::Found(expediente)) => {
            let code = normalize_code(&form.code);
            let view = TrackView {
                number: expediente.number.clone(),
                code,
                expediente: Some(*expediente),
                ..Default::default()
            };
            render_track(&state, prefix, nonce, StatusCode::OK, view).await
        }
        Ok(Lookup::Refused(problem)) => {
            let view = TrackView { number: typed, problem: Some(problem), ..Default::default() };
            render_track(&state, prefix, nonce, status_of(problem), view).await
        }
        Err(response) => response,
    }
}

/// `POST /tramites/expediente/subsanar` (multipart): `number`, `code`, `note`, `documents`, `prefix`.
pub async fn correct(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let tramites = &state.tramites;
    let form = match multipart {
        Ok(mut multipart) => forms::read(&mut multipart, &tramites.store, tramites.limits).await,
        Err(_) => Err(ReadFailure::Malformed),
    };
    let form = match form {
        Ok(form) => form,
        Err(ReadFailure::Malformed) => return StatusCode::BAD_REQUEST.into_response(),
        Err(ReadFailure::Storage(error)) => return server_error("storing a correction's document failed", error),
    };
    let prefix = prefix_of(form.get("prefix"));
    let expediente = match lookup(&state, form.get("number"), form.get("code")).await {
        Ok(Lookup::Found(expediente)) => expediente,
        Ok(Lookup::Refused(problem)) => {
            forms::discard(&tramites.store, &form.documents).await;
            let view = TrackView {
                number: form.get("number").chars().take(20).collect(),
                problem: Some(problem),
                ..Default::default()
            };
            return render_track(&state, prefix, nonce, status_of(problem), view).await;
        }
        Err(response) => {
            forms::discard(&tramites.store, &form.documents).await;
            return response;
        }
    };
    let note = form.get("note").trim().to_string();
    let code = normalize_code(form.get("code"));
    let problem = if let Some(problem) = form.document_problem {
        Some(CorrectionProblem::Document(problem))
    } else if note.is_empty() {
        Some(CorrectionProblem::NoteMissing)
    } else if note.chars().count() > MAX_NOTE {
        Some(CorrectionProblem::NoteTooLong)
    } else {
        None
    };
    let today = storage::today_in_lima();
    let corrected = match problem {
        Some(_) => false,
        None => match storage::correct(&state.database, &expediente.number, &note, &form.documents, today).await {
            Ok(corrected) => corrected,
            Err(error) => {
                forms::discard(&tramites.store, &form.documents).await;
                return server_error("storing a correction failed", error);
            }
        },
    };
    let problem = problem.or((!corrected).then_some(CorrectionProblem::NotObserved));
    if !corrected {
        forms::discard(&tramites.store, &form.documents).await;
    }
    let expediente = match storage::load(&state.database, &expediente.number, today).await {
        Ok(Some(expediente)) => expediente,
        Ok(None) => return server_error("an expediente could not be read back", "missing"),
        Err(error) => return server_error("reading an expediente failed", error),
    };
    let status = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let view = TrackView {
        number: expediente.number.clone(),
        code,
        expediente: Some(expediente),
        corrected,
        correction_problem: problem,
        correction_note: if corrected { String::new() } else { note },
        ..Default::default()
    };
    render_track(&state, prefix, nonce, status, view).await
}

#[derive(serde::Deserialize)]
pub struct DocumentForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    prefix: String,
}

/// `POST /tramites/expediente/documento`: `number`, `code`, `id` (a document of that expediente).
pub async fn document(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    Form(form): Form<DocumentForm>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let prefix = prefix_of(&form.prefix);
    let expediente = match lookup(&state, &form.number, &form.code).await {
        Ok(Lookup::Found(expediente)) => expediente,
        Ok(Lookup::Refused(problem)) => {
            let view = TrackView {
                number: form.number.chars().take(20).collect(),
                problem: Some(problem),
                ..Default::default()
            };
            return render_track(&state, prefix, nonce, status_of(problem), view).await;
        }
        Err(response) => return response,
    };
    match storage::document(&state.database, &expediente.number, &form.id).await {
        Ok(Some((file_name, object, _))) => super::pdf_download(&state.tramites.store, &object, &file_name).await,
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => server_error("reading a document's record failed", error),
    }
}
