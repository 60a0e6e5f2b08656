//! The civil registry's staff page (`/oficina/registro-civil`, role `civil-registry`): requests,
//! issuing (signing) and revoking certificates, and the import of records.

use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::{prefix_of, staff_import, staff_page};
use crate::staff::{CivilRegistry, WebStaff, form_staff_with, page_staff_with, private};
use app::civil_registry::office::{CivilRegistryView, OfficeNotice};
use app::civil_registry::paths::OFFICE;
use app::civil_registry::storage;
use app::civil_registry::{import, normalize_request_number};
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use http::StatusCode;
use leptos::nonce::Nonce;

const RECENT: i64 = 300;

pub fn load_office<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<CivilRegistry>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        match storage::list(&request.state.database, RECENT).await {
            Ok(requests) => {
                private(Loaded::context(CivilRegistryView { username: staff.username, requests, ..Default::default() }))
                    .into()
            }
            Err(error) => page_loaders::failed("loading certificate requests failed", error),
        }
    })
}

/// The page again after an action, with what it did.
async fn answer(
    state: &AppState,
    prefix: &str,
    nonce: Option<Nonce>,
    status: StatusCode,
    mut view: CivilRegistryView,
) -> Response {
    view.requests = match storage::list(&state.database, RECENT).await {
        Ok(requests) => requests,
        Err(error) => return server_error("loading certificate requests failed", error),
    };
    staff_page(state, OFFICE, prefix, nonce, status, view).await
}

#[derive(serde::Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    prefix: String,
}

/// `POST /oficina/registro-civil/accion`: `number`, `action` (`issue` or `revoke`), `reason`, `prefix`.
pub async fn act(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(form): Form<ActionForm>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let prefix = prefix_of(&form.prefix);
    let staff = match form_staff_with::<CivilRegistry>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let Some(number) = normalize_request_number(&form.number) else {
        return Redirect::to(&format!("{prefix}{OFFICE}")).into_response();
    };
    let database = &state.database;
    let notice = match form.action.as_str() {
        "issue" => {
            let today = crate::today_in_lima();
            match storage::issue(database, &staff.username, &number, &state.civil_registry.signing, &today).await {
                Ok(Ok(_)) => OfficeNotice::Issued(number),
                Ok(Err(refusal)) => OfficeNotice::IssueRefused(refusal),
                Err(error) => return server_error("issuing a certificate failed", error),
            }
        }
        "revoke" => match storage::revoke(database, &staff.username, &number, &form.reason).await {
            Ok(Ok(())) => OfficeNotice::Revoked(number),
            Ok(Err(refusal)) => OfficeNotice::RevokeRefused(refusal),
            Err(error) => return server_error("revoking a certificate failed", error),
        },
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    let status = match notice {
        OfficeNotice::Issued(_) | OfficeNotice::Revoked(_) => StatusCode::OK,
        _ => StatusCode::CONFLICT,
    };
    let view = CivilRegistryView { username: staff.username, notice: Some(notice), ..Default::default() };
    answer(&state, prefix, nonce, status, view).await
}

/// `POST /oficina/registro-civil/importar` (multipart): `file` (CSV), `prefix`. All lines or none.
pub async fn import(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let (staff, prefix, file) =
        match staff_import::<CivilRegistry>(&state, nonce.clone(), staff, multipart, OFFICE).await {
            Ok(read) => read,
            Err(response) => return response,
        };
    let parsed = String::from_utf8(file)
        .map_err(|_| vec![(1, import::RecordProblem::Columns)])
        .and_then(|text| import::parse(&text));
    let (status, outcome) = match parsed {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, Err(errors)),
        Ok(records) => match storage::import_records(&state.database, &staff.username, &records).await {
            Ok(stored) => (StatusCode::OK, Ok(stored)),
            Err(error) => return server_error("importing civil records failed", error),
        },
    };
    let view = CivilRegistryView { username: staff.username, import: Some(outcome), ..Default::default() };
    answer(&state, prefix, nonce, status, view).await
}
