//! How the browser sends ciphertext (WASM only): plain requests for the small steps, and the
//! attachments' encrypted slices over the upload's WebSocket, one binary message per slice. A socket,
//! because Chromium keeps every HTTP request's body until a garbage collection that a page cannot ask
//! for: sending a 99 MiB file as 1 MiB PUTs grew the page by about 200 MiB, over the socket by about
//! 20 MiB (README, "Memory"). Where no WebSocket can be opened at all (a proxy that refuses it), slices
//! go as `PUT` requests instead. Either way a dropped connection is retried after a growing wait and
//! resumes from the bytes the server says it holds.

use crate::platform::problem::TransportProblem;
use crate::problem::Problem;
use crate::reporting::form::{FieldProblem, SubmissionOutcome, UploadProgress};
use js_sys::Promise;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{BinaryType, FormData, MessageEvent, ProgressEvent, WebSocket, XmlHttpRequest};

/// Retries of one slice after a dropped connection or a server error.
const SLICE_RETRIES: u32 = 6;

pub fn general(problem: impl Into<Problem>) -> Vec<FieldProblem> {
    vec![FieldProblem::general(problem)]
}

/// Waits after the `failures`-th failure in a row of one slice (2, 4, 8, 16, 32, 32 s); `Network` once
/// [`SLICE_RETRIES`] are used up.
async fn back_off(failures: &mut u32) -> Result<(), Vec<FieldProblem>> {
    *failures += 1;
    if *failures > SLICE_RETRIES {
        return Err(general(TransportProblem::Network));
    }
    sleep(1000 << (*failures).min(5)).await;
    Ok(())
}

/// Resolves after `milliseconds`; `sleep(0)` yields to the page (rendering, input) between steps.
pub async fn sleep(milliseconds: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, milliseconds);
    });
    let _ = JsFuture::from(promise).await;
}

/// What a request carries.
pub enum Body<'a> {
    Empty,
    Json(&'a str),
    Bytes(&'a [u8]),
    Form(&'a FormData),
}

/// An HTTP request whose answer is awaited; reports how many body bytes are sent so far. `Err` when the
/// server could not be reached or the connection dropped.
pub async fn request(
    method: &str,
    url: &str,
    body: Body<'_>,
    on_progress: impl FnMut(f64) + 'static,
) -> Result<(u16, String), ()> {
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

/// A request whose answer is binary (an age file); `Err` unless the server answered 200.
pub async fn request_bytes(method: &str, url: &str, json: &str) -> Result<Vec<u8>, ()> {
    let xhr = XmlHttpRequest::new().map_err(|_| ())?;
    xhr.open(method, url).map_err(|_| ())?;
    xhr.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
    xhr.set_request_header("content-type", "application/json").map_err(|_| ())?;
    let done = Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
    });
    xhr.send_with_opt_str(Some(json)).map_err(|_| ())?;
    JsFuture::from(done).await.map_err(|_| ())?;
    if xhr.status().map_err(|_| ())? != 200 {
        return Err(());
    }
    Ok(js_sys::Uint8Array::new(&xhr.response().map_err(|_| ())?).to_vec())
}

/// Offers decrypted bytes to the reader as a download named `name`; the object URL is revoked at once
/// after the click, so the plaintext does not stay reachable from the page.
pub fn save_as(bytes: &[u8], name: &str, media_type: &str) {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    if let Ok(link) = document.create_element("a").map(|e| e.unchecked_into::<web_sys::HtmlAnchorElement>()) {
        link.set_href(&url);
        link.set_download(name);
        let _ = document.body().map(|body| body.append_child(&link));
        link.click();
        link.remove();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

pub fn refused_problems(status: u16, body: &str) -> Vec<FieldProblem> {
    match serde_json::from_str::<SubmissionOutcome>(body) {
        Ok(SubmissionOutcome::Refused { problems, .. }) if !problems.is_empty() => problems,
        _ if status == 429 => general(TransportProblem::RateLimited),
        _ => general(TransportProblem::ServerError),
    }
}

/// Upload progress of a submission's attachments: bytes the server holds, plus those of the request
/// under way, out of `total`.
#[derive(Clone)]
pub struct Progress {
    held: Rc<std::cell::Cell<f64>>,
    total: f64,
    show: Rc<dyn Fn(f64)>,
}

impl Progress {
    pub fn new(total: u64, show: impl Fn(f64) + 'static) -> Self {
        Self { held: Default::default(), total: (total as f64).max(1.0), show: Rc::new(show) }
    }

    fn advance(&self, bytes: u64) {
        self.held.set(self.held.get() + bytes as f64);
        self.show(0.0);
    }

    pub fn show(&self, in_flight: f64) {
        (self.show)(((self.held.get() + in_flight) / self.total).min(1.0));
    }
}

/// Why one attempt to send a slice did not end with the server holding it.
enum Attempt {
    /// The connection could not be made or dropped: retry.
    Dropped,
    /// The server refused: stop and show why.
    Refused(Vec<FieldProblem>),
}

/// The server's answer to a slice: the bytes it holds, or why it refused.
fn held_from(answer: &str) -> Result<u64, Attempt> {
    if let Ok(UploadProgress { received }) = serde_json::from_str::<UploadProgress>(answer) {
        return Ok(received);
    }
    Err(Attempt::Refused(refused_problems(0, answer)))
}

/// Messages arrived on a socket, and a way to wait for the next.
#[derive(Default)]
struct Inbox {
    messages: VecDeque<String>,
    opened: bool,
    closed: bool,
    waiting: Option<js_sys::Function>,
}

impl Inbox {
    fn wake(&mut self) {
        if let Some(resolve) = self.waiting.take() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }
}

/// A WebSocket whose text answers are awaited in order.
struct Socket {
    ws: WebSocket,
    inbox: Rc<RefCell<Inbox>>,
    _handlers: [Closure<dyn FnMut(JsValue)>; 3],
}

impl Socket {
    async fn connect(url: &str) -> Result<Self, ()> {
        let ws = WebSocket::new(url).map_err(|_| ())?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let handler = |act: fn(&mut Inbox, JsValue)| {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let mut inbox = inbox.borrow_mut();
                act(&mut inbox, event);
                inbox.wake();
            })
        };
        let on_open = handler(|inbox, _| inbox.opened = true);
        let on_message = handler(|inbox, event| {
            if let Some(text) = event.dyn_ref::<MessageEvent>().and_then(|e| e.data().as_string()) {
                inbox.messages.push_back(text);
            }
        });
        let on_close = handler(|inbox, _| inbox.closed = true);
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // An error is always followed by a close; either ends the socket.
        ws.set_onerror(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let socket = Self { ws, inbox, _handlers: [on_open, on_message, on_close] };
        loop {
            let (opened, closed) = {
                let inbox = socket.inbox.borrow();
                (inbox.opened, inbox.closed)
            };
            match (opened, closed) {
                (_, true) => return Err(()),
                (true, false) => return Ok(socket),
                (false, false) => socket.wait().await,
            }
        }
    }

    async fn wait(&self) {
        let inbox = self.inbox.clone();
        let promise = Promise::new(&mut |resolve, _| inbox.borrow_mut().waiting = Some(resolve));
        let _ = JsFuture::from(promise).await;
    }

    /// The next text answer; `None` once the socket is closed.
    async fn next(&self) -> Option<String> {
        loop {
            {
                let mut inbox = self.inbox.borrow_mut();
                if let Some(message) = inbox.messages.pop_front() {
                    return Some(message);
                }
                if inbox.closed {
                    return None;
                }
            }
            self.wait().await;
        }
    }

    /// Sends a message and waits for the answer: the bytes the server holds.
    async fn exchange(&self, send: impl FnOnce(&WebSocket) -> Result<(), JsValue>) -> Result<u64, Attempt> {
        send(&self.ws).map_err(|_| Attempt::Dropped)?;
        held_from(&self.next().await.ok_or(Attempt::Dropped)?)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// Sends the slices of one upload's attachments, in order.
pub struct Uploader {
    upload: String,
    socket: Option<Socket>,
    /// The attachment the socket's binary messages extend, and the bytes the server holds of it.
    selected: Option<(usize, u64)>,
    /// Some WebSocket has opened for this upload; if none ever does, slices go as `PUT`s.
    sockets_work: bool,
    use_put: bool,
    progress: Progress,
}

impl Uploader {
    pub fn new(upload: String, progress: Progress) -> Self {
        Self { upload, socket: None, selected: None, sockets_work: false, use_put: false, progress }
    }

    /// Sends one encrypted slice of attachment `index` that starts at byte `start`; returns once the
    /// server holds it.
    pub async fn send(&mut self, index: usize, start: u64, bytes: &[u8]) -> Result<(), Vec<FieldProblem>> {
        let mut failures = 0;
        loop {
            if self.use_put {
                return put_slice(&self.upload, index, start, bytes, &self.progress).await;
            }
            match self.send_on_socket(index, start, bytes).await {
                Ok(()) => {
                    self.progress.advance(bytes.len() as u64);
                    return Ok(());
                }
                Err(Attempt::Refused(problems)) => return Err(problems),
                Err(Attempt::Dropped) => {
                    self.socket = None;
                    self.selected = None;
                    if !self.sockets_work {
                        self.use_put = true;
                        continue;
                    }
                    back_off(&mut failures).await?;
                }
            }
        }
    }

    async fn send_on_socket(&mut self, index: usize, start: u64, bytes: &[u8]) -> Result<(), Attempt> {
        if self.socket.is_none() {
            let url = socket_url(&self.upload).ok_or(Attempt::Dropped)?;
            self.socket = Some(Socket::connect(&url).await.map_err(|_| Attempt::Dropped)?);
            self.sockets_work = true;
        }
        let socket = self.socket.as_ref().expect("connected above");
        let mut held = match self.selected {
            Some((selected, held)) if selected == index => held,
            _ => {
                let select = format!(r#"{{"index":{index}}}"#);
                socket.exchange(|ws| ws.send_with_str(&select)).await?
            }
        };
        self.selected = Some((index, held));
        let end = start + bytes.len() as u64;
        // After a reconnect the server may already hold this slice: it appends a message whole or not
        // at all, so it holds either its start or its end.
        if held == start {
            held = socket.exchange(|ws| ws.send_with_u8_array(bytes)).await?;
            self.selected = Some((index, held));
        }
        if held == end { Ok(()) } else { Err(Attempt::Refused(general(TransportProblem::ServerError))) }
    }
}

fn socket_url(upload: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}/api/uploads/{upload}/socket", location.host().ok()?))
}

/// Sends one encrypted slice with `PUT`. The server's answer (`200`, or `409` for a wrong offset) says
/// how much it holds, so a retry sends only what is missing.
async fn put_slice(
    upload: &str,
    index: usize,
    start: u64,
    bytes: &[u8],
    progress: &Progress,
) -> Result<(), Vec<FieldProblem>> {
    let end = start + bytes.len() as u64;
    let mut held = start;
    let mut failures = 0;
    while held < end {
        let url = format!("{}/{upload}/{index}?offset={held}", super::API_UPLOADS);
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
        progress.advance(held - before);
        if held == before {
            back_off(&mut failures).await?;
        } else {
            failures = 0;
        }
    }
    Ok(())
}
