//! Receiving reports. Two ways in, one store:
//! - `POST /api/uploads` and `PUT /api/uploads/…` (attachments, slice by slice), then
//!   `POST /api/reports`: ciphertext made in the reporter's browser (the normal path);
//! - `POST /denuncia/enviar` (and `/en/…`, `/es/…`): the plain HTML form for browsers without
//!   JavaScript or WebAssembly; the server encrypts in memory with the same envelope code.
//!
//! - `POST /api/follow-up…`: a reporter with a receipt reads the case and adds messages ([`follow_up`]).
//!
//! All are outside the request log: the time of a submission is not written anywhere.

pub(crate) mod encrypted;
pub mod form_ticket;
mod no_script;

use crate::AppState;
use crate::config::PortalConfig;
use crate::platform::proof_of_work::ProofOfWork;
use crate::platform::rate_limit::GlobalRateLimit;
use crate::platform::uploads::{self, Uploads};
use app::platform::API_UPLOADS;
use app::platform::database::{Database, StorageError};
use app::platform::files::{ObjectStore, StoredObject};
use app::reporting::form::{FieldProblem, OfficeKeyView, Problem, ReportSettings, SubmissionOutcome};
use app::reporting::storage::reports::ReportWriter;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use envelope::inspect::InspectError;
use form_ticket::FormTickets;
use http::StatusCode;
use std::sync::Arc;
use std::time::Duration;

/// Everything the submission handlers share.
pub struct Submissions {
    pub settings: ReportSettings,
    pub recipients: Vec<envelope::Recipient>,
    pub store: ObjectStore,
    pub proof_of_work: ProofOfWork,
    /// Browser-path reports per minute across the portal (each also pays a proof of work).
    pub rate_limit: GlobalRateLimit,
    /// Plain-form reports per minute: a budget apart, so that the path without a proof of work cannot
    /// use up the browser path's.
    pub plain_form_limit: GlobalRateLimit,
    /// The plain form's tickets (its cost in place of a proof of work), shared with the page renders.
    pub form_tickets: Arc<FormTickets>,
    pub uploads: Uploads,
    /// Follow-up lookups per minute across the portal (each also pays a proof of work).
    pub lookups: GlobalRateLimit,
    /// Stores reports with group commit (one transaction and one fsync for reports arriving together).
    pub reports: ReportWriter,
}

impl Submissions {
    pub async fn open(config: &PortalConfig, database: &Database) -> std::io::Result<Self> {
        let keys = config.configured_keys();
        let recipients: Vec<envelope::Recipient> = keys
            .iter()
            .map(|key| key.recipient.parse().expect("recipients are validated when the configuration loads"))
            .collect();
        let office_keys = keys
            .iter()
            .zip(&recipients)
            .map(|(key, recipient)| OfficeKeyView {
                key_id: key.key_id.clone(),
                name: key.name.clone(),
                recipient: key.recipient.clone(),
                fingerprint: recipient.fingerprint(),
            })
            .collect();
        let limits = &config.limits;
        Ok(Self {
            settings: ReportSettings {
                office_keys,
                max_report_bytes: limits.max_report_bytes,
                max_attachment_bytes: limits.max_attachment_bytes,
                max_attachments: limits.max_attachments,
                form_wait_seconds: limits.plain_form_wait_seconds,
            },
            recipients,
            store: ObjectStore::open(config.site.data_dir.join("objects")).await?,
            proof_of_work: ProofOfWork::new(limits.proof_of_work_bits),
            rate_limit: GlobalRateLimit::new(limits.reports_per_minute),
            plain_form_limit: GlobalRateLimit::new(limits.plain_form_reports_per_minute),
            form_tickets: Arc::new(FormTickets::new(Duration::from_secs(limits.plain_form_wait_seconds))),
            uploads: Uploads::new(limits.max_pending_upload_bytes),
            lookups: GlobalRateLimit::new(limits.follow_up_lookups_per_minute),
            reports: ReportWriter::start(database.clone()),
        })
    }

    /// The ids of the office keys every report must be encrypted to.
    pub fn key_ids(&self) -> Vec<String> {
        self.settings.office_keys.iter().map(|key| key.key_id.clone()).collect()
    }

    /// The largest request body the no-JavaScript path can legitimately send (every attachment in one
    /// form), plus room for the form fields. Attachment slices are bounded by their declared length.
    pub fn body_limit(&self) -> usize {
        let settings = &self.settings;
        let total = settings.max_report_bytes
            + settings.max_attachment_bytes * u64::from(settings.max_attachments)
            + 1024 * 1024;
        usize::try_from(total).unwrap_or(usize::MAX)
    }
}

/// Reporting's routes and the sealed-upload transport's (which follow-up messages use too).
pub fn routes(submissions: &Submissions) -> Router<AppState> {
    use app::reporting::paths::{API_CHALLENGE, API_REPORTS, PLAIN_SUBMIT};
    let plain = PLAIN_SUBMIT.path();
    Router::new()
        .route(API_CHALLENGE, post(encrypted::challenge))
        .route(API_UPLOADS, post(uploads::open))
        .route(&format!("{API_UPLOADS}/{{upload}}/socket"), get(uploads::socket))
        .route(&format!("{API_UPLOADS}/{{upload}}/{{index}}"), put(uploads::append))
        .route(API_REPORTS, post(encrypted::submit_report))
        .route(plain, post(no_script::submit))
        .route(&format!("/es{plain}"), post(no_script::submit))
        .route(&format!("/en{plain}"), post(no_script::submit))
        .layer(DefaultBodyLimit::max(submissions.body_limit()))
}

/// The HTTP status that goes with a problem.
fn status_of(problem: Problem) -> StatusCode {
    match problem {
        Problem::RateLimited | Problem::FormTooSoon => StatusCode::TOO_MANY_REQUESTS,
        Problem::ServerError | Problem::Network => StatusCode::INTERNAL_SERVER_ERROR,
        Problem::AttachmentTooLarge | Problem::ReportTooLarge | Problem::TooManyAttachments => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        Problem::WrongRecipients => StatusCode::CONFLICT,
        Problem::ProofOfWorkFailed | Problem::ProofOfWorkExpired | Problem::FormExpired => StatusCode::FORBIDDEN,
        Problem::UploadExpired => StatusCode::GONE,
        Problem::CaseNotFound => StatusCode::NOT_FOUND,
        Problem::UploadMalformed | Problem::NotEncrypted | Problem::UploadTruncated => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn overall_status(problems: &[FieldProblem]) -> StatusCode {
    problems.first().map(|p| status_of(p.problem)).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

/// The browser path's refusal of a request for one problem (an HTTP body or a socket message).
pub(crate) fn refused_for(problem: Problem) -> SubmissionOutcome {
    SubmissionOutcome::Refused { problems: vec![FieldProblem::general(problem)], fields: None }
}

/// The JSON answer of the browser path to a refused request.
pub(crate) fn refusal(problem: Problem) -> Response {
    (status_of(problem), Json(refused_for(problem))).into_response()
}

pub(crate) fn inspect_problem(error: InspectError) -> Problem {
    match error {
        InspectError::NotAge(_) => Problem::NotEncrypted,
        InspectError::RecipientCount { .. } | InspectError::UnexpectedStanza(_) => Problem::WrongRecipients,
        InspectError::Truncated => Problem::UploadTruncated,
    }
}

/// Objects written for a submission (or an office reply) that is not (yet) stored: removed unless
/// the report or message commits.
pub(crate) struct PendingObjects<'a> {
    store: &'a ObjectStore,
    pub(crate) kept: Vec<StoredObject>,
}

impl<'a> PendingObjects<'a> {
    pub(crate) fn new(store: &'a ObjectStore) -> Self {
        Self { store, kept: Vec::new() }
    }

    pub(crate) async fn discard(self) {
        for object in &self.kept {
            self.store.discard(&object.name).await;
        }
    }
}

/// Maps a failure to read or write the object store to `ServerError`, logging what failed (never what
/// was being written).
pub(crate) fn io_failure(what: &'static str) -> impl Fn(std::io::Error) -> Problem {
    move |error| {
        tracing::error!(%error, "{what}");
        Problem::ServerError
    }
}

fn storage_problem(error: StorageError) -> Problem {
    match error {
        StorageError::RecipientsChanged => Problem::WrongRecipients,
        StorageError::LookupHashTaken => Problem::UploadMalformed,
        other => {
            // The error names a table or constraint, never a report's content.
            tracing::error!(error = %other, "storing a report failed");
            Problem::ServerError
        }
    }
}
