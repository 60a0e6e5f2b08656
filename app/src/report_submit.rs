//! The report's journey in the browser (WASM): read the form, check it, make the receipt and its keys
//! (Argon2id), encrypt every attachment as a stream of 64 KiB age chunks straight into Blobs (so memory
//! stays flat for a 100 MB video), encrypt the padded report, solve the proof of work, and upload the
//! ciphertext with progress. No plaintext byte and no attachment name ever leaves this module: the
//! upload carries generic part names and age files only.

use crate::report_form::{Challenge, Field, FieldProblem, Problem, ReportFields, ReportSettings, SubmissionOutcome};
use envelope::age::{Encryptor, encrypted_len};
use envelope::hex_lower;
use envelope::receipt::Receipt;
use envelope::report::{AttachmentEntry, EncryptedIn};
use js_sys::{Array, Promise, Uint8Array};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, FormData, HtmlFormElement, ProgressEvent, XmlHttpRequest};

/// Plaintext read from a file per step: 16 age chunks. Each step yields to the page.
const READ_SLICE: f64 = 1024.0 * 1024.0;
/// Encrypted parts are folded into one Blob every this many bytes, so the browser can keep them
/// outside the JavaScript heap.
const FOLD_BYTES: usize = 16 * 1024 * 1024;
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
    }
}

fn chosen_files(data: &FormData) -> Vec<File> {
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
        problems.push(FieldProblem::at(Field::Attachments, Problem::TooManyAttachments));
    }
    let recipients = settings.office_keys.len();
    if files.iter().any(|file| encrypted_len(file.size() as u64, recipients) > settings.max_attachment_bytes) {
        problems.push(FieldProblem::at(Field::Attachments, Problem::AttachmentTooLarge));
    }
    problems
}

fn general(problem: Problem) -> Vec<FieldProblem> {
    vec![FieldProblem::general(problem)]
}

async fn yield_to_page() {
    let promise = Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = JsFuture::from(promise).await;
}

fn octet_stream(parts: &Array) -> Blob {
    let options = BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    Blob::new_with_u8_array_sequence_and_options(parts, &options).expect("Blob from parts")
}

/// Accumulates ciphertext into a Blob, folding it every [`FOLD_BYTES`].
struct BlobSink {
    parts: Array,
    pending: usize,
    digest: Sha256,
}

impl BlobSink {
    fn new() -> Self {
        Self { parts: Array::new(), pending: 0, digest: Sha256::new() }
    }

    fn push(&mut self, bytes: &mut Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        self.digest.update(&bytes[..]);
        self.parts.push(&Uint8Array::from(&bytes[..]));
        self.pending += bytes.len();
        bytes.clear();
        if self.pending >= FOLD_BYTES {
            let folded = octet_stream(&self.parts);
            self.parts = Array::of1(&folded);
            self.pending = 0;
        }
    }

    fn finish(self) -> (Blob, String) {
        (octet_stream(&self.parts), hex_lower(&self.digest.finalize()))
    }
}

async fn encrypt_file(
    file: &File,
    recipients: &[envelope::Recipient],
    on_bytes: &mut impl FnMut(f64),
) -> Result<(Blob, String), JsValue> {
    let mut encryptor = Encryptor::new(recipients).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let mut sink = BlobSink::new();
    let mut out = Vec::with_capacity(READ_SLICE as usize + 64 * 1024);
    let size = file.size();
    let mut offset = 0.0;
    while offset < size {
        let end = (offset + READ_SLICE).min(size);
        let buffer = JsFuture::from(file.slice_with_f64_and_f64(offset, end)?.array_buffer()).await?;
        let mut plaintext = Uint8Array::new(&buffer).to_vec();
        encryptor.update(&plaintext, &mut out);
        // Best effort: do not leave the plaintext slice lying in WASM memory.
        plaintext.iter_mut().for_each(|b| *b = 0);
        sink.push(&mut out);
        on_bytes(end - offset);
        offset = end;
    }
    encryptor.finish(&mut out);
    sink.push(&mut out);
    Ok(sink.finish())
}

/// An HTTP POST whose answer is awaited; reports upload progress as a fraction.
async fn post(url: &str, body: Option<&FormData>, on_progress: impl FnMut(f64) + 'static) -> Result<(u16, String), ()> {
    let xhr = XmlHttpRequest::new().map_err(|_| ())?;
    xhr.open("POST", url).map_err(|_| ())?;
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new({
        let mut on_progress = on_progress;
        move |event: ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                on_progress(event.loaded() / event.total());
            }
        }
    });
    xhr.upload().map_err(|_| ())?.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    let done = Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
    });
    match body {
        Some(form) => xhr.send_with_opt_form_data(Some(form)),
        None => xhr.send(),
    }
    .map_err(|_| ())?;
    let result = JsFuture::from(done).await;
    drop(progress);
    result.map_err(|_| ())?;
    Ok((xhr.status().map_err(|_| ())?, xhr.response_text().ok().flatten().unwrap_or_default()))
}

fn refused_problems(status: u16, body: &str) -> Vec<FieldProblem> {
    match serde_json::from_str::<SubmissionOutcome>(body) {
        Ok(SubmissionOutcome::Refused { problems, .. }) if !problems.is_empty() => problems,
        _ if status == 429 => general(Problem::RateLimited),
        _ => general(Problem::ServerError),
    }
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
        .map_err(|_| general(Problem::WrongRecipients))?;
    if recipients.is_empty() {
        return Err(general(Problem::WrongRecipients));
    }

    on_stage(Stage::Receipt);
    yield_to_page().await;
    let receipt = Receipt::generate();
    let keys = receipt.derive_keys();

    let total: f64 = files.iter().map(|file| file.size()).sum::<f64>().max(1.0);
    let mut done = 0.0;
    on_stage(Stage::Encrypting(0.0));
    let mut report = fields.to_report(language, EncryptedIn::Browser);
    let mut encrypted_files = Vec::with_capacity(files.len());
    for file in &files {
        let mut on_bytes = |bytes: f64| {
            done += bytes;
            on_stage(Stage::Encrypting(done / total));
        };
        let (blob, digest) =
            encrypt_file(file, &recipients, &mut on_bytes).await.map_err(|_| general(Problem::ServerError))?;
        report.attachments.push(AttachmentEntry {
            name: crate::report_form::clean_file_name(&file.name()),
            media_type: if file.type_().is_empty() { "application/octet-stream".into() } else { file.type_() },
            size: file.size() as u64,
            ciphertext_sha256: digest,
        });
        encrypted_files.push(blob);
    }
    let padded = report
        .to_padded_json(settings.max_report_bytes as usize)
        .map_err(|_| general(Problem::ReportTooLarge))?;
    let report_ciphertext = envelope::encrypt(&recipients, &padded).map_err(|_| general(Problem::WrongRecipients))?;
    drop(padded);

    on_stage(Stage::ProofOfWork);
    let (status, body) = post("/api/reports/challenge", None, |_| {}).await.map_err(|_| general(Problem::Network))?;
    if status != 200 {
        return Err(refused_problems(status, &body));
    }
    let Challenge { token, bits } = serde_json::from_str(&body).map_err(|_| general(Problem::ServerError))?;
    let mut start = 0;
    let nonce = loop {
        if let Some(nonce) = envelope::pow::search(token.as_bytes(), bits, start, POW_SLICE) {
            break nonce;
        }
        start += POW_SLICE;
        yield_to_page().await;
    };

    let upload = FormData::new().expect("FormData");
    let text = |name: &str, value: &str| upload.append_with_str(name, value).expect("append");
    text("challenge", &token);
    text("nonce", &nonce.to_string());
    text("lookup_hash", &keys.lookup_hash());
    text("reply_recipient", &keys.reply_identity.to_public().to_string());
    for key in &settings.office_keys {
        text("key_id", &key.key_id);
    }
    let report_blob = octet_stream(&Array::of1(&Uint8Array::from(&report_ciphertext[..])));
    let lengths: Vec<String> =
        std::iter::once(&report_blob).chain(&encrypted_files).map(|blob| (blob.size() as u64).to_string()).collect();
    text("lengths", &lengths.join(","));
    // Generic file names: the real ones are inside the encrypted report.
    upload.append_with_blob_and_filename("report", &report_blob, "report.age").expect("append");
    for blob in &encrypted_files {
        upload.append_with_blob_and_filename("attachment", blob, "attachment.age").expect("append");
    }

    on_stage(Stage::Uploading(0.0));
    let stage = on_stage.clone();
    let (status, body) = post("/api/reports", Some(&upload), move |fraction| stage(Stage::Uploading(fraction)))
        .await
        .map_err(|_| general(Problem::Network))?;
    match serde_json::from_str::<SubmissionOutcome>(&body) {
        Ok(SubmissionOutcome::Accepted { received_on, .. }) if status == 201 => {
            Ok(Accepted { receipt: receipt.grouped().to_string(), received_on })
        }
        _ => Err(refused_problems(status, &body)),
    }
}
