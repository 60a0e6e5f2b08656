//! Staff: accounts with roles, sign-in for the officer tool (`/api/officer/session`, bearer tokens) and
//! the browser (`/oficina/entrar`, a session cookie), and account management for account admins
//! (`/api/staff/accounts`).
//!
//! A handler states the role it needs in its signature: `Authorized<IntegrityOffice>` lets in only a
//! live session of an account that holds [`Role::IntegrityOfficer`]. Without a live session every
//! staff request gets the same `401`, whatever it asked for, so an unauthenticated caller learns nothing
//! about cases, ids or accounts; with one but without the role, `403 {"error":"forbidden"}`.

pub mod accounts;
mod admin;
mod admin_web;
mod api;
pub(crate) mod web;

use crate::AppState;
use crate::page_loaders::{Loaded, LoaderFuture, Outcome, Request};
use app::platform::database::Database;
use app::staff::MissingRole;
use app::staff::Role;
use app::staff::paths::{ACCOUNTS_CHANGE_POST, ACCOUNTS_CREATE_POST, SIGN_IN, SIGN_IN_POST, SIGN_OUT_POST};
use axum::Router;
use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::StatusCode;
use http::request::Parts;
use std::marker::PhantomData;

/// The session cookie of the staff's web view.
pub const SESSION_COOKIE: &str = "portal_officer_session";

/// A signed-in staff member, from an API request's `Authorization: Bearer` token.
pub struct Staff {
    pub username: String,
    pub token: String,
    pub roles: Vec<Role>,
}

impl Staff {
    pub fn holds(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A permission a route needs: the role that grants it.
pub trait Permission {
    const ROLE: Role;
}

/// Reading and answering whistleblower cases (the integrity office).
pub struct IntegrityOffice;
impl Permission for IntegrityOffice {
    const ROLE: Role = Role::IntegrityOfficer;
}

/// The front desk: expedientes and the holiday calendar.
pub struct DocumentRegistry;
impl Permission for DocumentRegistry {
    const ROLE: Role = Role::DocumentRegistry;
}

/// Taxes, fees and payments.
pub struct Treasury;
impl Permission for Treasury {
    const ROLE: Role = Role::Treasury;
}

/// Civil-registry certificates: issuing, revoking, importing records.
pub struct CivilRegistry;
impl Permission for CivilRegistry {
    const ROLE: Role = Role::CivilRegistry;
}

/// Neighbourhood votes: the census and polls (never who voted what: nothing stored can tell).
pub struct Participation;
impl Permission for Participation {
    const ROLE: Role = Role::Participation;
}

/// Council sessions: members, sessions, agenda items, votes and minutes.
pub struct CouncilSecretary;
impl Permission for CouncilSecretary {
    const ROLE: Role = Role::CouncilSecretary;
}

/// Requests for quotation: publishing them and their openings.
pub struct ProcurementCommittee;
impl Permission for ProcurementCommittee {
    const ROLE: Role = Role::ProcurementCommittee;
}

/// The integrity registers: officials, visits, agendas and interest affidavits.
pub struct TransparencyEditor;
impl Permission for TransparencyEditor {
    const ROLE: Role = Role::TransparencyEditor;
}

/// Managing staff accounts.
pub struct AccountAdmin;
impl Permission for AccountAdmin {
    const ROLE: Role = Role::AccountAdmin;
}

/// A signed-in staff member (bearer token) holding `P`'s role.
pub struct Authorized<P: Permission>(pub Staff, PhantomData<P>);

impl<P: Permission> std::ops::Deref for Authorized<P> {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        &self.0
    }
}

/// The one answer to every unauthenticated staff request.
pub fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(http::header::WWW_AUTHENTICATE, "Bearer"), (http::header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({ "error": "unauthorized" })),
    )
        .into_response()
}

/// The answer to a signed-in staff member whose roles do not include the route's.
pub fn forbidden() -> Response {
    api_error(StatusCode::FORBIDDEN, "forbidden")
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

/// The staff member a session token belongs to, or the `401` to answer.
pub(crate) async fn staff_for(database: &Database, token: Option<String>) -> Result<Staff, Response> {
    let token = token.ok_or_else(unauthorized)?;
    match accounts::authenticate(database, &token, accounts::unix_now()).await {
        Ok(Some((username, roles))) => Ok(Staff { username, token, roles }),
        Ok(None) => Err(unauthorized()),
        Err(error) => {
            tracing::error!(%error, "checking a staff session failed");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

impl<S> FromRequestParts<S> for Staff
where
    S: Send + Sync,
    Database: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        staff_for(&Database::from_ref(state), bearer(parts)).await
    }
}

impl<S, P> FromRequestParts<S> for Authorized<P>
where
    S: Send + Sync,
    Database: FromRef<S>,
    P: Permission,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let staff = Staff::from_request_parts(parts, state).await?;
        if !staff.holds(P::ROLE) {
            return Err(forbidden());
        }
        Ok(Authorized(staff, PhantomData))
    }
}

/// A signed-in staff member of the web view, from the session cookie.
pub struct WebStaff(pub Staff);

impl<S> FromRequestParts<S> for WebStaff
where
    S: Send + Sync,
    Database: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        staff_for(&Database::from_ref(state), session_cookie(parts)).await.map(WebStaff)
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

/// Sign-in and sign-out, for the officer tool (`/api/officer/session`) and the web view (`/oficina/…`),
/// and account management.
pub fn routes(body_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/api/officer/session", post(api::login).delete(api::logout))
        .route("/api/staff/accounts", get(admin::list).post(admin::create_json))
        .route("/api/staff/accounts/{username}", axum::routing::patch(admin::update_json))
        .route(ACCOUNTS_CREATE_POST.path(), post(admin_web::create))
        .route(ACCOUNTS_CHANGE_POST.path(), post(admin_web::change))
        .route(SIGN_IN_POST.path(), post(web::login))
        .route(SIGN_OUT_POST.path(), post(web::logout))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(no_store))
}

/// For a staff page's loader: the signed-in staff member, or the answer instead (to sign in first,
/// in the page's language, also when the session cannot be checked).
pub(crate) async fn page_staff(request: &Request<'_>) -> Result<Staff, Outcome> {
    staff_for(&request.state.database, session_cookie(request.parts)).await.map_err(|_| {
        let sign_in = format!("{}{SIGN_IN}", request.prefix);
        Outcome::Respond(axum::response::Redirect::to(&sign_in).into_response())
    })
}

/// For a staff page's loader: the signed-in staff member holding `P`'s role. A signed-in account
/// without it gets the page's `403` version, which says so and shows nothing else.
pub(crate) async fn page_staff_with<P: Permission>(request: &Request<'_>) -> Result<Staff, Outcome> {
    let staff = page_staff(request).await?;
    if !staff.holds(P::ROLE) {
        let missing = MissingRole { username: staff.username, role: P::ROLE };
        return Err(private(Loaded::context(missing).with_status(StatusCode::FORBIDDEN)).into());
    }
    Ok(staff)
}

/// For a staff page's form handler: the signed-in staff member holding `P`'s role, or the answer
/// instead: to sign in first (in the form's language), or `page` rendered as its `403` version.
pub(crate) async fn form_staff_with<P: Permission>(
    state: &AppState,
    nonce: Option<leptos::nonce::Nonce>,
    staff: Result<WebStaff, Response>,
    prefix: &str,
    page: app::paths::Page,
) -> Result<Staff, Response> {
    let Ok(WebStaff(staff)) = staff else {
        return Err(axum::response::Redirect::to(&format!("{prefix}{SIGN_IN}")).into_response());
    };
    if !staff.holds(P::ROLE) {
        let missing = MissingRole { username: staff.username, role: P::ROLE };
        let provide = move || leptos::prelude::provide_context(missing.clone());
        let page = format!("{prefix}{page}");
        return Err(state.page_context.render_with(&page, nonce, StatusCode::FORBIDDEN, provide).await);
    }
    Ok(staff)
}

/// A staff page is never cached by a browser or proxy.
pub(crate) fn private(loaded: Loaded) -> Loaded {
    loaded.with_header(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"))
}

pub use admin_web::load_accounts;

/// The staff home's loader: who is signed in and their roles; the page lists what those open.
pub fn load_home<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        match page_staff(request).await {
            Ok(staff) => {
                let home = app::staff::StaffHome { username: staff.username, roles: staff.roles };
                private(Loaded::context(home)).into()
            }
            Err(outcome) => outcome,
        }
    })
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
