//! The office's case list in the browser: its data, loaded for the page before it renders
//! ([`load_case_list`]) for a signed-in officer.

use crate::AppState;
use crate::staff::{accounts, session_cookie};
use app::cases::OfficeView;
use app::cases::storage as cases;
use app::locale::split_path;
use app::staff::{MissingRole, Role};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

/// Middleware for the pages: on the case list, loads the signed-in officer's view into the request (the
/// page renders it, and the browser hydrates from the same data), or sends a visitor without a live
/// session to the sign-in page.
pub async fn load_case_list(
    State(state): State<AppState>,
    mut request: http::Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> Response {
    let (prefix, rest) = split_path(request.uri().path());
    if rest != app::cases::paths::OFFICE_CASES.path() {
        return next.run(request).await;
    }
    let prefix = prefix.map(|locale| format!("/{}", app::locale::url_prefix(locale))).unwrap_or_default();
    let (mut parts, body) = request.into_parts();
    let token = session_cookie(&parts);
    let username = match token {
        Some(token) => accounts::authenticate(&state.database, &token, accounts::unix_now()).await.ok().flatten(),
        None => None,
    };
    let Some((username, roles)) = username else {
        return Redirect::to(&format!("{prefix}/oficina")).into_response();
    };
    if !roles.contains(&Role::IntegrityOfficer) {
        // Signed in, but this page is the integrity office's: say so, and show nothing of the cases.
        parts.extensions.insert(MissingRole { username, role: Role::IntegrityOfficer });
        let mut response = next.run(http::Request::from_parts(parts, body)).await;
        *response.status_mut() = http::StatusCode::FORBIDDEN;
        response.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
        return response;
    }
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
