//! The report's journey in the browser (WASM): read the form, check it, make the receipt and its keys
//! (Argon2id), solve the proof of work and open an upload, then encrypt every attachment 1 MiB at a time
//! (64 KiB age chunks) and send each encrypted slice as soon as it is made, resuming after a dropped
//! connection, so memory stays flat for a 100 MB video on a cheap phone; last, encrypt the padded report
//! (which lists each attachment's ciphertext SHA-256) and send it naming the upload. No plaintext byte
//! and no attachment name ever leaves this module: requests carry age files and generic names only.

use crate::report_form::{
    Challenge, Field, FieldProblem, Problem, ReportFields, ReportSettings, SubmissionOutcome, UploadOpened, UploadProgress,
    UploadRequest,
};
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
/// Retries of one slice after a dropped connection or a server error (waits of 2, 4, 8, 16, 32, 32 s).
const SLICE_RETRIES: u32 = 6;
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

async fn sleep(milliseconds: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, milliseconds);
    });
    let _ = JsFuture::from(promise).await;
}

/// What a request carries.
enum Body<'a> {
    Empty,
    Json(&'a str),
    Bytes(&'a [u8]),
    Form(&'a FormData),
}

/// An HTTP request whose answer is awaited; reports how many body bytes are sent so far. `Err` when the
/// server could not be reached or the connection dropped.
async fn request(method: &str, url: &str, body: Body<'_>, on_progress: impl FnMut(f64) + 'static) -> Result<(u16, String), ()> {
    let xhr = XmlHttpRequest::new().map_err(|_| ())?;
    xhr.open(method, url).map_err(|_| ())?;
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new({
        let mut on_progress = on_progress;
        move |event: ProgressEvent| on_progress(event.loaded())
    });
    xhr.upload().map_err(|_| ())?.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    let done = Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
        xhr.set_ontimeout(Some(&reject));
    });
    match body {
        Body::Empty => xhr.send(),
        Body::Json(text) => {
            xhr.set_request_header("content-type", "application/json").map_err(|_| ())?;
            xhr.send_with_opt_str(Some(text))
        }
        Body::Bytes(bytes) => {
            xhr.set_request_header("content-type", "application/octet-stream").map_err(|_| ())?;
            xhr.send_with_opt_u8_array(Some(bytes))
        }
        Body::Form(form) => xhr.send_with_opt_form_data(Some(form)),
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

/// Upload progress shared by every request of a submission: bytes the server holds, plus the bytes of
/// the request under way.
#[derive(Clone)]
struct Progress {
    held: std::rc::Rc<std::cell::Cell<f64>>,
    total: f64,
    on_stage: std::rc::Rc<dyn Fn(Stage)>,
}

impl Progress {
    fn show(&self, in_flight: f64) {
        (self.on_stage)(Stage::Encrypting(((self.held.get() + in_flight) / self.total).min(1.0)));
    }
}

/// Sends one encrypted slice of attachment `index`, which starts at byte `start`. A dropped connection
/// or a server error is retried after a growing wait; the server's answer says how much it holds, so a
/// retry sends only what is missing.
async fn send_slice(upload: &str, index: usize, start: u64, bytes: &[u8], progress: &Progress) -> Result<(), Vec<FieldProblem>> {
    let end = start + bytes.len() as u64;
    let mut held = start;
    let mut failures = 0;
    while held < end {
        let url = format!("/api/uploads/{upload}/{index}?offset={held}");
        let on_progress = {
            let progress = progress.clone();
            move |sent: f64| progress.show(sent)
        };
        let answer = request("PUT", &url, Body::Bytes(&bytes[(held - start) as usize..]), on_progress).await;
        let before = held;
        match answer {
            Ok((status @ (200 | 409), body)) => match serde_json::from_str::<UploadProgress>(&body) {
                Ok(UploadProgress { received }) if (start..=end).contains(&received) => held = received,
                _ => return Err(refused_problems(status, &body)),
            },
            Ok((status, body)) if (400..500).contains(&status) => return Err(refused_problems(status, &body)),
            _ => {}
        }
        progress.held.set(progress.held.get() + (held - before) as f64);
        progress.show(0.0);
        if held == before {
            failures += 1;
            if failures > SLICE_RETRIES {
                return Err(general(Problem::Network));
            }
            sleep(1000 << failures.min(5)).await;
        } else {
            failures = 0;
        }
    }
    Ok(())
}

/// Encrypts a file slice by slice and sends each encrypted slice as it is made, so the page holds one
/// slice at a time whatever the file's size. Returns the SHA-256 of the ciphertext, for the report.
async fn encrypt_and_send(
    file: &File,
    recipients: &[envelope::Recipient],
    upload: &str,
    index: usize,
    progress: &Progress,
) -> Result<(u64, String), Vec<FieldProblem>> {
    let unreadable = |_| vec![FieldProblem::at(Field::Attachments, Problem::AttachmentUnreadable)];
    let mut encryptor = Encryptor::new(recipients).map_err(|_| general(Problem::WrongRecipients))?;
    let mut digest = Sha256::new();
    let mut out = Vec::with_capacity(READ_SLICE as usize + 64 * 1024);
    let mut sent = 0u64;
    let size = file.size();
    let mut offset = 0.0;
    while offset < size {
        let end = (offset + READ_SLICE).min(size);
        let slice = file.slice_with_f64_and_f64(offset, end).map_err(unreadable)?;
        let buffer = JsFuture::from(slice.array_buffer()).await.map_err(unreadable)?;
        let mut plaintext = Uint8Array::new(&buffer).to_vec();
        encryptor.update(&plaintext, &mut out);
        // Best effort: do not leave the plaintext slice lying in WASM memory.
        plaintext.iter_mut().for_each(|b| *b = 0);
        sent += send_encrypted(&mut out, &mut digest, upload, index, sent, progress).await?;
        offset = end;
    }
    encryptor.finish(&mut out);
    sent += send_encrypted(&mut out, &mut digest, upload, index, sent, progress).await?;
    Ok((sent, hex_lower(&digest.finalize())))
}

/// Sends (and hashes) the ciphertext made so far, then empties the buffer for the next slice.
async fn send_encrypted(
    out: &mut Vec<u8>,
    digest: &mut Sha256,
    upload: &str,
    index: usize,
    start: u64,
    progress: &Progress,
) -> Result<u64, Vec<FieldProblem>> {
    if out.is_empty() {
        return Ok(0);
    }
    digest.update(&out[..]);
    send_slice(upload, index, start, out, progress).await?;
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
        .map_err(|_| general(Problem::WrongRecipients))?;
    if recipients.is_empty() {
        return Err(general(Problem::WrongRecipients));
    }

    on_stage(Stage::Receipt);
    yield_to_page().await;
    let receipt = Receipt::generate();
    let keys = receipt.derive_keys();

    on_stage(Stage::ProofOfWork);
    let (status, body) = request("POST", "/api/reports/challenge", Body::Empty, |_| {}).await.map_err(|_| general(Problem::Network))?;
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

    // The exact ciphertext lengths, declared up front: the server reserves room and can tell a
    // complete attachment from a cut one.
    let lengths: Vec<u64> = files.iter().map(|file| encrypted_len(file.size() as u64, recipients.len())).collect();
    let opening = serde_json::to_string(&UploadRequest { challenge: token, nonce, lengths: lengths.clone() }).expect("JSON");
    let (status, body) = request("POST", "/api/uploads", Body::Json(&opening), |_| {}).await.map_err(|_| general(Problem::Network))?;
    let UploadOpened { upload } = match serde_json::from_str(&body) {
        Ok(opened) if status == 201 => opened,
        _ => return Err(refused_problems(status, &body)),
    };

    let progress = Progress {
        held: Default::default(),
        total: (lengths.iter().sum::<u64>() as f64).max(1.0),
        on_stage: std::rc::Rc::new(on_stage.clone()),
    };
    progress.show(0.0);
    let mut report = fields.to_report(language, EncryptedIn::Browser);
    for (index, (file, &declared)) in files.iter().zip(&lengths).enumerate() {
        let (sent, digest) = encrypt_and_send(file, &recipients, &upload, index, &progress).await?;
        if sent != declared {
            // The file changed while it was being read: what was sent is not what was declared.
            return Err(vec![FieldProblem::at(Field::Attachments, Problem::AttachmentUnreadable)]);
        }
        report.attachments.push(AttachmentEntry {
            name: crate::report_form::clean_file_name(&file.name()),
            media_type: if file.type_().is_empty() { "application/octet-stream".into() } else { file.type_() },
            size: file.size() as u64,
            ciphertext_sha256: digest,
        });
    }
    let padded = report
        .to_padded_json(settings.max_report_bytes as usize)
        .map_err(|_| general(Problem::ReportTooLarge))?;
    let report_ciphertext = envelope::encrypt(&recipients, &padded).map_err(|_| general(Problem::WrongRecipients))?;
    drop(padded);

    let submission = FormData::new().expect("FormData");
    let text = |name: &str, value: &str| submission.append_with_str(name, value).expect("append");
    text("upload", &upload);
    text("lookup_hash", &keys.lookup_hash());
    text("reply_recipient", &keys.reply_identity.to_public().to_string());
    for key in &settings.office_keys {
        text("key_id", &key.key_id);
    }
    let options = BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let report_blob = Blob::new_with_u8_array_sequence_and_options(&Array::of1(&Uint8Array::from(&report_ciphertext[..])), &options)
        .expect("Blob from bytes");
    // A generic file name: nothing about the report shows outside its ciphertext.
    submission.append_with_blob_and_filename("report", &report_blob, "report.age").expect("append");

    on_stage(Stage::Uploading(0.0));
    let stage = on_stage.clone();
    let size = report_blob.size().max(1.0);
    let (status, body) = request("POST", "/api/reports", Body::Form(&submission), move |sent| stage(Stage::Uploading((sent / size).min(1.0))))
        .await
        .map_err(|_| general(Problem::Network))?;
    match serde_json::from_str::<SubmissionOutcome>(&body) {
        Ok(SubmissionOutcome::Accepted { received_on, .. }) if status == 201 => {
            Ok(Accepted { receipt: receipt.grouped().to_string(), received_on })
        }
        _ => Err(refused_problems(status, &body)),
    }
}
