//! A browser submission's attachments, uploaded slice by slice before its report, so a reporter's phone
//! never holds more than one encrypted slice (about 1 MiB) of a 100 MB video.
//!
//! - `POST /api/uploads` (JSON [`UploadRequest`]): redeems the proof of work, counts against the
//!   rate limit, reserves disk room for the declared ciphertext lengths, and answers `201`
//!   [`UploadOpened`].
//! - `GET /api/uploads/{upload}/socket` (WebSocket; see [`socket`]): each encrypted slice is one binary
//!   message, answered with the bytes the server holds; after a dropped connection the browser
//!   reconnects and asks where to resume.
//! - `PUT /api/uploads/{upload}/{index}?offset=N` (fallback when a WebSocket cannot be opened): appends
//!   the body to attachment `index`, which must hold exactly `N` bytes; answers [`UploadProgress`]. A
//!   wrong offset gets `409` with the bytes the server holds, so the browser resumes from there.
//!
//! - `POST /api/reports` names the upload; only complete attachments are stored (see `encrypted`).
//!
//! Every byte is checked as it arrives ([`envelope::inspect`]); a slice that is not age ciphertext for
//! the office's keys, or runs past the declared length, ends the whole upload.
//!
//! Open uploads live in memory only, with their files in `objects/incoming/`; one idle for
//! [`IDLE_LIMIT`] is dropped with its files. Like the proof-of-work challenges, they tie a submission to
//! one server instance (sticky routing behind a load balancer).

use super::{SealedTransport, io_failure, refusal, refused_for};
use crate::AppState;
use app::platform::files::{FileStore, IncomingObject};
use app::platform::problem::TransportProblem;
use app::reporting::form::{UploadOpened, UploadProgress, UploadRequest};
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use envelope::inspect::ObjectCheck;
use http::StatusCode;
use http_body_util::BodyExt;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an upload may sit without a slice before it is dropped with its files.
pub const IDLE_LIMIT: Duration = Duration::from_secs(30 * 60);

/// One attachment being received.
pub struct IncomingAttachment {
    pub declared: u64,
    pub object: IncomingObject,
    pub check: ObjectCheck,
}

/// An open upload. `closed` is set while a report has it and when it ends, so a slice that was waiting
/// for the lock finds it gone, unless the report put it back.
pub struct Upload {
    pub attachments: Vec<IncomingAttachment>,
    closed: bool,
}

impl Upload {
    /// Attachment `index`, which the sender must have declared.
    fn attachment(&mut self, index: usize) -> Result<&mut IncomingAttachment, TransportProblem> {
        self.attachments.get_mut(index).ok_or(TransportProblem::UploadMalformed)
    }
}

struct Entry {
    upload: Arc<tokio::sync::Mutex<Upload>>,
    reserved: u64,
    last_active: Instant,
}

#[derive(Default)]
struct Open {
    uploads: HashMap<String, Entry>,
    reserved: u64,
}

/// The open uploads and the disk room they have reserved.
pub struct Uploads {
    open: Mutex<Open>,
    budget: u64,
}

impl Uploads {
    pub fn new(budget: u64) -> Self {
        Self { open: Mutex::new(Open::default()), budget }
    }

    fn open(&self) -> std::sync::MutexGuard<'_, Open> {
        // A panic elsewhere while holding the lock leaves the map consistent (every change is one insert or
        // remove), so keep serving.
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Opens an upload of attachments with these ciphertext lengths, creating their files.
    pub async fn begin(
        &self,
        store: &FileStore,
        lengths: &[u64],
        recipients: usize,
    ) -> Result<String, TransportProblem> {
        let total: u64 = lengths.iter().sum();
        {
            let mut open = self.open();
            if open.reserved + total > self.budget {
                return Err(TransportProblem::RateLimited);
            }
            open.reserved += total;
        }
        let mut attachments = Vec::with_capacity(lengths.len());
        for &declared in lengths {
            match store.create().await {
                Ok(object) => {
                    attachments.push(IncomingAttachment { declared, object, check: ObjectCheck::new(recipients) })
                }
                Err(error) => {
                    self.open().reserved -= total;
                    for attachment in attachments {
                        store.discard_incoming(attachment.object).await;
                    }
                    return Err(io_failure("cannot create an object file")(error));
                }
            }
        }
        let id = app::platform::database::random_id();
        let upload = Arc::new(tokio::sync::Mutex::new(Upload { attachments, closed: false }));
        self.open().uploads.insert(id.clone(), Entry { upload, reserved: total, last_active: Instant::now() });
        Ok(id)
    }

    /// The open upload `id`, marked active now.
    fn get(&self, id: &str) -> Option<Arc<tokio::sync::Mutex<Upload>>> {
        let mut open = self.open();
        let entry = open.uploads.get_mut(id)?;
        entry.last_active = Instant::now();
        Some(entry.upload.clone())
    }

    /// Marks upload `id` active now: a slice that took long counts as activity until it ends.
    fn touch(&self, id: &str) {
        self.get(id);
    }

    /// Hands upload `id` over to its report. The upload stays listed while the report is received:
    /// a resend of the report that arrives before the server has noticed that the first request's
    /// connection dropped (Chromium resends at once on a reused connection) waits here for that
    /// request to end and put the upload back, instead of finding it gone. `None` if there is no such
    /// upload, or another report has it.
    pub async fn take(&self, id: &str) -> Option<tokio::sync::OwnedMutexGuard<Upload>> {
        let mut upload = self.get(id)?.lock_owned().await;
        if upload.closed {
            return None;
        }
        upload.closed = true;
        Some(upload)
    }

    /// Reopens upload `id` after its report was refused for the report's own sake (cut in transit,
    /// recipients changed, a case not found): its attachments are intact, so the browser can send the
    /// report again without a new proof of work and without sending every file again.
    pub fn put_back(&self, id: &str, mut upload: tokio::sync::OwnedMutexGuard<Upload>) {
        upload.closed = false;
        drop(upload);
        self.touch(id);
    }

    /// Ends upload `id` for good (its report stored, or its files refused): it is no longer listed,
    /// its room is freed, and the files it still holds (all of them, unless a report stored them) are
    /// removed. The lock is held until then, so a request waiting for it finds it closed.
    pub async fn end(&self, store: &FileStore, id: &str, mut upload: tokio::sync::OwnedMutexGuard<Upload>) {
        upload.closed = true;
        {
            let mut open = self.open();
            if let Some(entry) = open.uploads.remove(id) {
                open.reserved -= entry.reserved;
            }
        }
        for attachment in upload.attachments.drain(..) {
            store.discard_incoming(attachment.object).await;
        }
    }

    /// Drops uploads idle for longer than `idle`, with their files, whatever state they are in (a
    /// report request that never ended leaves its upload closed). Returns how many.
    pub async fn expire(&self, store: &FileStore, idle: Duration) -> usize {
        let is_idle = |entry: &Entry| entry.last_active.elapsed() >= idle;
        let expired: Vec<(String, Arc<tokio::sync::Mutex<Upload>>)> = self
            .open()
            .uploads
            .iter()
            .filter(|(_, entry)| is_idle(entry))
            .map(|(id, entry)| (id.clone(), entry.upload.clone()))
            .collect();
        let mut dropped = 0;
        for (id, shared) in expired {
            let upload = shared.lock_owned().await;
            // A request that held it may have ended it, or used it, meanwhile.
            if self.open().uploads.get(&id).is_some_and(is_idle) {
                self.end(store, &id, upload).await;
                dropped += 1;
            }
        }
        dropped
    }

    /// Whether no upload is open (for tests).
    pub fn is_empty(&self) -> bool {
        self.open().uploads.is_empty()
    }
}

/// Drops idle uploads every minute, for as long as the server runs.
pub async fn expire_idle(sealed: Arc<SealedTransport>) {
    let mut every_minute = tokio::time::interval(Duration::from_secs(60));
    loop {
        every_minute.tick().await;
        let dropped = sealed.uploads.expire(&sealed.store, IDLE_LIMIT).await;
        if dropped > 0 {
            tracing::info!(dropped, "dropped idle attachment uploads and their files");
        }
    }
}

/// `POST /api/uploads`.
pub async fn open(
    State(sealed): State<Arc<SealedTransport>>,
    request: Result<Json<UploadRequest>, JsonRejection>,
) -> Response {
    let opened = async {
        let Json(request) = request.map_err(|_| TransportProblem::UploadMalformed)?;
        if request.lengths.len() > sealed.max_attachments as usize {
            return Err(TransportProblem::TooManyAttachments);
        }
        // The limit is on files; a padded, encrypted file may be up to 12% longer.
        let limit = envelope::attachment::ciphertext_len(sealed.max_attachment_bytes, sealed.recipients.len());
        if request.lengths.iter().any(|&length| length > limit) {
            return Err(TransportProblem::AttachmentTooLarge);
        }
        // Every attachment is padded to a Padmé length before encryption, so its ciphertext has one of
        // a few exact lengths: any other was cut, or never padded, and is refused before any work.
        let padded_for = |recipients| {
            request.lengths.iter().all(|&length| envelope::attachment::is_ciphertext_len(length, recipients))
        };
        if !padded_for(sealed.recipients.len()) {
            // Padded attachments for another number of office keys: the page predates a key change.
            return Err(if (1..=16).any(padded_for) {
                TransportProblem::WrongRecipients
            } else {
                TransportProblem::UploadMalformed
            });
        }
        // Proof of work first: a request that has not paid for it must not use up the global rate.
        sealed.proof_of_work.redeem(&request.challenge, request.nonce)?;
        if !sealed.rate_limit.try_acquire() {
            return Err(TransportProblem::RateLimited);
        }
        sealed.uploads.begin(&sealed.store, &request.lengths, sealed.recipients.len()).await
    }
    .await;
    match opened {
        Ok(upload) => (StatusCode::CREATED, Json(UploadOpened { upload })).into_response(),
        Err(problem) => refusal(problem),
    }
}

#[derive(Deserialize)]
pub struct Offset {
    offset: u64,
}

/// Upload `id`, locked, if it is still open.
async fn lock_open(
    sealed: &SealedTransport,
    id: &str,
) -> Result<tokio::sync::OwnedMutexGuard<Upload>, TransportProblem> {
    let upload = sealed.uploads.get(id).ok_or(TransportProblem::UploadExpired)?;
    let upload = upload.lock_owned().await;
    if upload.closed { Err(TransportProblem::UploadExpired) } else { Ok(upload) }
}

/// Ends upload `id` after a refused slice: it can no longer become a valid report, so its room is freed
/// and its files removed now.
async fn end_refused(sealed: &SealedTransport, id: &str) {
    if let Some(upload) = sealed.uploads.take(id).await {
        sealed.uploads.end(&sealed.store, id, upload).await;
    }
}

/// `PUT /api/uploads/{upload}/{index}?offset=N`: the fallback for browsers that cannot open the
/// upload's WebSocket (a proxy that refuses it). Each request's body is kept by Chromium until a
/// garbage collection, so this path costs the page memory in proportion to the file.
pub async fn append(
    State(state): State<AppState>,
    path: Result<Path<(String, usize)>, PathRejection>,
    offset: Result<Query<Offset>, QueryRejection>,
    body: Body,
) -> Response {
    let sealed = &state.submissions.sealed;
    let (Ok(Path((id, index))), Ok(Query(Offset { offset }))) = (path, offset) else {
        return refusal(TransportProblem::UploadMalformed);
    };
    let mut upload = match lock_open(sealed, &id).await {
        Ok(upload) => upload,
        Err(problem) => return refusal(problem),
    };
    let attachment = match upload.attachment(index) {
        Ok(attachment) => attachment,
        Err(problem) => return refusal(problem),
    };
    if offset != attachment.object.len() {
        return (StatusCode::CONFLICT, Json(UploadProgress { received: attachment.object.len() })).into_response();
    }
    let mut body = body;
    let mut received = Ok(());
    while let Some(frame) = body.frame().await {
        // A body cut short by a dropped connection keeps what arrived: the browser resumes from the
        // offset the server reports.
        let Ok(frame) = frame else { break };
        let Ok(chunk) = frame.into_data() else { continue };
        received = append_bytes(attachment, &chunk).await;
        if received.is_err() {
            break;
        }
    }
    let held = attachment.object.len();
    drop(upload);
    match received {
        Ok(()) => {
            sealed.uploads.touch(&id);
            Json(UploadProgress { received: held }).into_response()
        }
        Err(problem) => {
            end_refused(sealed, &id).await;
            refusal(problem)
        }
    }
}

/// Appends bytes to an attachment after checking them: within the declared length, and age
/// ciphertext for the office's keys so far.
async fn append_bytes(attachment: &mut IncomingAttachment, bytes: &[u8]) -> Result<(), TransportProblem> {
    if attachment.object.len() + bytes.len() as u64 > attachment.declared {
        return Err(TransportProblem::UploadMalformed);
    }
    attachment.check.update(bytes).map_err(super::inspect_problem)?;
    attachment.object.write(bytes).await.map_err(io_failure("cannot write an object file"))
}

/// Which attachment the next binary messages on an upload's socket extend.
#[derive(Deserialize)]
struct Position {
    index: usize,
}

/// Largest binary message on an upload socket: one encrypted slice (1 MiB of plaintext in 64 KiB age
/// chunks) with room to spare.
const MAX_SOCKET_MESSAGE: usize = 2 * 1024 * 1024;

/// `GET /api/uploads/{upload}/socket`: the upload as a WebSocket, the browser's normal path. A browser
/// sends each encrypted slice as one binary message, which the server appends whole or not at all; it
/// keeps no per-request objects, so the page's memory stays flat however large the file.
///
/// Text message `{"index": i}` selects the attachment that the following binary messages extend; the
/// server answers `{"received": N}`, the bytes it holds (after a dropped connection, where to resume),
/// and answers every binary message the same way. A refused message gets
/// a refusal (`{"outcome":"refused",…}`) and the close of the socket; the upload is ended.
pub async fn socket(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let (Ok(Path(id)), Ok(upgrade)) = (id, upgrade) else {
        return refusal(TransportProblem::UploadMalformed);
    };
    if state.submissions.sealed.uploads.get(&id).is_none() {
        return refusal(TransportProblem::UploadExpired);
    }
    let sealed = state.submissions.sealed.clone();
    upgrade
        .max_message_size(MAX_SOCKET_MESSAGE)
        .max_frame_size(MAX_SOCKET_MESSAGE)
        .on_upgrade(move |socket| serve_socket(sealed, id, socket))
}

async fn serve_socket(sealed: Arc<SealedTransport>, id: String, mut socket: WebSocket) {
    let mut position: Option<usize> = None;
    while let Some(Ok(message)) = socket.recv().await {
        let answer = match message {
            Message::Text(text) => select(&sealed, &id, text.as_str()).await.map(|(index, held)| {
                position = Some(index);
                held
            }),
            Message::Binary(bytes) => extend(&sealed, &id, position, &bytes).await,
            Message::Close(_) => break,
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        let reply = match answer {
            Ok(received) => {
                sealed.uploads.touch(&id);
                serde_json::to_string(&UploadProgress { received })
            }
            Err(problem) => {
                if problem != TransportProblem::UploadExpired {
                    end_refused(&sealed, &id).await;
                }
                serde_json::to_string(&refused_for(problem))
            }
        };
        if socket.send(Message::Text(reply.expect("JSON").into())).await.is_err() {
            break;
        }
        if answer.is_err() {
            let _ = socket.send(Message::Close(None)).await;
            break;
        }
    }
}

/// A text message `{"index": i}`: the attachment that the next binary messages extend, and the bytes
/// the server holds of it.
async fn select(sealed: &SealedTransport, id: &str, text: &str) -> Result<(usize, u64), TransportProblem> {
    let Position { index } = serde_json::from_str(text).map_err(|_| TransportProblem::UploadMalformed)?;
    let mut upload = lock_open(sealed, id).await?;
    Ok((index, upload.attachment(index)?.object.len()))
}

/// A binary message: appended whole to the selected attachment; the bytes the server then holds.
async fn extend(
    sealed: &SealedTransport,
    id: &str,
    position: Option<usize>,
    bytes: &[u8],
) -> Result<u64, TransportProblem> {
    let mut upload = lock_open(sealed, id).await?;
    let attachment = upload.attachment(position.ok_or(TransportProblem::UploadMalformed)?)?;
    append_bytes(attachment, bytes).await?;
    Ok(attachment.object.len())
}
