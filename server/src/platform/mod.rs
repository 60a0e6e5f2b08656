//! Mechanisms the capabilities share: the sealed-upload transport (attachment slices over a WebSocket
//! or PUT, with resume; proof of work; a portal-wide rate), and the answers it gives. Complaints and
//! follow-up messages use it, and sealed bids will.
pub mod pdf;
pub mod proof_of_work;
pub mod rate_limit;
pub mod uploads;

use app::platform::files::{FileStore, StoredObject};
use app::platform::problem::TransportProblem;
use app::problem::Problem;
use app::reporting::form::{FieldProblem, SubmissionOutcome};
use axum::Json;
use axum::response::{IntoResponse, Response};
use envelope::inspect::InspectError;
use http::StatusCode;
use proof_of_work::ProofOfWork;
use rate_limit::GlobalRateLimit;
use uploads::Uploads;

/// The transport's routes: proof-of-work challenges and attachment uploads, for every sealed submission
/// (reports, follow-up messages, and later sealed bids).
pub fn routes(body_limit: usize) -> axum::Router<crate::AppState> {
    use app::platform::{API_CHALLENGE, API_UPLOADS};
    use axum::routing::{get, post, put};
    axum::Router::new()
        .route(API_CHALLENGE, post(challenge))
        .route(API_UPLOADS, post(uploads::open))
        .route(&format!("{API_UPLOADS}/{{upload}}/socket"), get(uploads::socket))
        .route(&format!("{API_UPLOADS}/{{upload}}/{{index}}"), put(uploads::append))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
}

/// `POST /api/reports/challenge`: a fresh proof-of-work challenge.
async fn challenge(axum::extract::State(sealed): axum::extract::State<std::sync::Arc<SealedTransport>>) -> Response {
    Json(sealed.proof_of_work.issue()).into_response()
}

/// `[sealed_uploads]` in `Leptos.toml`: what every sealed submission (a report, a follow-up message)
/// may carry and must pay.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedUploadsConfig {
    /// Largest attachment, in bytes, before padding and encryption.
    pub max_attachment_bytes: u64,
    /// Most attachments in one submission.
    pub max_attachments: u32,
    /// Sealed submissions accepted per minute across the whole portal, each paid with a proof of work
    /// (a global limit: no per-address state).
    pub submissions_per_minute: u32,
    /// Proof-of-work difficulty in bits: a browser computes about 2^bits SHA-256 hashes per submission.
    pub proof_of_work_bits: u32,
    /// Disk room for attachments still being uploaded, in bytes: the declared ciphertext lengths of all
    /// open uploads together. A new upload that would exceed it is asked to wait.
    pub max_pending_upload_bytes: u64,
}

impl SealedUploadsConfig {
    pub(crate) fn check(&self, problem: &mut impl FnMut(&str, String)) {
        if self.max_attachment_bytes == 0 {
            problem("sealed_uploads.max_attachment_bytes", "must be greater than 0".into());
        }
        if self.submissions_per_minute == 0 {
            problem("sealed_uploads.submissions_per_minute", "must be greater than 0".into());
        }
        if !(8..=32).contains(&self.proof_of_work_bits) {
            problem("sealed_uploads.proof_of_work_bits", format!("{} is outside 8..=32", self.proof_of_work_bits));
        }
        if self.max_pending_upload_bytes < self.max_attachment_bytes {
            let reason = format!(
                "must be at least max_attachment_bytes ({}), or no large attachment could ever be sent",
                self.max_attachment_bytes
            );
            problem("sealed_uploads.max_pending_upload_bytes", reason);
        }
    }
}

/// The sealed-upload transport's state: what a sealed submission is encrypted to, where its files go,
/// what it must pay, and the uploads in progress.
pub struct SealedTransport {
    /// The office keys every sealed submission is encrypted to.
    pub recipients: Vec<envelope::Recipient>,
    pub max_attachments: u32,
    /// The largest file, before padding and encryption.
    pub max_attachment_bytes: u64,
    pub store: FileStore,
    pub proof_of_work: ProofOfWork,
    /// Sealed submissions per minute across the portal (each also pays a proof of work).
    pub rate_limit: GlobalRateLimit,
    pub uploads: Uploads,
}

/// The HTTP status that goes with a problem: the transport's here, each capability's in its module.
/// A failure the visitor cannot fix (the database, the disk): logged with what was being done, `500`.
pub(crate) fn server_error(what: &'static str, error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "{what}");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

pub(crate) fn status_of(problem: Problem) -> StatusCode {
    match problem {
        Problem::Transport(problem) => transport_status(problem),
        Problem::Report(problem) => crate::reporting::status_of_report(problem),
        Problem::Case(problem) => crate::cases::status_of_case(problem),
    }
}

fn transport_status(problem: TransportProblem) -> StatusCode {
    use TransportProblem::*;
    match problem {
        RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ServerError | Network => StatusCode::INTERNAL_SERVER_ERROR,
        AttachmentTooLarge | DocumentTooLarge | TooManyAttachments => StatusCode::PAYLOAD_TOO_LARGE,
        WrongRecipients => StatusCode::CONFLICT,
        ProofOfWorkFailed | ProofOfWorkExpired => StatusCode::FORBIDDEN,
        UploadExpired => StatusCode::GONE,
        UploadMalformed | NotEncrypted | UploadTruncated | AttachmentUnreadable => StatusCode::BAD_REQUEST,
    }
}

/// The browser path's refusal of a request for one problem (an HTTP body or a socket message).
pub(crate) fn refused_for(problem: impl Into<Problem>) -> SubmissionOutcome {
    SubmissionOutcome::Refused { problems: vec![FieldProblem::general(problem)], fields: None }
}

/// The JSON answer of the browser path to a refused request.
pub(crate) fn refusal(problem: impl Into<Problem>) -> Response {
    let problem = problem.into();
    (status_of(problem), Json(refused_for(problem))).into_response()
}

pub(crate) fn inspect_problem(error: InspectError) -> TransportProblem {
    match error {
        InspectError::NotAge(_) => TransportProblem::NotEncrypted,
        InspectError::RecipientCount { .. } | InspectError::UnexpectedStanza(_) => TransportProblem::WrongRecipients,
        InspectError::Truncated => TransportProblem::UploadTruncated,
    }
}

/// Objects written for a submission (or an office reply) that is not (yet) stored: removed unless
/// the report or message commits.
pub(crate) struct PendingObjects<'a> {
    store: &'a FileStore,
    pub(crate) kept: Vec<StoredObject>,
}

impl<'a> PendingObjects<'a> {
    pub(crate) fn new(store: &'a FileStore) -> Self {
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
pub(crate) fn io_failure(what: &'static str) -> impl Fn(std::io::Error) -> TransportProblem {
    move |error| {
        tracing::error!(%error, "{what}");
        TransportProblem::ServerError
    }
}

/// Answers a download of stored file `name` with its bytes, honouring one `Range: bytes=start-[end]`
/// (the officer tool resumes an interrupted pull with `bytes=N-`): `206` with `Content-Range`, or `416`
/// past the end. Any other `Range` (several ranges, a suffix) is ignored and the whole file sent, as
/// RFC 9110 allows. `NotFound` if the store has no such file.
pub async fn download(store: &FileStore, name: &str, range: Option<&str>) -> std::io::Result<Response> {
    use http::header::{ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE};
    use tokio::io::AsyncReadExt;
    let wanted = range.and_then(single_range);
    let read = store.read(name, wanted.map_or(0, |(start, _)| start)).await?;
    let len = read.len;
    let mut response = match wanted {
        None => {
            let mut response =
                axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(read.bytes)).into_response();
            response.headers_mut().insert(CONTENT_LENGTH, len.into());
            response
        }
        Some((start, end)) => {
            let end = end.map_or(len.saturating_sub(1), |end| end.min(len.saturating_sub(1)));
            if start >= len || end < start {
                let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                let unsatisfied = http::HeaderValue::from_str(&format!("bytes */{len}")).expect("ASCII header");
                response.headers_mut().insert(CONTENT_RANGE, unsatisfied);
                return Ok(response);
            }
            let count = end - start + 1;
            let bytes = tokio_util::io::ReaderStream::new(read.bytes.take(count));
            let mut response = (StatusCode::PARTIAL_CONTENT, axum::body::Body::from_stream(bytes)).into_response();
            let headers = response.headers_mut();
            headers.insert(
                CONTENT_RANGE,
                http::HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")).expect("ASCII"),
            );
            headers.insert(CONTENT_LENGTH, count.into());
            response
        }
    };
    let headers = response.headers_mut();
    headers.insert(ACCEPT_RANGES, http::HeaderValue::from_static("bytes"));
    headers.insert(CONTENT_TYPE, http::HeaderValue::from_static("application/octet-stream"));
    Ok(response)
}

/// `bytes=start-` or `bytes=start-end`; `None` for anything else.
fn single_range(value: &str) -> Option<(u64, Option<u64>)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    let (start, end) = spec.split_once('-')?;
    if spec.contains(',') {
        return None;
    }
    let start = start.trim().parse().ok()?;
    let end = match end.trim() {
        "" => None,
        end => Some(end.parse().ok()?),
    };
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::single_range;

    #[test]
    fn only_single_byte_ranges_from_a_start_are_honoured() {
        assert_eq!(single_range("bytes=100-"), Some((100, None)));
        assert_eq!(single_range("bytes=0-99"), Some((0, Some(99))));
        assert_eq!(single_range("bytes=-500"), None);
        assert_eq!(single_range("bytes=0-1,5-9"), None);
        assert_eq!(single_range("items=0-1"), None);
        assert_eq!(single_range("bytes=x-"), None);
    }
}
