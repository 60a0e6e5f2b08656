//! Cases of the integrity office: the reporter's follow-up with a receipt, the office's case API (the
//! officer tool) and its web view of the case list. Nothing here can decrypt anything.

pub mod follow_up;
mod office_api;
pub mod office_web;

use crate::AppState;
use crate::platform::rate_limit::GlobalRateLimit;
use crate::staff::no_store;
use axum::Router;
use axum::routing::{get, post};

/// What the cases capability's handlers share.
/// The HTTP status of a case problem (the transport's are `platform`'s).
pub(crate) fn status_of_case(problem: app::cases::CaseProblem) -> http::StatusCode {
    match problem {
        app::cases::CaseProblem::CaseNotFound => http::StatusCode::NOT_FOUND,
    }
}

/// `[follow_up]` in `Leptos.toml`; every key has a default, so the section may be left out.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpConfig {
    /// Receipt lookups on the follow-up page per minute across the whole portal (each also pays a
    /// proof of work), so receipts cannot be guessed quickly even by many clients together.
    #[serde(default = "default_lookups_per_minute")]
    pub lookups_per_minute: u32,
}

fn default_lookups_per_minute() -> u32 {
    120
}

impl Default for FollowUpConfig {
    fn default() -> Self {
        Self { lookups_per_minute: default_lookups_per_minute() }
    }
}

impl FollowUpConfig {
    pub(crate) fn check(&self, problem: &mut impl FnMut(&str, String)) {
        if self.lookups_per_minute == 0 {
            problem("follow_up.lookups_per_minute", "must be greater than 0".into());
        }
    }
}

pub struct Cases {
    /// Follow-up lookups per minute across the portal (each also pays a proof of work).
    pub lookups: GlobalRateLimit,
}

/// The reporter's follow-up: a case by its lookup token, its attachments, and new messages (sealed
/// like reports, through the same transport).
pub fn follow_up_routes(body_limit: usize) -> Router<AppState> {
    use app::cases::paths::{API_FOLLOW_UP, API_FOLLOW_UP_MESSAGES, API_FOLLOW_UP_OBJECT};
    Router::new()
        .route(API_FOLLOW_UP, post(follow_up::lookup))
        .route(API_FOLLOW_UP_OBJECT, post(follow_up::object))
        .route(API_FOLLOW_UP_MESSAGES, post(crate::reporting::encrypted::submit_message))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
}

/// The office's case routes (`/api/officer/…`); every one needs a signed-in officer.
pub fn office_routes(body_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/api/officer/cases", get(office_api::cases))
        .route("/api/officer/cases/{case}", get(office_api::case).patch(office_api::update))
        .route("/api/officer/cases/{case}/report", get(office_api::report))
        .route("/api/officer/cases/{case}/messages", post(office_api::reply))
        .route("/api/officer/cases/{case}/messages/{message}", get(office_api::message))
        .route("/api/officer/cases/{case}/objects/{object}", get(office_api::object))
        .route("/api/officer/keys", get(office_api::keys))
        .route("/api/officer/audit", get(office_api::audit_log))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(no_store))
}
