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

/// A staff form's fields as sent (`application/x-www-form-urlencoded`): the last value of a name,
/// trimmed and cut to `most` characters (a longer value is refused by the form's own checks first).
pub(crate) struct FormFields(pub Vec<(String, String)>);

impl FormFields {
    pub(crate) fn get(&self, name: &str, most: usize) -> String {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().chars().take(most).collect())
            .unwrap_or_default()
    }

    /// The language prefix the form was sent from.
    pub(crate) fn prefix(&self) -> &'static str {
        prefix_of(&self.get("prefix", 4))
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

/// A staff page rendered again after a form (its data in `view`), never stored by a cache.
pub(crate) async fn staff_page<T: Clone + Send + Sync + 'static>(
    state: &AppState,
    page: app::paths::Page,
    prefix: &str,
    nonce: Option<leptos::nonce::Nonce>,
    status: http::StatusCode,
    view: T,
) -> Response {
    let page = format!("{prefix}{page}");
    let provide = move || leptos::prelude::provide_context(view.clone());
    let mut response = state.page_context.render_with(&page, nonce, status, provide).await;
    response.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    response
}

/// A staff import form (multipart) sent by someone holding `P`'s role on `page`: the account, the
/// language prefix and the file's bytes; otherwise the answer (sign in first, or the page's 403).
pub(crate) async fn staff_import<P: super::Permission>(
    state: &AppState,
    nonce: Option<leptos::nonce::Nonce>,
    staff: Result<WebStaff, Response>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    page: app::paths::Page,
) -> Result<(super::Staff, &'static str, Vec<u8>), Response> {
    let Ok(staff) = staff else { return Err(Redirect::to(SIGN_IN.path()).into_response()) };
    let (prefix, file) = read_import(multipart).await;
    let staff = super::form_staff_with::<P>(state, nonce, Ok(staff), prefix, page).await?;
    Ok((staff, prefix, file))
}
