//! The office's case list in the browser: its data, loaded for the page before it renders
//! ([`load_case_list`], registered in `crate::router`) for a signed-in officer.

use crate::page_loaders::{self, Loaded, LoaderFuture, Outcome, Request};
use crate::staff::{IntegrityOffice, Permission, session_cookie, staff_for};
use app::cases::OfficeView;
use app::cases::storage as cases;
use app::staff::MissingRole;
use axum::response::{IntoResponse, Redirect};
use http::StatusCode;

/// The case list's loader: the signed-in officer's cases, by metadata only. A visitor without a live
/// session is sent to sign in; a signed-in account without the integrity officer's role gets a `403`
/// page that says so and shows nothing of the cases.
pub fn load_case_list<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let state = request.state;
        // Without a live session (or when it cannot be checked), sign in first.
        let Ok(staff) = staff_for(&state.database, session_cookie(request.parts)).await else {
            let sign_in = format!("{}{}", request.prefix, app::staff::paths::SIGN_IN);
            return Outcome::Respond(Redirect::to(&sign_in).into_response());
        };
        let no_store = (http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
        let username = staff.username.clone();
        if !staff.holds(IntegrityOffice::ROLE) {
            let missing = MissingRole { username, role: IntegrityOffice::ROLE };
            return Loaded::context(missing)
                .with_status(StatusCode::FORBIDDEN)
                .with_header(no_store.0, no_store.1)
                .into();
        }
        let today = crate::today_in_lima();
        match cases::list_cases(&state.database, &today).await {
            Ok(list) => {
                Loaded::context(OfficeView { username, today, cases: list }).with_header(no_store.0, no_store.1).into()
            }
            Err(error) => page_loaders::failed("loading the case list failed", error),
        }
    })
}
