//! The officers' web view: sign-in and sign-out as plain HTML forms (no JavaScript needed), a session
//! cookie (HttpOnly, SameSite=Strict, Secure on HTTPS), and the case list, whose data a middleware
//! loads for the page before it renders ([`load_case_list`]).

use super::accounts::{self, LoginError};
use super::{SESSION_COOKIE, WebOfficer, session_cookie};
use crate::AppState;
use app::cases::OfficeView;
use app::locale::split_path;
use app::storage::cases;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    /// The language prefix of the page the form was on (`/en`, `/es` or empty).
    #[serde(default)]
    prefix: String,
}

fn prefix_of(prefix: &str) -> &'static str {
    match prefix {
        "/en" => "/en",
        "/es" => "/es",
        _ => "",
    }
}

fn cookie(value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

pub async fn login(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    let prefix = prefix_of(&form.prefix);
    let username: String = form.username.trim().chars().take(64).collect();
    let back = |error: &str| {
        let query = format!("error={error}&username={}", super::percent_encode(&username));
        Redirect::to(&format!("{prefix}/oficina?{query}")).into_response()
    };
    if username.is_empty() || form.password.is_empty() || form.code.trim().is_empty() {
        return back("missing");
    }
    match accounts::login(&state.database, &username, &form.password, &form.code, accounts::unix_now()).await {
        Ok(session) => {
            let secure = state.page_context.secure_cookies;
            let mut response = Redirect::to(&format!("{prefix}/oficina/casos")).into_response();
            let value = cookie(&session.token, accounts::SESSION_MAX_SECONDS, secure);
            response.headers_mut().insert(http::header::SET_COOKIE, value.parse().expect("valid cookie"));
            response
        }
        Err(LoginError::Invalid) => back("invalid"),
        Err(LoginError::Locked { .. }) => back("locked"),
        Err(LoginError::Storage(error)) => {
            tracing::error!(%error, "officer sign-in failed");
            back("server")
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    officer: Result<WebOfficer, Response>,
    Form(form): Form<LoginFormPrefix>,
) -> Response {
    if let Ok(WebOfficer(officer)) = officer
        && let Err(error) = accounts::logout(&state.database, &officer.token, &officer.username).await
    {
        tracing::error!(%error, "officer sign-out failed");
    }
    let mut response = Redirect::to(&format!("{}/oficina", prefix_of(&form.prefix))).into_response();
    let value = cookie("", 0, state.page_context.secure_cookies);
    response.headers_mut().insert(http::header::SET_COOKIE, value.parse().expect("valid cookie"));
    response
}

#[derive(Deserialize)]
pub struct LoginFormPrefix {
    #[serde(default)]
    prefix: String,
}

/// Middleware for the pages: on the case list, loads the signed-in officer's view into the request (the
/// page renders it, and the browser hydrates from the same data), or sends a visitor without a live
/// session to the sign-in page.
pub async fn load_case_list(
    State(state): State<AppState>,
    mut request: http::Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> Response {
    let (prefix, rest) = split_path(request.uri().path());
    if rest != "/oficina/casos" {
        return next.run(request).await;
    }
    let prefix = prefix.map(|locale| format!("/{}", app::locale::url_prefix(locale))).unwrap_or_default();
    let (mut parts, body) = request.into_parts();
    let token = session_cookie(&parts);
    let username = match token {
        Some(token) => accounts::authenticate(&state.database, &token, accounts::unix_now()).await.ok().flatten(),
        None => None,
    };
    let Some(username) = username else {
        return Redirect::to(&format!("{prefix}/oficina")).into_response();
    };
    let today = crate::today_in_lima();
    match cases::list_cases(&state.database, &today).await {
        Ok(list) => {
            parts.extensions.insert(OfficeView { username, today, cases: list });
            request = http::Request::from_parts(parts, body);
            let mut response = next.run(request).await;
            response.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => {
            tracing::error!(%error, "loading the case list failed");
            http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
