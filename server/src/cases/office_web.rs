//! The office's case list in the browser: its data, loaded for the page before it renders
//! ([`load_case_list`], registered in `crate::router`) for a signed-in officer.

use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::staff::{IntegrityOffice, page_staff_with, private};
use app::cases::OfficeView;
use app::cases::storage as cases;

/// The case list's loader: the signed-in officer's cases, by metadata only. A visitor without a live
/// session is sent to sign in; a signed-in account without the integrity officer's role gets a `403`
/// page that says so and shows nothing of the cases.
pub fn load_case_list<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<IntegrityOffice>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        let today = crate::today_in_lima();
        match cases::list_cases(&request.state.database, &today).await {
            Ok(list) => private(Loaded::context(OfficeView { username: staff.username, today, cases: list })).into(),
            Err(error) => page_loaders::failed("loading the case list failed", error),
        }
    })
}
