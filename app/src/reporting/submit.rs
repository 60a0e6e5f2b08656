//! The report's journey in the browser (WASM): read the form, check it, make the receipt and its keys
//! (Argon2id), solve the proof of work and open an upload, then encrypt every attachment 1 MiB at a time
//! (64 KiB age chunks) and send each encrypted slice as soon as it is made, resuming after a dropped
//! connection, so memory stays flat for a 100 MB video on a cheap phone; last, encrypt the padded report
//! (which lists each attachment's ciphertext SHA-256) and send it naming the upload. No plaintext byte
//! and no attachment name ever leaves this module: requests carry age files and generic names only.

use crate::platform::problem::TransportProblem;
use crate::platform::sealed_upload::{Body, Progress, Uploader, general, refused_problems, request, sleep};
use crate::reporting::form::{
    Challenge, Field, FieldProblem, Problem, ReportFields, ReportSettings, SubmissionOutcome, UploadOpened,
    UploadRequest,
};
use envelope::age::Encryptor;
use envelope::attachment;
use envelope::hex_lower;
use envelope::receipt::Receipt;
use envelope::report::{AttachmentEntry, EncryptedIn};
use js_sys::{Array, ArrayBuffer, Uint8Array};
use sha2::{Digest, Sha256};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, FormData, HtmlFormElement, ReadableStreamByobReader};

/// Plaintext read from a file per step: 16 age chunks. Each step yields to the page.
const READ_SLICE: usize = 1024 * 1024;
/// Proof-of-work nonces tried between two yields to the page.
const POW_SLICE: u64 = 32 * 1024;

/// Where the submission is, for the progress bar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stage {
    Receipt,
    Encrypting(f64),
    ProofOfWork,
    Uploading(f64),
}

/// What the reporter gets when the office has the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub receipt: String,
    pub received_on: String,
}

/// Reads the form's fields (not its files).
pub fn read_fields(data: &FormData) -> ReportFields {
    let text = |name: &str| data.get(name).as_string().unwrap_or_default();
    ReportFields {
        description: text("description"),
        category: text("category"),
        involved: text("involved"),
        place: text("place"),
        approximate_date: text("approximate_date"),
        share_identity: text("share_identity") == "yes",
        names: text("names"),
        surnames: text("surnames"),
        phone: text("phone"),
        email: text("email"),
        lives_in_district: text("lives_in_district"),
        files_chosen: 0,
    }
}

pub fn chosen_files(data: &FormData) -> Vec<File> {
    data.get_all("attachments")
        .iter()
        .filter_map(|value| value.dyn_into::<File>().ok())
        // An empty file input contributes one nameless, empty File.
        .filter(|file| !(file.name().is_empty() && file.size() == 0.0))
        .collect()
}

/// Everything the server would refuse that the browser can already see.
pub fn check(fields: &ReportFields, files: &[File], settings: &ReportSettings) -> Vec<FieldProblem> {
    let mut problems = fields.validate();
    if files.len() > settings.max_attachments as usize {
        problems.push(FieldProblem::at(Field::Attachments, TransportProblem::TooManyAttachments));
    }
    if files.iter().any(|file| file.size() as u64 > settings.max_attachment_bytes) {
        problems.push(FieldProblem::at(Field::Attachments, TransportProblem::AttachmentTooLarge));
    }
    problems
}

/// A chosen file could not be read, or changed while it was being sent.
fn unreadable() -> Vec<FieldProblem> {
    vec![FieldProblem::at(Field::Attachments, TransportProblem::AttachmentUnreadable)]
}

/// Encrypts a file slice by slice and sends each encrypted slice as it is made, so the page holds one
/// slice at a time whatever the file's size; then its padding (zero bytes up to its Padmé length, so
/// the ciphertext's length tells only a size class), a slice at a time too. Returns the SHA-256 of the
/// ciphertext, for the report.
async fn encrypt_and_send(
    file: &File,
    recipients: &[envelope::Recipient],
    uploader: &mut Uploader,
    index: usize,
) -> Result<(u64, String), Vec<FieldProblem>> {
    let mut encryptor = Encryptor::new(recipients).map_err(|_| general(TransportProblem::WrongRecipients))?;
    let mut digest = Sha256::new();
    let mut out = Vec::with_capacity(READ_SLICE + 64 * 1024);
    let mut sent = 0u64;
    let mut reader = SliceReader::new(file);
    let mut plaintext = Vec::with_capacity(READ_SLICE);
    let mut read = 0u64;
    while reader.next(&mut plaintext).await.map_err(|_| unreadable())? {
        read += plaintext.len() as u64;
        encryptor.update(&plaintext, &mut out);
        // Best effort: do not leave the plaintext slice lying in WASM memory.
        plaintext.iter_mut().for_each(|b| *b = 0);
        plaintext.clear();
        sent += send_encrypted(&mut out, &mut digest, uploader, index, sent).await?;
    }
    if read != file.size() as u64 {
        // The file changed while it was read: the padding would hide it, so stop here.
        return Err(unreadable());
    }
    for step in attachment::padding_steps(read, READ_SLICE as u64) {
        encryptor.update_zeros(step, &mut out);
        sent += send_encrypted(&mut out, &mut digest, uploader, index, sent).await?;
    }
    encryptor.finish(&mut out);
    sent += send_encrypted(&mut out, &mut digest, uploader, index, sent).await?;
    Ok((sent, hex_lower(&digest.finalize())))
}

/// Reads a file [`READ_SLICE`] bytes at a time. With a BYOB stream reader the browser fills one
/// reused buffer, so reading a 100 MB file leaves no garbage behind (measured: about 5 MiB of growth
/// against 33 MiB for `Blob.slice`); browsers without one read slices with `Blob.slice`.
enum SliceReader {
    Stream { reader: ReadableStreamByobReader, buffer: ArrayBuffer, done: bool },
    Slices { file: File, offset: f64 },
}

impl SliceReader {
    fn new(file: &File) -> Self {
        match ReadableStreamByobReader::new(&file.stream()) {
            Ok(reader) => Self::Stream { reader, buffer: ArrayBuffer::new(READ_SLICE as u32), done: false },
            Err(_) => Self::Slices { file: file.clone(), offset: 0.0 },
        }
    }

    /// Appends the next slice (at most [`READ_SLICE`] bytes) to `into`; `false` once the file is read.
    async fn next(&mut self, into: &mut Vec<u8>) -> Result<bool, JsValue> {
        match self {
            Self::Stream { reader, buffer, done } => {
                while !*done && into.len() < READ_SLICE {
                    let room = (READ_SLICE - into.len()) as u32;
                    let view = Uint8Array::new_with_byte_offset_and_length(buffer, 0, room);
                    let result = JsFuture::from(reader.read_with_array_buffer_view(&view)).await?;
                    *done = js_sys::Reflect::get(&result, &"done".into())?.as_bool().unwrap_or(true);
                    let Ok(filled) = js_sys::Reflect::get(&result, &"value".into())?.dyn_into::<Uint8Array>() else {
                        break;
                    };
                    let start = into.len();
                    into.resize(start + filled.length() as usize, 0);
                    filled.copy_to(&mut into[start..]);
                    // The reader hands the (transferred) buffer back with the bytes: reuse it.
                    *buffer = filled.buffer();
                }
                Ok(!into.is_empty())
            }
            Self::Slices { file, offset } => {
                let size = file.size();
                if *offset >= size {
                    return Ok(false);
                }
                let end = (*offset + READ_SLICE as f64).min(size);
                let bytes = JsFuture::from(file.slice_with_f64_and_f64(*offset, end)?.array_buffer()).await?;
                let bytes = Uint8Array::new(&bytes);
                let start = into.len();
                into.resize(start + bytes.length() as usize, 0);
                bytes.copy_to(&mut into[start..]);
                *offset = end;
                Ok(true)
            }
        }
    }
}

/// Sends (and hashes) the ciphertext made so far, then empties the buffer for the next slice.
async fn send_encrypted(
    out: &mut Vec<u8>,
    digest: &mut Sha256,
    uploader: &mut Uploader,
    index: usize,
    start: u64,
) -> Result<u64, Vec<FieldProblem>> {
    if out.is_empty() {
        return Ok(0);
    }
    digest.update(&out[..]);
    uploader.send(index, start, out).await?;
    let len = out.len() as u64;
    out.clear();
    Ok(len)
}

/// Runs the whole submission. On refusal, nothing was stored and the form is left as it is.
pub async fn submit(
    form: HtmlFormElement,
    settings: ReportSettings,
    language: &'static str,
    on_stage: impl Fn(Stage) + Clone + 'static,
) -> Result<Accepted, Vec<FieldProblem>> {
    let data = FormData::new_with_form(&form).expect("a form element");
    let fields = read_fields(&data);
    let files = chosen_files(&data);
    let problems = check(&fields, &files, &settings);
    if !problems.is_empty() {
        return Err(problems);
    }
    let recipients: Vec<envelope::Recipient> = settings
        .office_keys
        .iter()
        .map(|key| key.recipient.parse())
        .collect::<Result<_, _>>()
        .map_err(|_| general(TransportProblem::WrongRecipients))?;
    if recipients.is_empty() {
        return Err(general(TransportProblem::WrongRecipients));
    }

    on_stage(Stage::Receipt);
    // Let the page show the stage before Argon2id takes the thread.
    sleep(0).await;
    let receipt = Receipt::generate();
    let keys = receipt.derive_keys();

    on_stage(Stage::ProofOfWork);
    let (token, nonce) = prove_work().await?;
    let (upload, attachments) = send_attachments(&files, &recipients, token, nonce, on_stage.clone()).await?;
    let mut report = fields.to_report(language, EncryptedIn::Browser);
    report.attachments = attachments;
    let padded = report
        .to_padded_json(settings.max_report_bytes as usize)
        .map_err(|_| general(TransportProblem::DocumentTooLarge))?;
    let report_ciphertext =
        envelope::encrypt(&recipients, &padded).map_err(|_| general(TransportProblem::WrongRecipients))?;
    drop(padded);

    let lookup_hash = keys.lookup_hash();
    let reply_recipient = keys.reply_identity.to_public().to_string();
    let submission = || {
        let submission = FormData::new().expect("FormData");
        let text = |name: &str, value: &str| submission.append_with_str(name, value).expect("append");
        text("upload", &upload);
        text("lookup_hash", &lookup_hash);
        text("reply_recipient", &reply_recipient);
        for key in &settings.office_keys {
            text("key_id", &key.key_id);
        }
        submission
    };
    let lookup_token = hex_lower(keys.lookup_token.as_ref());
    let received_on = send_report(submission, &report_ciphertext, &lookup_token, on_stage).await?;
    Ok(Accepted { receipt: receipt.grouped().to_string(), received_on })
}

/// Resends of the report after a dropped connection.
const REPORT_RETRIES: u32 = 3;

/// Sends the report, resending it after a dropped connection: the server keeps an upload whose report
/// part did not arrive whole, so a resend needs neither a new proof of work nor the files again. If a
/// resend finds the upload used up, the report may have been stored with only its answer lost: the case
/// is looked up with the receipt's token before the reporter is told that anything failed.
async fn send_report(
    submission: impl Fn() -> FormData,
    ciphertext: &[u8],
    lookup_token: &str,
    on_stage: impl Fn(Stage) + Clone + 'static,
) -> Result<String, Vec<FieldProblem>> {
    let mut failures = 0;
    loop {
        let answer =
            post_document(submission(), "report", ciphertext, super::paths::API_REPORTS, on_stage.clone()).await;
        let problem = answer.as_ref().err().and_then(|problems| problems.first()).map(|p| p.problem);
        match problem {
            Some(Problem::Transport(TransportProblem::Network)) if failures < REPORT_RETRIES => {
                failures += 1;
                sleep(2000 << failures).await;
            }
            Some(Problem::Transport(TransportProblem::UploadExpired)) if failures > 0 => {
                return arrived_on(lookup_token).await.ok_or_else(|| answer.unwrap_err());
            }
            _ => return answer,
        }
    }
}

/// The day a report arrived, if the case with this lookup token exists.
async fn arrived_on(lookup_token: &str) -> Option<String> {
    crate::cases::follow_up::fetch_case(lookup_token).await.ok().map(|case| case.received_on)
}

/// Fetches a challenge and solves it in slices, yielding to the page between them.
pub async fn prove_work() -> Result<(String, u64), Vec<FieldProblem>> {
    let (status, body) = request("POST", crate::platform::API_CHALLENGE, Body::Empty, |_| {})
        .await
        .map_err(|_| general(TransportProblem::Network))?;
    if status != 200 {
        return Err(refused_problems(status, &body));
    }
    let Challenge { token, bits } = serde_json::from_str(&body).map_err(|_| general(TransportProblem::ServerError))?;
    let mut start = 0;
    let nonce = loop {
        if let Some(nonce) = envelope::pow::search(token.as_bytes(), bits, start, POW_SLICE) {
            break nonce;
        }
        start += POW_SLICE;
        sleep(0).await;
    };
    Ok((token, nonce))
}

/// Opens an upload paid for with a solved challenge and sends every file encrypted to `recipients`;
/// returns the upload's id and the entries that list the files in the encrypted document.
pub async fn send_attachments(
    files: &[File],
    recipients: &[envelope::Recipient],
    token: String,
    nonce: u64,
    on_stage: impl Fn(Stage) + Clone + 'static,
) -> Result<(String, Vec<AttachmentEntry>), Vec<FieldProblem>> {
    // The exact ciphertext lengths (padded), declared up front: the server reserves room and can tell
    // a complete attachment from a cut one.
    let lengths: Vec<u64> =
        files.iter().map(|file| attachment::ciphertext_len(file.size() as u64, recipients.len())).collect();
    let opening =
        serde_json::to_string(&UploadRequest { challenge: token, nonce, lengths: lengths.clone() }).expect("JSON");
    let (status, body) = request("POST", crate::platform::API_UPLOADS, Body::Json(&opening), |_| {})
        .await
        .map_err(|_| general(TransportProblem::Network))?;
    let UploadOpened { upload } = match serde_json::from_str(&body) {
        Ok(opened) if status == 201 => opened,
        _ => return Err(refused_problems(status, &body)),
    };
    let progress = Progress::new(lengths.iter().sum(), move |fraction| on_stage(Stage::Encrypting(fraction)));
    progress.show(0.0);
    let mut uploader = Uploader::new(upload.clone(), progress);
    let mut entries = Vec::with_capacity(files.len());
    for (index, (file, &declared)) in files.iter().zip(&lengths).enumerate() {
        let (sent, digest) = encrypt_and_send(file, recipients, &mut uploader, index).await?;
        if sent != declared {
            // The file changed while it was being read: what was sent is not what was declared.
            return Err(unreadable());
        }
        entries.push(AttachmentEntry {
            name: crate::reporting::form::clean_file_name(&file.name()),
            media_type: if file.type_().is_empty() { "application/octet-stream".into() } else { file.type_() },
            size: file.size() as u64,
            ciphertext_sha256: digest,
        });
    }
    Ok((upload, entries))
}

/// Adds the document's age file to `submission` under a generic file name and posts it to `url`;
/// returns the day the server received it.
pub async fn post_document(
    submission: FormData,
    part: &str,
    ciphertext: &[u8],
    url: &str,
    on_stage: impl Fn(Stage) + Clone + 'static,
) -> Result<String, Vec<FieldProblem>> {
    let options = BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = Blob::new_with_u8_array_sequence_and_options(&Array::of1(&Uint8Array::from(ciphertext)), &options)
        .expect("Blob from bytes");
    // A generic file name: nothing about the document shows outside its ciphertext.
    submission.append_with_blob_and_filename(part, &blob, &format!("{part}.age")).expect("append");
    on_stage(Stage::Uploading(0.0));
    let size = blob.size().max(1.0);
    let (status, body) =
        request("POST", url, Body::Form(&submission), move |sent| on_stage(Stage::Uploading((sent / size).min(1.0))))
            .await
            .map_err(|_| general(TransportProblem::Network))?;
    match serde_json::from_str::<SubmissionOutcome>(&body) {
        Ok(SubmissionOutcome::Accepted { received_on, .. }) if status == 201 => Ok(received_on),
        _ => Err(refused_problems(status, &body)),
    }
}
