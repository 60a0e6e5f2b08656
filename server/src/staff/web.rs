//! Staff sign-in and sign-out in the browser: plain HTML forms (no JavaScript needed) and a session
//! cookie (HttpOnly, SameSite=Strict, Secure on HTTPS).

use super::accounts::{self, LoginError};
use super::{SESSION_COOKIE, WebStaff};
use crate::AppState;
use app::staff::paths::SIGN_IN;
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

/// A staff import form (multipart): its language prefix and its `file`'s bytes (empty if none came).
pub(crate) async fn read_import(
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> (&'static str, Vec<u8>) {
    let (mut prefix, mut file) = ("", Vec::new());
    if let Ok(mut multipart) = multipart {
        while let Ok(Some(field)) = multipart.next_field().await {
            match field.name().unwrap_or_default() {
                "prefix" => prefix = prefix_of(&field.text().await.unwrap_or_default()),
                "file" => file = field.bytes().await.map(|bytes| bytes.to_vec()).unwrap_or_default(),
                _ => {}
            }
        }
    }
    (prefix, file)
}

pub(crate) fn prefix_of(prefix: &str) -> &'static str {
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
        Redirect::to(&format!("{prefix}{SIGN_IN}?{query}")).into_response()
    };
    if username.is_empty() || form.password.is_empty() || form.code.trim().is_empty() {
        return back("missing");
    }
    match accounts::login(&state.database, &username, &form.password, &form.code, accounts::unix_now()).await {
        Ok(session) => {
            let secure = state.page_context.secure_cookies;
            // Where the roles lead: an officer to the case list, everyone else to the staff home.
            let roles = app::staff::storage::roles_of(&state.database, &session.username).await.unwrap_or_default();
            let landing = app::staff::landing(&roles);
            let mut response = Redirect::to(&format!("{prefix}{landing}")).into_response();
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
    officer: Result<WebStaff, Response>,
    Form(form): Form<LoginFormPrefix>,
) -> Response {
    if let Ok(WebStaff(officer)) = officer
        && let Err(error) = accounts::logout(&state.database, &officer.token, &officer.username).await
    {
        tracing::error!(%error, "officer sign-out failed");
    }
    let mut response = Redirect::to(&format!("{}{SIGN_IN}", prefix_of(&form.prefix))).into_response();
    let value = cookie("", 0, state.page_context.secure_cookies);
    response.headers_mut().insert(http::header::SET_COOKIE, value.parse().expect("valid cookie"));
    response
}

#[derive(Deserialize)]
pub struct LoginFormPrefix {
    #[serde(default)]
    prefix: String,
}
