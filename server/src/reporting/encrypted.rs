//! `POST /api/reports`: a report encrypted in the reporter's browser, whose attachments were uploaded
//! before it ([`crate::platform::uploads`]).
//!
//! A `multipart/form-data` body whose parts come in this order: `upload` (the id `POST /api/uploads`
//! answered), `lookup_hash` (64 hex digits), `reply_recipient` (`age1…`), one `key_id` part per office
//! key encrypted to, then `report` (the age file of the padded report document). The upload is taken
//! when the report part begins, so one upload (and one proof of work) makes at most one report; if
//! the report part is refused (cut in transit, recipients changed), the upload is put back for a retry.
//!
//! The report is checked as it streams ([`envelope::inspect`]); every attachment must be complete (its
//! declared length, a well-formed age file). Attachments are made durable, then the report and its rows
//! are committed in one transaction; only then is `201` sent. A refused attachment discards the
//! upload's files; a refused report part puts the upload back, so that the same files can be reported.

use super::storage_problem;
use crate::AppState;
use crate::platform::uploads::Upload;
use crate::platform::{PendingObjects, inspect_problem, io_failure, refusal};
use app::cases::CaseProblem;
use app::cases::storage::{CaseError, NewMessage, add_message};
use app::platform::problem::TransportProblem;
use app::problem::Problem;
use app::reporting::form::SubmissionOutcome;
use app::reporting::storage::reports::{EncryptedIn, NewReport};
use axum::Json;
use axum::extract::State;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::response::{IntoResponse, Response};
use envelope::inspect::ObjectCheck;
use envelope::message::Author;
use http::StatusCode;
use tokio::sync::OwnedMutexGuard;

/// What a submission adds: a new report, or a message on the case a receipt opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Report,
    Message,
}

impl Kind {
    /// The name of the multipart part that holds the document's age file.
    fn document_part(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Message => "message",
        }
    }
}

pub async fn submit_report(state: State<AppState>, multipart: Result<Multipart, MultipartRejection>) -> Response {
    submit(state, multipart, Kind::Report).await
}

/// `POST /api/follow-up/messages`: like a report, but with `lookup_token` (hex) instead of `lookup_hash`
/// and `reply_recipient`, and a `message` part encrypted to the office keys and the reporter's own
/// reply key (so the follow-up page can show it again). It is stored on the case the token opens.
pub async fn submit_message(state: State<AppState>, multipart: Result<Multipart, MultipartRejection>) -> Response {
    submit(state, multipart, Kind::Message).await
}

async fn submit(
    State(state): State<AppState>,
    multipart: Result<Multipart, MultipartRejection>,
    kind: Kind,
) -> Response {
    let result = match multipart {
        Err(_) => Err(TransportProblem::UploadMalformed.into()),
        Ok(multipart) => receive(&state, multipart, kind).await,
    };
    match result {
        Ok(received_on) => {
            (StatusCode::CREATED, Json(SubmissionOutcome::Accepted { received_on, receipt: None })).into_response()
        }
        Err(problem) => refusal(problem),
    }
}

#[derive(Default)]
struct Declared {
    upload: Option<String>,
    lookup_hash: Option<String>,
    reply_recipient: Option<String>,
    lookup_token: Option<String>,
    /// The case a message goes to, found from the lookup token.
    case: Option<String>,
    key_ids: Vec<String>,
}

async fn small_text(field: Field<'_>) -> Result<String, Problem> {
    let bytes = field.bytes().await.map_err(|_| TransportProblem::UploadMalformed)?;
    if bytes.len() > 512 {
        return Err(TransportProblem::UploadMalformed.into());
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| TransportProblem::UploadMalformed.into())
}

impl Declared {
    /// Checks the text parts once the document part arrives.
    async fn verify(&mut self, state: &AppState, kind: Kind) -> Result<(), Problem> {
        let submissions = &state.submissions;
        match kind {
            Kind::Report => {
                let hash_ok = self.lookup_hash.as_deref().is_some_and(is_hex_256);
                let reply_ok =
                    self.reply_recipient.as_deref().is_some_and(|r| r.parse::<envelope::Recipient>().is_ok());
                if !hash_ok || !reply_ok {
                    return Err(TransportProblem::UploadMalformed.into());
                }
            }
            Kind::Message => {
                let token = self.lookup_token.as_deref().ok_or(TransportProblem::UploadMalformed)?;
                self.case = Some(
                    crate::cases::follow_up::case_of(&state.database, token).await?.ok_or(CaseProblem::CaseNotFound)?,
                );
            }
        }
        let mut declared = self.key_ids.clone();
        let mut active = submissions.key_ids();
        declared.sort();
        active.sort();
        if declared != active {
            return Err(TransportProblem::WrongRecipients.into());
        }
        Ok(())
    }
}

fn is_hex_256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

async fn receive(state: &AppState, mut multipart: Multipart, kind: Kind) -> Result<String, Problem> {
    let submissions = &state.submissions;
    let mut declared = Declared::default();
    let mut upload: Option<OwnedMutexGuard<Upload>> = None;
    let mut document: Option<Vec<u8>> = None;

    let received: Result<(), Problem> = async {
        while let Some(mut field) = multipart.next_field().await.map_err(|_| TransportProblem::UploadMalformed)? {
            let name = field.name().unwrap_or_default().to_string();
            match name.as_str() {
                "upload" | "lookup_hash" | "reply_recipient" | "lookup_token" | "key_id" if upload.is_none() => {
                    let text = small_text(field).await?;
                    match name.as_str() {
                        "upload" => declared.upload = Some(text),
                        "lookup_hash" => declared.lookup_hash = Some(text),
                        "reply_recipient" => declared.reply_recipient = Some(text),
                        "lookup_token" => declared.lookup_token = Some(text),
                        _ => declared.key_ids.push(text),
                    }
                }
                part if part == kind.document_part() && upload.is_none() => {
                    let id = declared.upload.as_deref().ok_or(TransportProblem::UploadMalformed)?;
                    upload = Some(submissions.sealed.uploads.take(id).await.ok_or(TransportProblem::UploadExpired)?);
                    declared.verify(state, kind).await?;
                    // A message is also encrypted to the reporter's own reply key.
                    let extra = usize::from(kind == Kind::Message);
                    let mut check = ObjectCheck::new(submissions.sealed.recipients.len() + extra);
                    let mut bytes = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(|_| TransportProblem::UploadTruncated)? {
                        if (bytes.len() + chunk.len()) as u64 > submissions.settings.max_report_bytes {
                            return Err(TransportProblem::DocumentTooLarge.into());
                        }
                        check.update(&chunk).map_err(inspect_problem)?;
                        bytes.extend_from_slice(&chunk);
                    }
                    check.finish().map_err(inspect_problem)?;
                    // A document's plaintext is one padded size class, so its ciphertext has one of a
                    // few exact lengths: anything else was cut short and could never be opened.
                    if !envelope::report::is_document_ciphertext_len(
                        bytes.len() as u64,
                        submissions.sealed.recipients.len() + extra,
                    ) {
                        return Err(TransportProblem::UploadTruncated.into());
                    }
                    document = Some(bytes);
                }
                _ => return Err(TransportProblem::UploadMalformed.into()),
            }
        }
        Ok(())
    }
    .await;

    let stored = match (&received, document, upload.as_deref_mut()) {
        (Ok(()), Some(ciphertext), Some(upload)) => store(state, &declared, ciphertext, upload).await,
        (Ok(()), _, _) => Err(TransportProblem::UploadMalformed.into()),
        (Err(problem), _, _) => Err(*problem),
    };
    // An upload is only taken once its id was declared.
    if let (Some(upload), Some(id)) = (upload, declared.upload.as_deref()) {
        if received.is_err() {
            // Refused before the attachments were touched: the report part was at fault, not the files.
            submissions.sealed.uploads.put_back(id, upload);
        } else {
            // Whatever the upload still holds was not stored (all of it, on a refusal).
            submissions.sealed.uploads.end(&submissions.sealed.store, id, upload).await;
        }
    }
    if stored.is_err() {
        drain(&mut multipart).await;
    }
    stored
}

/// Makes the upload's attachments durable and commits the report with them.
async fn store(
    state: &AppState,
    declared: &Declared,
    ciphertext: Vec<u8>,
    upload: &mut Upload,
) -> Result<String, Problem> {
    let submissions = &state.submissions;
    if upload.attachments.iter().any(|attachment| attachment.object.len() != attachment.declared) {
        return Err(TransportProblem::UploadTruncated.into());
    }
    let mut pending = PendingObjects::new(&submissions.sealed.store);
    let mut incoming = std::mem::take(&mut upload.attachments).into_iter();
    while let Some(attachment) = incoming.next() {
        let kept = match attachment.check.finish() {
            Err(error) => Err(inspect_problem(error)),
            Ok(_) => submissions
                .sealed
                .store
                .keep(attachment.object)
                .await
                .map_err(io_failure("cannot make an object durable")),
        };
        match kept {
            Ok(object) => pending.kept.push(object),
            Err(problem) => {
                // Hand the rest back, so the caller discards them with the upload.
                upload.attachments.extend(incoming);
                pending.discard().await;
                return Err(problem.into());
            }
        }
    }
    let received_on = crate::today_in_lima();
    if let Some(case) = &declared.case {
        let message = NewMessage {
            report_id: case.clone(),
            author: Author::Reporter,
            sent_on: received_on.clone(),
            ciphertext,
            attachments: pending.kept.clone(),
        };
        return match add_message(&state.database, &message, None).await {
            Ok(_) => Ok(received_on),
            Err(error) => {
                pending.discard().await;
                Err(match error {
                    CaseError::NotFound => CaseProblem::CaseNotFound.into(),
                    CaseError::Storage(error) => storage_problem(error.into()).into(),
                    CaseError::BackToReceived | CaseError::FeedbackBeforeReceipt | CaseError::EmptyUpdate => {
                        TransportProblem::ServerError.into()
                    }
                })
            }
        };
    }
    let new_report = NewReport {
        received_on: received_on.clone(),
        lookup_hash: declared.lookup_hash.clone().unwrap_or_default(),
        reply_recipient: declared.reply_recipient.clone().unwrap_or_default(),
        encrypted_in: EncryptedIn::Browser,
        ciphertext,
        key_ids: declared.key_ids.clone(),
        attachments: pending.kept.clone(),
    };
    match submissions.reports.insert(new_report).await {
        Ok(_) => Ok(received_on),
        Err(error) => {
            pending.discard().await;
            Err(storage_problem(error).into())
        }
    }
}

/// Reads what is left of a refused upload, so the browser receives the answer instead of a reset
/// connection. Bounded by the route's body limit.
pub(super) async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}
