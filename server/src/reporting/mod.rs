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
use crate::platform::uploads::Uploads;
use crate::platform::{SealedTransport, status_of};
use app::platform::database::Database;
use app::platform::files::FileStore;
use app::platform::problem::TransportProblem;
use app::reporting::form::{FieldProblem, OfficeKeyView, ReportProblem, ReportSettings};
use app::reporting::storage::reports::ReportError;
use app::reporting::storage::reports::ReportWriter;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use form_ticket::FormTickets;
use http::StatusCode;
use std::sync::Arc;
use std::time::Duration;

/// Everything the submission handlers share.
/// `[reporting]` in `Leptos.toml` (the transport's limits are `[sealed_uploads]`).
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingConfig {
    /// Largest encrypted report document (or follow-up message) accepted, in bytes.
    pub max_report_bytes: u64,
    /// Reports accepted per minute through the plain form (no JavaScript), which cannot pay a proof of
    /// work: a budget of its own, so a flood of plain forms cannot take the browser path's.
    #[serde(default = "default_plain_form_reports_per_minute")]
    pub plain_form_reports_per_minute: u32,
    /// Seconds a plain form must have been open before it is accepted (its ticket's minimum age): the
    /// cost a browser without JavaScript pays in place of a proof of work. A person takes longer than
    /// this to write a report; a script must fetch a form and wait before every submission.
    #[serde(default = "default_plain_form_wait_seconds")]
    pub plain_form_wait_seconds: u64,
}

fn default_plain_form_reports_per_minute() -> u32 {
    10
}

fn default_plain_form_wait_seconds() -> u64 {
    10
}

impl ReportingConfig {
    pub(crate) fn check(&self, problem: &mut impl FnMut(&str, String)) {
        if self.max_report_bytes == 0 {
            problem("reporting.max_report_bytes", "must be greater than 0".into());
        }
        if self.plain_form_reports_per_minute == 0 {
            problem("reporting.plain_form_reports_per_minute", "must be greater than 0".into());
        }
        if self.plain_form_wait_seconds > 3600 {
            // A ticket lives a day; an hour's wait would already turn reporters away.
            let reason = format!("{} is more than 3600 (an hour)", self.plain_form_wait_seconds);
            problem("reporting.plain_form_wait_seconds", reason);
        }
    }
}

pub struct Submissions {
    pub settings: ReportSettings,
    /// The sealed-upload transport: recipients, files, proof of work, the browser path's rate, uploads.
    pub sealed: Arc<SealedTransport>,
    /// Plain-form reports per minute: a budget apart, so that the path without a proof of work cannot
    /// use up the browser path's.
    pub plain_form_limit: GlobalRateLimit,
    /// The plain form's tickets (its cost in place of a proof of work), shared with the page renders.
    pub form_tickets: Arc<FormTickets>,
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
        let (sealed, reporting) = (&config.sealed_uploads, &config.reporting);
        Ok(Self {
            settings: ReportSettings {
                office_keys,
                max_report_bytes: reporting.max_report_bytes,
                max_attachment_bytes: sealed.max_attachment_bytes,
                max_attachments: sealed.max_attachments,
                form_wait_seconds: reporting.plain_form_wait_seconds,
            },
            sealed: Arc::new(SealedTransport {
                recipients,
                max_attachments: sealed.max_attachments,
                max_attachment_bytes: sealed.max_attachment_bytes,
                store: FileStore::open(config.site.data_dir.join("objects")).await?,
                proof_of_work: ProofOfWork::new(sealed.proof_of_work_bits),
                rate_limit: GlobalRateLimit::new(sealed.submissions_per_minute),
                uploads: Uploads::new(sealed.max_pending_upload_bytes),
            }),
            plain_form_limit: GlobalRateLimit::new(reporting.plain_form_reports_per_minute),
            form_tickets: Arc::new(FormTickets::new(Duration::from_secs(reporting.plain_form_wait_seconds))),
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

/// Reporting's routes: the sealed report, the plain form (`platform::routes` has the transport's).
pub fn routes(submissions: &Submissions) -> Router<AppState> {
    use app::reporting::paths::{API_REPORTS, PLAIN_SUBMIT};
    let plain = PLAIN_SUBMIT.path();
    let mut router = Router::new()
        .route(API_REPORTS, post(encrypted::submit_report))
        .route(plain, post(no_script::submit).get(|| async { reloaded("") }));
    for locale in app::locale::LOCALES {
        let prefix = format!("/{}", app::locale::url_prefix(locale));
        let back = move || async move { reloaded(&prefix) };
        router =
            router.route(&format!("/{}{plain}", app::locale::url_prefix(locale)), post(no_script::submit).get(back));
    }
    router.layer(DefaultBodyLimit::max(submissions.body_limit()))
}

/// The HTTP status of a report problem (the transport's are `platform`'s).
pub(crate) fn status_of_report(problem: ReportProblem) -> StatusCode {
    match problem {
        ReportProblem::FormTooSoon => StatusCode::TOO_MANY_REQUESTS,
        ReportProblem::FormExpired => StatusCode::FORBIDDEN,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// `GET` of the plain form's address: a reloaded result page (the browser asks again without the form).
/// Nothing is sent again; the reader goes back to the form, which says what happened.
fn reloaded(prefix: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let form = app::reporting::paths::REPORT_FORM;
    axum::response::Redirect::to(&format!("{prefix}{form}?{}=1", app::reporting::paths::RELOADED_PARAMETER))
        .into_response()
}

fn overall_status(problems: &[FieldProblem]) -> StatusCode {
    problems.first().map(|p| status_of(p.problem)).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

fn storage_problem(error: ReportError) -> TransportProblem {
    match error {
        ReportError::RecipientsChanged => TransportProblem::WrongRecipients,
        ReportError::LookupHashTaken => TransportProblem::UploadMalformed,
        other => {
            // The error names a table or constraint, never a report's content.
            tracing::error!(error = %other, "storing a report failed");
            TransportProblem::ServerError
        }
    }
}
