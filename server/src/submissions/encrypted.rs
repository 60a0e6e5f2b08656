//! `POST /api/reports`: a report encrypted in the reporter's browser.
//!
//! A `multipart/form-data` body whose parts come in this order:
//! `challenge`, `nonce` (the solved proof of work), `lookup_hash` (64 hex digits), `reply_recipient`
//! (`age1…`), one `key_id` part per office key encrypted to, `lengths` (the byte length of every file
//! that follows, comma-separated: a cut upload cannot pass for a short one), `report` (the age file of
//! the padded report document), then zero or more `attachment` parts (age files). Text parts must precede the
//! files, so a request without a valid proof of work is refused before any file byte is read.
//!
//! Every file part is checked as it streams ([`envelope::inspect`]): age v1, one X25519 stanza per
//! office key, MAC line, plausible chunking. Attachments go to the object store and are fsynced; the
//! report and its rows are committed in one transaction; only then is `201` sent.

use super::{PendingObjects, Submissions, io_failure, overall_status, storage_problem};
use crate::AppState;
use app::report_form::{FieldProblem, Problem, SubmissionOutcome};
use app::storage::reports::{EncryptedIn, NewReport, insert_report};
use axum::Json;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use envelope::inspect::{InspectError, ObjectCheck};
use http::StatusCode;
use std::sync::Arc;

/// `POST /api/reports/challenge`: a fresh proof-of-work challenge.
pub async fn challenge(State(submissions): State<Arc<Submissions>>) -> Response {
    Json(submissions.proof_of_work.issue()).into_response()
}

pub async fn submit(State(state): State<AppState>, multipart: Result<Multipart, MultipartRejection>) -> Response {
    let submissions = &state.submissions;
    let result = match multipart {
        _ if !submissions.rate_limit.try_acquire() => Err(Problem::RateLimited),
        Err(_) => Err(Problem::UploadMalformed),
        Ok(multipart) => receive(&state, multipart).await,
    };
    match result {
        Ok(received_on) => {
            (StatusCode::CREATED, Json(SubmissionOutcome::Accepted { received_on, receipt: None })).into_response()
        }
        Err(problem) => {
            let problems = vec![FieldProblem::general(problem)];
            (overall_status(&problems), Json(SubmissionOutcome::Refused { problems, fields: None })).into_response()
        }
    }
}

fn inspect_problem(error: InspectError) -> Problem {
    match error {
        InspectError::NotAge(_) => Problem::NotEncrypted,
        InspectError::RecipientCount { .. } | InspectError::UnexpectedStanza(_) => Problem::WrongRecipients,
        InspectError::Truncated => Problem::UploadTruncated,
    }
}

#[derive(Default)]
struct Declared {
    challenge: Option<String>,
    nonce: Option<u64>,
    lookup_hash: Option<String>,
    reply_recipient: Option<String>,
    key_ids: Vec<String>,
    lengths: Vec<u64>,
}

async fn small_text(field: Field<'_>) -> Result<String, Problem> {
    let bytes = field.bytes().await.map_err(|_| Problem::UploadMalformed)?;
    if bytes.len() > 512 {
        return Err(Problem::UploadMalformed);
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| Problem::UploadMalformed)
}

impl Declared {
    /// Checks the text parts once the first file arrives; redeems the proof of work.
    fn verify(&self, submissions: &Submissions) -> Result<(), Problem> {
        let (Some(challenge), Some(nonce)) = (&self.challenge, self.nonce) else {
            return Err(Problem::ProofOfWorkFailed);
        };
        submissions.proof_of_work.redeem(challenge, nonce)?;
        let hash_ok = self
            .lookup_hash
            .as_deref()
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        let reply_ok = self.reply_recipient.as_deref().is_some_and(|r| r.parse::<envelope::Recipient>().is_ok());
        if !hash_ok || !reply_ok || self.lengths.is_empty() {
            return Err(Problem::UploadMalformed);
        }
        if self.lengths.len() > 1 + submissions.settings.max_attachments as usize {
            return Err(Problem::TooManyAttachments);
        }
        let mut declared = self.key_ids.clone();
        let mut active = submissions.key_ids();
        declared.sort();
        active.sort();
        if declared != active {
            return Err(Problem::WrongRecipients);
        }
        Ok(())
    }
}

async fn receive(state: &AppState, mut multipart: Multipart) -> Result<String, Problem> {
    let submissions = &state.submissions;
    let settings = &submissions.settings;
    let mut declared = Declared::default();
    let mut report: Option<Vec<u8>> = None;
    let mut pending = PendingObjects::new(&submissions.store);

    let result: Result<(), Problem> = async {
        while let Some(mut field) = multipart.next_field().await.map_err(|_| Problem::UploadMalformed)? {
            let name = field.name().unwrap_or_default().to_string();
            match name.as_str() {
                // Declarations only before the first file, which is when they are verified.
                "challenge" | "nonce" | "lookup_hash" | "reply_recipient" | "key_id" | "lengths" if report.is_none() => {
                    let text = small_text(field).await?;
                    match name.as_str() {
                        "challenge" => declared.challenge = Some(text),
                        "nonce" => declared.nonce = Some(text.parse().map_err(|_| Problem::ProofOfWorkFailed)?),
                        "lookup_hash" => declared.lookup_hash = Some(text),
                        "reply_recipient" => declared.reply_recipient = Some(text),
                        "lengths" => {
                            declared.lengths = text
                                .split(',')
                                .map(|n| n.trim().parse::<u64>())
                                .collect::<Result<_, _>>()
                                .map_err(|_| Problem::UploadMalformed)?
                        }
                        _ => declared.key_ids.push(text),
                    }
                }
                "report" if report.is_none() => {
                    declared.verify(submissions)?;
                    let mut check = ObjectCheck::new(submissions.recipients.len());
                    let mut bytes = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(|_| Problem::UploadTruncated)? {
                        if (bytes.len() + chunk.len()) as u64 > settings.max_report_bytes {
                            return Err(Problem::ReportTooLarge);
                        }
                        check.update(&chunk).map_err(inspect_problem)?;
                        bytes.extend_from_slice(&chunk);
                    }
                    check.finish().map_err(inspect_problem)?;
                    if bytes.len() as u64 != declared.lengths[0] {
                        return Err(Problem::UploadTruncated);
                    }
                    report = Some(bytes);
                }
                "attachment" if report.is_some() => {
                    if pending.kept.len() >= settings.max_attachments as usize {
                        return Err(Problem::TooManyAttachments);
                    }
                    let mut check = ObjectCheck::new(submissions.recipients.len());
                    let mut object = submissions.store.create().await.map_err(io_failure("cannot create an object file"))?;
                    let streamed: Result<(), Problem> = async {
                        while let Some(chunk) = field.chunk().await.map_err(|_| Problem::UploadTruncated)? {
                            if object.len() + chunk.len() as u64 > settings.max_attachment_bytes {
                                return Err(Problem::AttachmentTooLarge);
                            }
                            check.update(&chunk).map_err(inspect_problem)?;
                            object.write(&chunk).await.map_err(io_failure("cannot write an object file"))?;
                        }
                        check.finish().map_err(inspect_problem)?;
                        match declared.lengths.get(1 + pending.kept.len()) {
                            Some(&declared) if declared == object.len() => Ok(()),
                            Some(_) => Err(Problem::UploadTruncated),
                            None => Err(Problem::UploadMalformed),
                        }
                    }
                    .await;
                    match streamed {
                        Ok(()) => pending
                            .kept
                            .push(submissions.store.keep(object).await.map_err(io_failure("cannot make an object durable"))?),
                        Err(problem) => {
                            submissions.store.discard_incoming(object).await;
                            return Err(problem);
                        }
                    }
                }
                _ => return Err(Problem::UploadMalformed),
            }
        }
        Ok(())
    }
    .await;

    let stored = match (result, report) {
        (Ok(()), Some(_)) if declared.lengths.len() != 1 + pending.kept.len() => Err(Problem::UploadTruncated),
        (Ok(()), Some(ciphertext)) => {
            let received_on = crate::today_in_lima();
            let new_report = NewReport {
                received_on: received_on.clone(),
                lookup_hash: declared.lookup_hash.clone().unwrap_or_default(),
                reply_recipient: declared.reply_recipient.clone().unwrap_or_default(),
                encrypted_in: EncryptedIn::Browser,
                ciphertext,
                key_ids: declared.key_ids.clone(),
                attachments: pending.kept.clone(),
            };
            insert_report(&state.database, &new_report).await.map(|_| received_on).map_err(storage_problem)
        }
        (Ok(()), None) => Err(Problem::UploadMalformed),
        (Err(problem), _) => Err(problem),
    };
    if stored.is_err() {
        pending.discard().await;
        drain(&mut multipart).await;
    }
    stored
}

/// Reads what is left of a refused upload, so the browser receives the answer instead of a reset
/// connection. Bounded by the route's body limit.
pub(super) async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}
