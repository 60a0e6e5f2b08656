//! Mechanisms the capabilities share: the sealed-upload transport (attachment slices over a WebSocket
//! or PUT, with resume; proof of work; a portal-wide rate), and the answers it gives. Complaints and
//! follow-up messages use it, and sealed bids will.
pub mod proof_of_work;
pub mod rate_limit;
pub mod uploads;

use app::platform::files::{ObjectStore, StoredObject};
use app::reporting::form::{FieldProblem, Problem, SubmissionOutcome};
use axum::Json;
use axum::response::{IntoResponse, Response};
use envelope::inspect::InspectError;
use http::StatusCode;
use proof_of_work::ProofOfWork;
use rate_limit::GlobalRateLimit;
use uploads::Uploads;

/// The sealed-upload transport's state: what a sealed submission is encrypted to, where its files go,
/// what it must pay, and the uploads in progress.
pub struct SealedTransport {
    /// The office keys every sealed submission is encrypted to.
    pub recipients: Vec<envelope::Recipient>,
    pub max_attachments: u32,
    /// The largest file, before padding and encryption.
    pub max_attachment_bytes: u64,
    pub store: ObjectStore,
    pub proof_of_work: ProofOfWork,
    /// Sealed submissions per minute across the portal (each also pays a proof of work).
    pub rate_limit: GlobalRateLimit,
    pub uploads: Uploads,
}

/// The HTTP status that goes with a problem.
pub(crate) fn status_of(problem: Problem) -> StatusCode {
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
