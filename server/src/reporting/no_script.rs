//! `POST /denuncia/enviar`: the report form as a plain HTML form, for browsers without JavaScript or
//! WebAssembly (Tor Browser at "Safer", or a module that failed to load). The page says plainly that
//! on this path the server sees the report before encrypting it.
//!
//! The server encrypts each attachment as it streams in (only ciphertext touches the disk), builds the
//! same report document the browser would, encrypts it with the same envelope code, makes the receipt
//! and its keys, and stores the result exactly like the browser path. Plaintext lives only in this
//! request's memory and is never logged. A refused form is shown again with every typed value and the
//! problems summarised; file inputs cannot be refilled by any server, so the page asks to choose the
//! files again.

use super::encrypted::drain;
use super::form_ticket::ValidTicket;
use super::{Submissions, overall_status, storage_problem};
use crate::AppState;
use crate::platform::{PendingObjects, io_failure};
use app::i18n::Locale;
use app::locale::split_path;
use app::platform::files::StoredObject;
use app::platform::problem::TransportProblem;
use app::reporting::form::{
    FORM_TICKET_FIELD, Field, FieldProblem, Problem, ReportFields, ReportProblem, SubmissionOutcome, clean_file_name,
};
use app::reporting::storage::reports::{EncryptedIn, NewReport};
use axum::Extension;
use axum::extract::State;
use axum::extract::multipart::{Field as MultipartField, Multipart, MultipartRejection};
use axum::response::Response;
use envelope::age::Encryptor;
use envelope::attachment;
use envelope::hex_lower;
use envelope::receipt::Receipt;
use envelope::report::AttachmentEntry;
use http::{StatusCode, Uri};
use leptos::nonce::Nonce;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub async fn submit(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    uri: Uri,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let (prefix, _) = split_path(uri.path());
    let locale = prefix.unwrap_or(state.page_context.default_locale.0);
    let mut ticket = None;
    let (status, outcome) = match multipart {
        Err(_) => refused(vec![FieldProblem::general(TransportProblem::UploadMalformed)], None),
        Ok(mut multipart) => {
            let result = receive(&state, &mut multipart, locale, &mut ticket).await;
            if result.is_err() {
                drain(&mut multipart).await;
            }
            match result {
                Ok(outcome) => (StatusCode::OK, outcome),
                Err((problems, fields)) => refused(problems, fields),
            }
        }
    };
    // The page the form lives on renders the outcome.
    let form = app::reporting::paths::REPORT_FORM;
    let page = match prefix {
        Some(Locale::en) if uri.path().starts_with("/en/") => format!("/en{form}"),
        Some(_) if uri.path().starts_with("/es/") => format!("/es{form}"),
        _ => form.to_string(),
    };
    state.page_context.render(&page, nonce.map(|Extension(n)| n), Some(outcome), ticket, status).await
}

fn refused(problems: Vec<FieldProblem>, fields: Option<ReportFields>) -> (StatusCode, SubmissionOutcome) {
    (overall_status(&problems), SubmissionOutcome::Refused { problems, fields: fields.map(Box::new) })
}

type Refusal = (Vec<FieldProblem>, Option<ReportFields>);

/// One file input's part, encrypted as it streamed in.
enum Attachment {
    /// A file input left empty (browsers send one part with no name and no bytes).
    Empty,
    TooLarge,
    Stored(StoredObject, AttachmentEntry),
}

/// Encrypts one attachment part into the object store as it arrives; only ciphertext touches the disk.
/// Whatever does not end up stored (empty, too large, or failed part-way) leaves no file behind.
async fn encrypt_attachment(submissions: &Submissions, field: &mut MultipartField<'_>) -> Result<Attachment, Problem> {
    let file_name = field.file_name().unwrap_or_default().to_string();
    let media_type = field.content_type().unwrap_or("application/octet-stream").to_string();
    let mut encryptor = Encryptor::new(&submissions.sealed.recipients).map_err(|_| TransportProblem::ServerError)?;
    let mut object = submissions.sealed.store.create().await.map_err(io_failure("cannot create an object file"))?;
    let mut size = 0u64;
    // The ciphertext's digest, or `None` once the file has grown past the limit.
    let streamed: Result<Option<String>, Problem> = async {
        let limit = submissions.settings.max_attachment_bytes;
        let mut digest = Sha256::new();
        let mut ciphertext = Vec::with_capacity(80 * 1024);
        let mut fits = true;
        while let Some(chunk) = field.chunk().await.map_err(|_| TransportProblem::UploadTruncated)? {
            size += chunk.len() as u64;
            fits = fits && size <= limit;
            if fits {
                encryptor.update(&chunk, &mut ciphertext);
                digest.update(&ciphertext);
                object.write(&ciphertext).await.map_err(io_failure("cannot write an object file"))?;
                ciphertext.clear();
            }
        }
        if !fits {
            return Ok(None);
        }
        // The padding (zero bytes up to the file's Padmé length), a slice at a time.
        for step in attachment::padding_steps(size, 64 * 1024) {
            encryptor.update_zeros(step, &mut ciphertext);
            digest.update(&ciphertext);
            object.write(&ciphertext).await.map_err(io_failure("cannot write an object file"))?;
            ciphertext.clear();
        }
        encryptor.finish(&mut ciphertext);
        digest.update(&ciphertext);
        object.write(&ciphertext).await.map_err(io_failure("cannot write an object file"))?;
        Ok(Some(hex_lower(&digest.finalize())))
    }
    .await;
    match streamed {
        Ok(Some(digest)) if !(file_name.is_empty() && size == 0) => {
            let stored =
                submissions.sealed.store.keep(object).await.map_err(io_failure("cannot make an object durable"))?;
            let entry =
                AttachmentEntry { name: clean_file_name(&file_name), media_type, size, ciphertext_sha256: digest };
            Ok(Attachment::Stored(stored, entry))
        }
        other => {
            submissions.sealed.store.discard_incoming(object).await;
            other.map(|digest| if digest.is_some() { Attachment::Empty } else { Attachment::TooLarge })
        }
    }
}

/// Reads a plain form. `keep_ticket` is set to the form ticket the page shown again should carry: the
/// one sent, while it is still good (so that it keeps its age); left `None`, the page gets a new one.
async fn receive(
    state: &AppState,
    multipart: &mut Multipart,
    locale: Locale,
    keep_ticket: &mut Option<String>,
) -> Result<SubmissionOutcome, Refusal> {
    let submissions: &Submissions = &state.submissions;
    let settings = &submissions.settings;
    fn server_error<E>(_: E) -> Refusal {
        (vec![FieldProblem::general(TransportProblem::ServerError)], None)
    }
    let mut fields = ReportFields::default();
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    let mut pending = PendingObjects::new(&submissions.sealed.store);
    // Decided by the first part, which a real form makes the ticket: without a good one no file is
    // encrypted or stored, only the typed fields are read (to show them again).
    let mut ticket: Option<Result<ValidTicket, ReportProblem>> = None;

    let read: Result<(), Problem> = async {
        while let Some(mut field) = multipart.next_field().await.map_err(|_| TransportProblem::UploadMalformed)? {
            let name = field.name().unwrap_or_default().to_string();
            if ticket.is_none() && name != FORM_TICKET_FIELD {
                ticket = Some(Err(ReportProblem::FormExpired));
            }
            if name == "attachments" {
                if field.file_name().is_some_and(|file| !file.is_empty()) {
                    fields.files_chosen += 1;
                }
                if !matches!(ticket, Some(Ok(_))) {
                    while field.chunk().await.map_err(|_| TransportProblem::UploadTruncated)?.is_some() {}
                    continue;
                }
                match encrypt_attachment(submissions, &mut field).await? {
                    Attachment::Empty => {}
                    Attachment::TooLarge => {
                        problems.push(FieldProblem::at(Field::Attachments, TransportProblem::AttachmentTooLarge))
                    }
                    Attachment::Stored(object, entry) => {
                        pending.kept.push(object);
                        entries.push(entry);
                    }
                }
                continue;
            }
            let bytes = field.bytes().await.map_err(|_| TransportProblem::UploadTruncated)?;
            if bytes.len() > 256 * 1024 {
                return Err(TransportProblem::UploadMalformed.into());
            }
            let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
            match name.as_str() {
                FORM_TICKET_FIELD if ticket.is_none() => {
                    let checked = submissions.form_tickets.check(&text);
                    if checked != Err(ReportProblem::FormExpired) {
                        *keep_ticket = Some(text.trim().to_string());
                    }
                    ticket = Some(checked);
                }
                "description" => fields.description = text,
                "category" => fields.category = text,
                "involved" => fields.involved = text,
                "place" => fields.place = text,
                "approximate_date" => fields.approximate_date = text,
                "share_identity" => fields.share_identity = text == "yes",
                "names" => fields.names = text,
                "surnames" => fields.surnames = text,
                "phone" => fields.phone = text,
                "email" => fields.email = text,
                "lives_in_district" => fields.lives_in_district = text,
                _ => {}
            }
        }
        Ok(())
    }
    .await;

    let outcome = async {
        read.map_err(|problem| (vec![FieldProblem::general(problem)], Some(fields.clone())))?;
        let mut all = Vec::new();
        let ticket = match ticket {
            Some(Ok(ticket)) => Some(ticket),
            Some(Err(problem)) => {
                all.push(FieldProblem::general(problem));
                None
            }
            None => {
                all.push(FieldProblem::general(ReportProblem::FormExpired));
                None
            }
        };
        all.extend(fields.validate());
        if pending.kept.len() + problems.iter().filter(|p| p.problem == TransportProblem::AttachmentTooLarge).count()
            > settings.max_attachments as usize
        {
            all.push(FieldProblem::at(Field::Attachments, TransportProblem::TooManyAttachments));
        }
        all.extend(problems.iter().copied());
        let Some(ticket) = ticket.filter(|_| all.is_empty()) else {
            return Err((all, Some(fields.clone())));
        };
        // Held before the budget is touched, so that replaying one ticket in parallel cannot use it up.
        let held = submissions.form_tickets.hold(&ticket).map_err(|problem| {
            *keep_ticket = None;
            (vec![FieldProblem::general(problem)], Some(fields.clone()))
        })?;
        // Only a report that would be stored counts against the limit: malformed and refused forms
        // must not use it up for everyone else.
        if !submissions.plain_form_limit.try_acquire() {
            return Err((vec![FieldProblem::general(TransportProblem::RateLimited)], Some(fields.clone())));
        }
        let mut report = fields.to_report(app::locale::language_tag(locale), EncryptedIn::Server);
        report.attachments = entries.clone();
        let padded = Zeroizing::new(report.to_padded_json(settings.max_report_bytes as usize).map_err(|_| {
            (vec![FieldProblem::at(Field::Description, TransportProblem::DocumentTooLarge)], Some(fields.clone()))
        })?);
        let ciphertext = envelope::encrypt(&submissions.sealed.recipients, &padded).map_err(server_error)?;
        // Argon2id takes a noticeable fraction of a second: off the async workers.
        let (receipt, keys) = tokio::task::spawn_blocking(|| {
            let receipt = Receipt::generate();
            let keys = receipt.derive_keys();
            (receipt, keys)
        })
        .await
        .map_err(server_error)?;
        let received_on = crate::today_in_lima();
        let new_report = NewReport {
            received_on: received_on.clone(),
            lookup_hash: keys.lookup_hash(),
            reply_recipient: keys.reply_identity.to_public().to_string(),
            encrypted_in: EncryptedIn::Server,
            ciphertext,
            key_ids: submissions.key_ids(),
            attachments: pending.kept.clone(),
        };
        submissions
            .reports
            .insert(new_report)
            .await
            .map_err(|error| (vec![FieldProblem::general(storage_problem(error))], Some(fields.clone())))?;
        held.spend();
        *keep_ticket = None;
        Ok(SubmissionOutcome::Accepted { received_on, receipt: Some(receipt.grouped().to_string()) })
    }
    .await;
    if outcome.is_err() {
        pending.discard().await;
    }
    outcome
}
