//! The treasury's staff page (`/oficina/tributos`, role `treasury`): recent payments and the import
//! of tax items.

use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::staff::{Treasury, WebStaff, form_staff_with, page_staff_with, private};
use app::staff::paths::SIGN_IN;
use app::treasury::office::TreasuryView;
use app::treasury::paths::OFFICE;
use app::treasury::storage;
use axum::Extension;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use leptos::nonce::Nonce;
use leptos::prelude::provide_context;

const RECENT: i64 = 200;

pub fn load_office<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<Treasury>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        match storage::recent_payments(&request.state.database, RECENT).await {
            Ok(payments) => {
                private(Loaded::context(TreasuryView { username: staff.username, payments, import: None })).into()
            }
            Err(error) => page_loaders::failed("loading payments failed", error),
        }
    })
}

/// `POST /oficina/tributos/importar` (multipart): `file` (CSV), `prefix`. All lines or none.
pub async fn import(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let Ok(WebStaff(staff)) = staff else { return Redirect::to(SIGN_IN.path()).into_response() };
    let (prefix, file) = crate::staff::web::read_import(multipart).await;
    let page = format!("{prefix}{OFFICE}");
    let staff = match form_staff_with::<Treasury>(&state, nonce.clone(), Ok(WebStaff(staff)), prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let parsed = String::from_utf8(file)
        .map_err(|_| vec![(1, app::treasury::import::ItemProblem::Columns)])
        .and_then(|text| app::treasury::import::parse(&text));
    let (status, outcome) = match parsed {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, Err(errors)),
        Ok((taxpayers, items)) => match storage::import(&state.database, &staff.username, &taxpayers, &items).await {
            Ok(added) => (StatusCode::OK, Ok(added)),
            Err(error) => {
                tracing::error!(%error, "importing tax items failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        },
    };
    let payments = match storage::recent_payments(&state.database, RECENT).await {
        Ok(payments) => payments,
        Err(error) => {
            tracing::error!(%error, "loading payments failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let view = TreasuryView { username: staff.username, payments, import: Some(outcome) };
    let provide = move || provide_context(view.clone());
    state.page_context.render_with(&page, nonce, status, provide).await
}
