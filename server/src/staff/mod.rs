//! The integrity office's side of the portal: officer sign-in, the case API the officer tool uses
//! (`/api/officer/…`, bearer tokens) and the officers' web view (`/oficina/…`, a session cookie). Nothing
//! here can decrypt anything: the server hands out ciphertext and metadata, and takes ciphertext.
//!
//! Every request without a live session gets the same `401` and an empty-handed body, whatever it
//! asked for, so an unauthenticated caller learns nothing about cases, ids or accounts.

pub mod accounts;
mod api;
mod web;

use crate::AppState;
use app::platform::database::Database;
use axum::Router;
use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use http::StatusCode;
use http::request::Parts;

/// The session cookie of the officers' web view.
pub const SESSION_COOKIE: &str = "portal_officer_session";

/// An authenticated officer, from an API request's `Authorization: Bearer` token.
pub struct Officer {
    pub username: String,
    pub token: String,
}

/// The one answer to every unauthenticated officer request.
pub fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(http::header::WWW_AUTHENTICATE, "Bearer"), (http::header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({ "error": "unauthorized" })),
    )
        .into_response()
}

fn bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|token| token.trim().to_string())
}

pub(crate) fn session_cookie(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

async fn officer_for(database: &Database, token: Option<String>) -> Result<Officer, Response> {
    let token = token.ok_or_else(unauthorized)?;
    match accounts::authenticate(database, &token, accounts::unix_now()).await {
        Ok(Some(username)) => Ok(Officer { username, token }),
        Ok(None) => Err(unauthorized()),
        Err(error) => {
            tracing::error!(%error, "checking an officer session failed");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

impl<S> FromRequestParts<S> for Officer
where
    S: Send + Sync,
    Database: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        officer_for(&Database::from_ref(state), bearer(parts)).await
    }
}

/// An authenticated officer of the web view, from the session cookie.
pub struct WebOfficer(pub Officer);

impl<S> FromRequestParts<S> for WebOfficer
where
    S: Send + Sync,
    Database: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        officer_for(&Database::from_ref(state), session_cookie(parts)).await.map(WebOfficer)
    }
}

/// An API refusal: `{"error": code}`.
pub(crate) fn api_error(status: StatusCode, code: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": code }))).into_response()
}

/// A failure of the server's own, logged (never with request contents) and answered `server_error`.
pub(crate) fn api_server_error(failure: impl std::fmt::Display) -> Response {
    tracing::error!(error = %failure, "officer request failed");
    api_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error")
}

/// Sign-in and sign-out, for the officer tool (`/api/officer/session`) and the web view (`/oficina/…`).
pub fn routes(body_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/api/officer/session", post(api::login).delete(api::logout))
        .route("/oficina/entrar", post(web::login))
        .route("/oficina/salir", post(web::logout))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(no_store))
}

/// `text` for a URL's query or path: unreserved characters kept, every other byte as `%XX`.
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Officer answers are never cached by a browser or proxy.
pub(crate) async fn no_store(request: http::Request<axum::body::Body>, next: axum::middleware::Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    response
}
