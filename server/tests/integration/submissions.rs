//! Submitting reports through the same router the binary serves: the browser's ciphertext path
//! (attachments uploaded slice by slice, then the report) and the no-JavaScript form path. Every bad input
//! gets its own answer and leaves nothing stored.

use crate::common;

use app::reporting::storage::reports::{count_reports, list_reports};
use axum::body::Body;
use envelope::report::{Category, EncryptedIn, Report};
use envelope::{Identity, Recipient};
use futures_util::{SinkExt, StreamExt};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use portal_server::config::{PortalConfig, set_key};
use portal_server::{AppState, router};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tower::ServiceExt;

struct Portal {
    app: axum::Router,
    state: AppState,
    office: Identity,
    dir: tempfile::TempDir,
}

/// A portal whose office key is freshly generated (so tests can decrypt), with `tweak` applied to the
/// configuration text.
async fn portal_with(tweak: impl Fn(String) -> String) -> Portal {
    let dir = tempfile::tempdir().unwrap();
    let office = Identity::generate();
    let text =
        common::valid_config(dir.path(), "127.0.0.1:0").replace(common::OFFICE_KEY, &office.to_public().to_string());
    let path = common::write_config(dir.path(), &tweak(text));
    let config = PortalConfig::load(&path).unwrap();
    let state = AppState::open(&config).await.unwrap();
    Portal { app: router(&config, state.clone()), state, office, dir }
}

async fn portal() -> Portal {
    portal_with(|text| text).await
}

enum Part<'a> {
    Text(&'a str, String),
    File(&'a str, Vec<u8>),
}

const BOUNDARY: &str = "----portal-test-boundary";

fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes());
                body.extend_from_slice(value.as_bytes());
            }
            Part::File(name, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}.age\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post(portal: &Portal, uri: &str, body: Vec<u8>) -> (StatusCode, String) {
    let request = Request::post(uri)
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(body))
        .unwrap();
    send(portal, request).await
}

async fn challenge(portal: &Portal) -> (String, u64) {
    let request = Request::post("/api/reports/challenge").body(Body::empty()).unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    let bits = body["bits"].as_u64().unwrap() as u32;
    assert_eq!(bits, 12, "the configured difficulty");
    let nonce = envelope::pow::solve(token.as_bytes(), bits, |_| {});
    (token, nonce)
}

async fn send(portal: &Portal, request: Request<Body>) -> (StatusCode, String) {
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// `POST /api/uploads` with this JSON.
async fn open_upload_with(portal: &Portal, request: Value) -> (StatusCode, String) {
    let request = Request::post("/api/uploads")
        .header("content-type", "application/json")
        .body(Body::from(request.to_string()))
        .unwrap();
    send(portal, request).await
}

/// An attachment object decrypted with the office key, its padding checked and cut off.
fn open_attachment(portal: &Portal, object: &[u8], size: usize) -> Vec<u8> {
    let plain = envelope::decrypt(std::slice::from_ref(&portal.office), object).unwrap();
    let mut unpadder = envelope::attachment::Unpadder::new(size as u64);
    let file = unpadder.take(&plain).to_vec();
    assert_eq!(unpadder.finish(), envelope::attachment::PaddingCheck::Padded, "zero bytes up to the Padmé length");
    file
}

/// Solves a challenge and opens an upload for attachments of these ciphertext lengths.
async fn open_upload(portal: &Portal, lengths: &[usize]) -> String {
    let (challenge, nonce) = challenge(portal).await;
    let (status, answer) =
        open_upload_with(portal, json!({ "challenge": challenge, "nonce": nonce, "lengths": lengths })).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    serde_json::from_str::<Value>(&answer).unwrap()["upload"].as_str().unwrap().to_string()
}

/// `PUT` one slice of attachment `index` at `offset`.
async fn put_slice(portal: &Portal, upload: &str, index: usize, offset: usize, body: Body) -> (StatusCode, String) {
    let request = Request::put(format!("/api/uploads/{upload}/{index}?offset={offset}"))
        .header("content-type", "application/octet-stream")
        .body(body)
        .unwrap();
    send(portal, request).await
}

fn received(answer: &str) -> u64 {
    serde_json::from_str::<Value>(answer).unwrap_or_else(|_| panic!("JSON answer: {answer}"))["received"]
        .as_u64()
        .unwrap()
}

/// Sends every attachment in uneven slices, checking the server's count after each.
async fn upload_whole(portal: &Portal, upload: &str, attachments: &[Vec<u8>]) {
    for (index, bytes) in attachments.iter().enumerate() {
        let mut offset = 0;
        for slice in bytes.chunks(70_001) {
            let (status, answer) = put_slice(portal, upload, index, offset, Body::from(slice.to_vec())).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            offset += slice.len();
            assert_eq!(received(&answer), offset as u64);
        }
    }
}

fn report_ciphertext(recipients: &[Recipient]) -> Vec<u8> {
    let report = Report::new("es-PE", Category::Soborno, "Me pidieron S/ 500".into(), EncryptedIn::Browser);
    envelope::encrypt(recipients, &report.to_padded_json(1 << 20).unwrap()).unwrap()
}

/// The parts of `POST /api/reports` naming `upload`, as the browser sends them.
fn report_parts(portal: &Portal, upload: &str) -> Vec<Part<'static>> {
    vec![
        Part::Text("upload", upload.to_string()),
        Part::Text("lookup_hash", "ab".repeat(32)),
        Part::Text("reply_recipient", Identity::generate().to_public().to_string()),
        Part::Text("key_id", "integridad-1".into()),
        Part::File("report", report_ciphertext(&[portal.office.to_public()])),
    ]
}

/// A complete browser submission of one 200 kB attachment (with `edit` applied to the report's parts);
/// the answer to `POST /api/reports`.
async fn submit(portal: &Portal, edit: impl FnOnce(&mut Vec<Part<'static>>)) -> (StatusCode, String) {
    let attachment = envelope::attachment::encrypt(&[portal.office.to_public()], &vec![7u8; 200_000]).unwrap();
    let upload = open_upload(portal, &[attachment.len()]).await;
    upload_whole(portal, &upload, &[attachment]).await;
    let mut parts = report_parts(portal, &upload);
    edit(&mut parts);
    post(portal, "/api/reports", multipart(&parts)).await
}

fn problem_code(body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON answer: {body}"));
    assert_eq!(value["outcome"], "refused", "{body}");
    value["problems"][0]["problem"].as_str().unwrap().to_string()
}

fn refused(answer: &(StatusCode, String)) -> (StatusCode, String) {
    (answer.0, problem_code(&answer.1))
}

/// Nothing of a refused submission remains: no report row, no object file, no open upload.
async fn assert_nothing_stored(portal: &Portal) {
    assert_eq!(count_reports(&portal.state.database).await.unwrap(), 0);
    assert_no_files_but_stored(portal).await;
    assert!(portal.state.submissions.sealed.uploads.is_empty(), "an upload is still open");
}

/// The object store holds exactly the stored reports' attachments, and nothing is half-written.
async fn assert_no_files_but_stored(portal: &Portal) {
    let objects = portal.dir.path().join("data/objects");
    let files = std::fs::read_dir(&objects).unwrap().filter_map(Result::ok).filter(|e| e.path().is_file()).count();
    let referenced = app::reporting::storage::reports::referenced_objects(&portal.state.database).await.unwrap().len();
    assert_eq!(files, referenced, "object files that no report refers to");
    assert_eq!(std::fs::read_dir(objects.join("incoming")).unwrap().count(), 0, "incoming files left behind");
}

fn code(status: StatusCode, problem: &str) -> (StatusCode, String) {
    (status, problem.to_string())
}

#[tokio::test]
async fn a_browser_submission_is_stored_whole_and_opens_with_the_office_key() {
    let portal = portal().await;
    let office = [portal.office.to_public()];
    let plaintexts = [vec![7u8; 200_000], b"acta".to_vec()];
    let attachments: Vec<Vec<u8>> =
        plaintexts.iter().map(|p| envelope::attachment::encrypt(&office, p).unwrap()).collect();
    let upload = open_upload(&portal, &attachments.iter().map(Vec::len).collect::<Vec<_>>()).await;
    upload_whole(&portal, &upload, &attachments).await;
    let (status, answer) = post(&portal, "/api/reports", multipart(&report_parts(&portal, &upload))).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["outcome"], "accepted");
    assert_eq!(answer["received_on"].as_str().unwrap().len(), 10);
    assert!(answer.get("receipt").is_none(), "the browser path never hears a receipt from the server");
    let stored = list_reports(&portal.state.database).await.unwrap();
    assert_eq!(stored.len(), 1);
    let report = &stored[0];
    assert_eq!(
        (report.encrypted_in.as_str(), report.key_ids.as_slice()),
        ("browser", &["integridad-1".to_string()][..])
    );
    let opened = envelope::decrypt(std::slice::from_ref(&portal.office), &report.ciphertext).unwrap();
    assert_eq!(Report::from_json(&opened).unwrap().description, "Me pidieron S/ 500");
    assert_eq!(report.attachments.len(), 2);
    for (stored, plaintext) in report.attachments.iter().zip(&plaintexts) {
        let object = std::fs::read(portal.dir.path().join("data/objects").join(&stored.name)).unwrap();
        assert_eq!(&open_attachment(&portal, &object, plaintext.len()), plaintext, "in order, byte for byte");
    }
    assert!(portal.state.submissions.sealed.uploads.is_empty(), "the upload was used up");
    assert_no_files_but_stored(&portal).await;
}

#[tokio::test]
async fn a_report_without_attachments_uses_an_empty_upload() {
    let portal = portal().await;
    let upload = open_upload(&portal, &[]).await;
    let (status, answer) = post(&portal, "/api/reports", multipart(&report_parts(&portal, &upload))).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert!(list_reports(&portal.state.database).await.unwrap()[0].attachments.is_empty());
}

#[tokio::test]
async fn an_upload_needs_a_fresh_proof_of_work() {
    let portal = portal().await;
    let (token, _) = challenge(&portal).await;
    let wrong = (0..).find(|n| !envelope::pow::is_solution(token.as_bytes(), 12, *n)).unwrap();
    let answer = open_upload_with(&portal, json!({ "challenge": token, "nonce": wrong, "lengths": [] })).await;
    assert_eq!(refused(&answer), code(StatusCode::FORBIDDEN, "proof_of_work_failed"));
    let answer = open_upload_with(&portal, json!({ "lengths": [] })).await;
    assert_eq!(refused(&answer), code(StatusCode::BAD_REQUEST, "upload_malformed"));
    let (token, nonce) = challenge(&portal).await;
    let first = open_upload_with(&portal, json!({ "challenge": token, "nonce": nonce, "lengths": [] })).await;
    assert_eq!(first.0, StatusCode::CREATED);
    let again = open_upload_with(&portal, json!({ "challenge": token, "nonce": nonce, "lengths": [] })).await;
    assert_eq!(refused(&again), code(StatusCode::FORBIDDEN, "proof_of_work_expired"));
    // A report naming no open upload is refused before anything is stored.
    let answer = post(&portal, "/api/reports", multipart(&report_parts(&portal, "no-such-upload"))).await;
    assert_eq!(refused(&answer), code(StatusCode::GONE, "upload_expired"));
}

#[tokio::test]
async fn an_upload_makes_one_report_at_most() {
    let portal = portal().await;
    let upload = open_upload(&portal, &[]).await;
    let (status, _) = post(&portal, "/api/reports", multipart(&report_parts(&portal, &upload))).await;
    assert_eq!(status, StatusCode::CREATED);
    let again = post(&portal, "/api/reports", multipart(&report_parts(&portal, &upload))).await;
    assert_eq!(refused(&again), code(StatusCode::GONE, "upload_expired"));
    let late_slice = put_slice(&portal, &upload, 0, 0, Body::from(vec![1u8; 10])).await;
    assert_eq!(refused(&late_slice), code(StatusCode::GONE, "upload_expired"));
    assert_eq!(count_reports(&portal.state.database).await.unwrap(), 1);
}

#[tokio::test]
async fn plaintext_is_refused_whether_report_or_attachment() {
    let portal = portal().await;
    let answer =
        submit(&portal, |parts| parts[4] = Part::File("report", br#"{"description":"texto plano"}"#.to_vec())).await;
    assert_eq!(refused(&answer), code(StatusCode::BAD_REQUEST, "not_encrypted"));
    let upload = open_upload(&portal, &[envelope::attachment::ciphertext_len(1000, 1) as usize]).await;
    let answer = put_slice(&portal, &upload, 0, 0, Body::from(b"%PDF-1.7 plain document".to_vec())).await;
    assert_eq!(refused(&answer), code(StatusCode::BAD_REQUEST, "not_encrypted"));
    let answer = put_slice(&portal, &upload, 0, 0, Body::from(b"age-encryption.org/v1\n".to_vec())).await;
    assert_eq!(refused(&answer), code(StatusCode::GONE, "upload_expired"), "a refused slice ends its upload");
    assert_eq!(expire_put_back_uploads(&portal).await, 1, "the plaintext report's upload waits for a retry");
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn the_wrong_recipients_are_refused() {
    let portal = portal().await;
    let two = [portal.office.to_public(), Identity::generate().to_public()];
    let answer = submit(&portal, |parts| parts[4] = Part::File("report", report_ciphertext(&two))).await;
    assert_eq!(refused(&answer), code(StatusCode::CONFLICT, "wrong_recipients"));
    let answer = submit(&portal, |parts| parts[3] = Part::Text("key_id", "retired-key".into())).await;
    assert_eq!(refused(&answer), code(StatusCode::CONFLICT, "wrong_recipients"));
    // Attachments padded and encrypted for two keys are refused when the upload opens, by their lengths.
    let attachment = envelope::attachment::encrypt(&two, b"acta").unwrap();
    let (token, nonce) = challenge(&portal).await;
    let answer =
        open_upload_with(&portal, json!({ "challenge": token, "nonce": nonce, "lengths": [attachment.len()] })).await;
    assert_eq!(refused(&answer), code(StatusCode::CONFLICT, "wrong_recipients"));
    // Bytes for two keys sent into an upload opened for one are refused as they arrive.
    let upload = open_upload(&portal, &[envelope::attachment::ciphertext_len(4, 1) as usize]).await;
    let answer = put_slice(&portal, &upload, 0, 0, Body::from(attachment[..1000].to_vec())).await;
    assert_eq!(refused(&answer), code(StatusCode::CONFLICT, "wrong_recipients"));
    assert_eq!(expire_put_back_uploads(&portal).await, 2, "the refused reports' uploads wait for a retry");
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn incomplete_and_malformed_uploads_are_refused() {
    let portal = portal().await;
    let office = [portal.office.to_public()];
    // An attachment short of its declared length cannot become a report, even if what arrived looks
    // like a whole age file.
    let whole = envelope::attachment::encrypt(&office, &vec![1u8; 150_000]).unwrap();
    let upload = open_upload(&portal, &[whole.len()]).await;
    upload_whole(&portal, &upload, &[whole[..whole.len() - 20_000].to_vec()]).await;
    let answer = post(&portal, "/api/reports", multipart(&report_parts(&portal, &upload))).await;
    assert_eq!(refused(&answer), code(StatusCode::BAD_REQUEST, "upload_truncated"));
    // A length no padded attachment can have is refused before anything is reserved.
    let (token, nonce) = challenge(&portal).await;
    let answer =
        open_upload_with(&portal, json!({ "challenge": token, "nonce": nonce, "lengths": [whole.len() - 1] })).await;
    assert_eq!(refused(&answer), code(StatusCode::BAD_REQUEST, "upload_malformed"));
    // Bytes past the declared length end the upload.
    let shorter = envelope::attachment::ciphertext_len(100_000, 1) as usize;
    assert!(shorter < whole.len());
    let upload = open_upload(&portal, &[shorter]).await;
    let answer = put_slice(&portal, &upload, 0, 0, Body::from(whole.clone())).await;
    assert_eq!(refused(&answer), code(StatusCode::BAD_REQUEST, "upload_malformed"));
    // The report's request is cut: no closing boundary.
    let upload = open_upload(&portal, &[whole.len()]).await;
    upload_whole(&portal, &upload, std::slice::from_ref(&whole)).await;
    let mut body = multipart(&report_parts(&portal, &upload));
    body.truncate(body.len() - 1000);
    let answer = post(&portal, "/api/reports", body).await;
    assert_eq!(answer.0, StatusCode::BAD_REQUEST, "{}", answer.1);
    assert!(["upload_truncated", "upload_malformed"].contains(&problem_code(&answer.1).as_str()), "{}", answer.1);
    let answer = post(&portal, "/api/reports", b"not multipart at all".to_vec()).await;
    assert_eq!(refused(&answer), code(StatusCode::BAD_REQUEST, "upload_malformed"));
    let answer = open_upload_with(&portal, json!({ "lengths": "many" })).await;
    assert_eq!(refused(&answer), code(StatusCode::BAD_REQUEST, "upload_malformed"));
    let answer = put_slice(&portal, "whatever", 0, 0, Body::empty()).await;
    assert_eq!(refused(&answer), code(StatusCode::GONE, "upload_expired"));
    // The cut report request was the report's fault, not its upload's: that one waits for a retry.
    assert_eq!(expire_put_back_uploads(&portal).await, 1);
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn an_interrupted_slice_resumes_from_what_the_server_holds() {
    let portal = portal().await;
    let office = [portal.office.to_public()];
    let plaintext: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let attachment = envelope::attachment::encrypt(&office, &plaintext).unwrap();
    let upload = open_upload(&portal, &[attachment.len()]).await;
    // The connection drops 100 000 bytes into a 250 000-byte slice.
    let cut: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(attachment[..100_000].to_vec()), Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "gone"))];
    let _ = put_slice(&portal, &upload, 0, 0, Body::from_stream(futures_util::stream::iter(cut))).await;
    // The browser retries the slice from where it started; the server says where it really is.
    let answer = put_slice(&portal, &upload, 0, 0, Body::from(attachment[..250_000].to_vec())).await;
    assert_eq!(answer.0, StatusCode::CONFLICT, "{}", answer.1);
    assert_eq!(received(&answer.1), 100_000);
    let answer = put_slice(&portal, &upload, 0, 100_000, Body::from(attachment[100_000..].to_vec())).await;
    assert_eq!((answer.0, received(&answer.1)), (StatusCode::OK, attachment.len() as u64));
    let (status, answer) = post(&portal, "/api/reports", multipart(&report_parts(&portal, &upload))).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let stored = &list_reports(&portal.state.database).await.unwrap()[0];
    let object = std::fs::read(portal.dir.path().join("data/objects").join(&stored.attachments[0].name)).unwrap();
    assert_eq!(open_attachment(&portal, &object, plaintext.len()), plaintext);
}

async fn serve(portal: &Portal) -> std::net::SocketAddr {
    common::serve(portal.app.clone()).await
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(address: std::net::SocketAddr, upload: &str) -> Socket {
    tokio_tungstenite::connect_async(format!("ws://{address}/api/uploads/{upload}/socket")).await.unwrap().0
}

/// Sends one message and returns the server's text answer.
async fn exchange(socket: &mut Socket, message: WsMessage) -> String {
    socket.send(message).await.unwrap();
    loop {
        match socket.next().await.expect("an answer").unwrap() {
            WsMessage::Text(text) => return text.to_string(),
            WsMessage::Ping(_) | WsMessage::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn select(index: usize) -> WsMessage {
    WsMessage::text(json!({ "index": index }).to_string())
}

#[tokio::test]
async fn the_upload_socket_takes_slices_and_resumes_after_a_dropped_connection() {
    let portal = portal().await;
    let address = serve(&portal).await;
    let office = [portal.office.to_public()];
    let plaintext: Vec<u8> = (0..400_000u32).map(|i| (i % 253) as u8).collect();
    let attachment = envelope::attachment::encrypt(&office, &plaintext).unwrap();
    let upload = open_upload(&portal, &[attachment.len()]).await;
    let mut socket = connect(address, &upload).await;
    assert_eq!(received(&exchange(&mut socket, select(0)).await), 0);
    assert_eq!(received(&exchange(&mut socket, WsMessage::binary(attachment[..150_000].to_vec())).await), 150_000);
    // The connection drops with a slice on its way: the server appends a message whole or not at all.
    socket.send(WsMessage::binary(attachment[150_000..300_000].to_vec())).await.unwrap();
    drop(socket);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let mut socket = connect(address, &upload).await;
    let held = received(&exchange(&mut socket, select(0)).await) as usize;
    assert!(held == 150_000 || held == 300_000, "held {held}");
    let answer = exchange(&mut socket, WsMessage::binary(attachment[held..].to_vec())).await;
    assert_eq!(received(&answer), attachment.len() as u64);
    socket.close(None).await.unwrap();
    let (status, answer) = post(&portal, "/api/reports", multipart(&report_parts(&portal, &upload))).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let stored = &list_reports(&portal.state.database).await.unwrap()[0];
    let object = std::fs::read(portal.dir.path().join("data/objects").join(&stored.attachments[0].name)).unwrap();
    assert_eq!(open_attachment(&portal, &object, plaintext.len()), plaintext);
}

/// A report the office could not open is not acknowledged: every document has one of a few exact
/// ciphertext lengths (its size class), so a cut or unpadded one is refused, and its upload with it.
#[tokio::test]
async fn a_report_cut_short_or_not_padded_is_refused() {
    let portal = portal().await;
    let whole = report_ciphertext(&[portal.office.to_public()]);
    let cut = whole[..whole.len() - 20].to_vec();
    let unpadded = envelope::encrypt(&[portal.office.to_public()], b"{}").unwrap();
    for document in [cut, unpadded] {
        let upload = open_upload(&portal, &[]).await;
        let mut parts = report_parts(&portal, &upload);
        parts.pop();
        parts.push(Part::File("report", document));
        let (status, answer) = post(&portal, "/api/reports", multipart(&parts)).await;
        assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::BAD_REQUEST, "upload_truncated"));
    }
    assert_eq!(expire_put_back_uploads(&portal).await, 2, "the refused reports' uploads wait for a retry");
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn the_upload_socket_refuses_bad_messages_and_ends_the_upload() {
    let portal = portal().await;
    let address = serve(&portal).await;
    // Bytes before any attachment is selected.
    let upload = open_upload(&portal, &[envelope::attachment::ciphertext_len(1000, 1) as usize]).await;
    let mut socket = connect(address, &upload).await;
    assert_eq!(problem_code(&exchange(&mut socket, WsMessage::binary(vec![1u8; 10])).await), "upload_malformed");
    // Plaintext: refused, and the upload is gone for every way in.
    let upload = open_upload(&portal, &[envelope::attachment::ciphertext_len(1000, 1) as usize]).await;
    let mut socket = connect(address, &upload).await;
    exchange(&mut socket, select(0)).await;
    let answer = exchange(&mut socket, WsMessage::binary(b"%PDF-1.7 plain document".to_vec())).await;
    assert_eq!(problem_code(&answer), "not_encrypted");
    let answer = put_slice(&portal, &upload, 0, 0, Body::empty()).await;
    assert_eq!(refused(&answer), code(StatusCode::GONE, "upload_expired"));
    let refused_upgrade = tokio_tungstenite::connect_async(format!("ws://{address}/api/uploads/{upload}/socket")).await;
    match refused_upgrade {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), StatusCode::GONE)
        }
        other => panic!("expected 410, got {other:?}"),
    }
    // An attachment index that does not exist.
    let upload = open_upload(&portal, &[envelope::attachment::ciphertext_len(1000, 1) as usize]).await;
    let mut socket = connect(address, &upload).await;
    assert_eq!(problem_code(&exchange(&mut socket, select(1)).await), "upload_malformed");
    assert_nothing_stored(&portal).await;
}

/// A seized disk tells the day of an arrival and nothing finer: a pass of the file-time stamper gives
/// today's attachment files and the object directories modification time 1970, the SQLite files the
/// pass's, and all of them a change time (ctime, which no program can set) of the pass, not of the
/// arrival.
#[tokio::test]
async fn file_times_tell_the_day_of_an_arrival_only() {
    use std::os::unix::fs::MetadataExt;
    let portal = portal().await;
    let (status, answer) = submit(&portal, |_| {}).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let name = list_reports(&portal.state.database).await.unwrap()[0].attachments[0].name.clone();
    let data = portal.dir.path().join("data");
    let object = data.join("objects").join(&name);
    let arrived = std::fs::metadata(&object).unwrap().ctime();
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;

    let restamper = portal_server::file_times::Restamper {
        store: portal.state.submissions.sealed.store.clone(),
        database: portal.state.database.clone(),
        sqlite_file: app::platform::database::sqlite_file(&format!("sqlite://{}/portal.db", data.display())),
    };
    let today = portal_server::today_in_lima();
    let stamped = restamper.pass(&today, &portal_server::day_before(&today)).await.unwrap();
    assert!(stamped >= 5, "the object, its two directories, the database and its directory: {stamped}");
    for path in [object, data.join("objects"), data.join("objects/incoming"), data.join("portal.db")] {
        let meta = std::fs::metadata(&path).unwrap();
        assert!(meta.ctime() > arrived, "{} still tells the second it was written", path.display());
        if path.ends_with("portal.db") {
            assert!(meta.mtime() > arrived, "the database shows the pass's time, which backups notice");
        } else {
            assert_eq!(meta.mtime(), 0, "{}", path.display());
        }
    }
    assert_eq!(portal_server::day_before("2027-03-01"), "2027-02-28");
}

/// A pass of the stamper leaves SQLite's locks alone. POSIX locks belong to the process and closing any
/// descriptor of a file releases all of them: when the stamper opened and closed the database's files,
/// the `sqlite3` CLI of the end-to-end tests took the database for unused, reset its WAL index, and the
/// server died of SIGBUS at its next access.
#[tokio::test]
async fn stamping_file_times_keeps_sqlite_s_locks() {
    let portal = portal().await;
    let (status, answer) = submit(&portal, |_| {}).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let data = portal.dir.path().join("data");
    let files = ["portal.db", "portal.db-wal", "portal.db-shm"].map(|name| data.join(name));
    let held = || files.iter().map(|file| posix_locks_held_on(file)).sum::<usize>();
    let before = held();
    assert!(before > 0, "SQLite holds locks on its files while connected");

    let restamper = portal_server::file_times::Restamper {
        store: portal.state.submissions.sealed.store.clone(),
        database: portal.state.database.clone(),
        sqlite_file: Some(files[0].clone()),
    };
    let today = portal_server::today_in_lima();
    let stamped = restamper.pass(&today, &portal_server::day_before(&today)).await.unwrap();
    assert!(stamped >= 4, "the database, its WAL, its WAL index and its directory: {stamped}");
    assert_eq!(held(), before, "the pass released SQLite's locks");
}

/// How many POSIX (fcntl) locks this process holds on `file`, from /proc/locks: lines such as
/// `1: POSIX  ADVISORY  READ 1234 fd:01:5678 128 128` (pid, then device and inode).
fn posix_locks_held_on(file: &std::path::Path) -> usize {
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(file).unwrap().ino().to_string();
    let pid = std::process::id().to_string();
    let locks = std::fs::read_to_string("/proc/locks").unwrap();
    locks
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|fields| {
            fields.get(1) == Some(&"POSIX")
                && fields.get(4) == Some(&pid.as_str())
                && fields.get(5).and_then(|device| device.rsplit(':').next()) == Some(inode.as_str())
        })
        .count()
}

/// Uploads whose report part was refused stay open for a retry until they go idle; this ends them as
/// the idle sweep would, and says how many there were.
async fn expire_put_back_uploads(portal: &Portal) -> usize {
    let submissions = &portal.state.submissions;
    submissions.sealed.uploads.expire(&submissions.sealed.store, std::time::Duration::ZERO).await
}

/// A report part refused for its own sake (here cut in transit) leaves its upload open: the browser
/// sends the report again without a new proof of work and without sending the files again.
#[tokio::test]
async fn a_refused_report_part_leaves_its_upload_for_a_retry() {
    let portal = portal().await;
    let plaintext = vec![7u8; 200_000];
    let attachment = envelope::attachment::encrypt(&[portal.office.to_public()], &plaintext).unwrap();
    let upload = open_upload(&portal, &[attachment.len()]).await;
    upload_whole(&portal, &upload, &[attachment]).await;
    let whole = report_ciphertext(&[portal.office.to_public()]);
    let mut parts = report_parts(&portal, &upload);
    parts[4] = Part::File("report", whole[..whole.len() - 20].to_vec());
    let answer = post(&portal, "/api/reports", multipart(&parts)).await;
    assert_eq!(refused(&answer), code(StatusCode::BAD_REQUEST, "upload_truncated"));
    assert_eq!(count_reports(&portal.state.database).await.unwrap(), 0);

    let (status, answer) = post(&portal, "/api/reports", multipart(&report_parts(&portal, &upload))).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let stored = list_reports(&portal.state.database).await.unwrap();
    assert_eq!((stored.len(), stored[0].attachments.len()), (1, 1));
    let object = std::fs::read(portal.dir.path().join("data/objects").join(&stored[0].attachments[0].name)).unwrap();
    assert_eq!(open_attachment(&portal, &object, plaintext.len()), plaintext);
    assert!(portal.state.submissions.sealed.uploads.is_empty(), "the upload was used up by the report");
    assert_no_files_but_stored(&portal).await;
}

#[tokio::test]
async fn an_idle_upload_expires_with_its_files() {
    let portal = portal().await;
    let attachment = envelope::attachment::encrypt(&[portal.office.to_public()], &vec![3u8; 100_000]).unwrap();
    let upload = open_upload(&portal, &[attachment.len()]).await;
    let answer = put_slice(&portal, &upload, 0, 0, Body::from(attachment[..50_000].to_vec())).await;
    assert_eq!(answer.0, StatusCode::OK);
    let submissions = &portal.state.submissions;
    assert_eq!(
        submissions.sealed.uploads.expire(&submissions.sealed.store, std::time::Duration::from_secs(60)).await,
        0,
        "not idle yet"
    );
    assert_eq!(submissions.sealed.uploads.expire(&submissions.sealed.store, std::time::Duration::ZERO).await, 1);
    let answer = put_slice(&portal, &upload, 0, 50_000, Body::from(attachment[50_000..].to_vec())).await;
    assert_eq!(refused(&answer), code(StatusCode::GONE, "upload_expired"));
    let answer = post(&portal, "/api/reports", multipart(&report_parts(&portal, &upload))).await;
    assert_eq!(refused(&answer), code(StatusCode::GONE, "upload_expired"));
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn uploads_over_the_limits_are_refused() {
    let portal = portal_with(|text| {
        let text = set_key(&text, "sealed_uploads.max_attachment_bytes", "100000");
        let text = set_key(&text, "sealed_uploads.max_attachments", "2");
        set_key(&text, "sealed_uploads.max_pending_upload_bytes", "150000")
    })
    .await;
    let (token, nonce) = challenge(&portal).await;
    // The limit is on files: their padded ciphertext may be longer, but no longer than that.
    let over = envelope::attachment::ciphertext_len(100_000, 1) + 1;
    let answer = open_upload_with(&portal, json!({ "challenge": token, "nonce": nonce, "lengths": [over] })).await;
    assert_eq!(refused(&answer), code(StatusCode::PAYLOAD_TOO_LARGE, "attachment_too_large"));
    let answer =
        open_upload_with(&portal, json!({ "challenge": token, "nonce": nonce, "lengths": [10, 10, 10] })).await;
    assert_eq!(refused(&answer), code(StatusCode::PAYLOAD_TOO_LARGE, "too_many_attachments"));
    // The declared sizes of open uploads share the disk budget: a second one waits for room.
    let (large, small) =
        (envelope::attachment::ciphertext_len(90_000, 1), envelope::attachment::ciphertext_len(60_000, 1));
    assert!(large <= 100_000 && large + small > 150_000, "{large} + {small}");
    let first = open_upload(&portal, &[large as usize]).await;
    let (token, nonce) = challenge(&portal).await;
    let answer = open_upload_with(&portal, json!({ "challenge": token, "nonce": nonce, "lengths": [small] })).await;
    assert_eq!(refused(&answer), code(StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    let submissions = &portal.state.submissions;
    submissions.sealed.uploads.expire(&submissions.sealed.store, std::time::Duration::ZERO).await;
    open_upload(&portal, &[small as usize]).await;
    let answer = put_slice(&portal, &first, 0, 0, Body::empty()).await;
    assert_eq!(refused(&answer), code(StatusCode::GONE, "upload_expired"));
}

#[tokio::test]
async fn the_global_rate_limit_answers_429() {
    let portal = portal_with(|text| set_key(&text, "sealed_uploads.submissions_per_minute", "1")).await;
    // Requests without a valid proof of work do not use up the rate: only paid-for uploads count.
    for _ in 0..3 {
        let answer = open_upload_with(&portal, json!({ "challenge": "forged", "nonce": 0, "lengths": [] })).await;
        assert_eq!(refused(&answer), code(StatusCode::FORBIDDEN, "proof_of_work_failed"));
    }
    let (status, answer) = submit(&portal, |_| {}).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let (token, nonce) = challenge(&portal).await;
    let answer = open_upload_with(&portal, json!({ "challenge": token, "nonce": nonce, "lengths": [] })).await;
    assert_eq!(refused(&answer), code(StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
}

/// The plain form cannot pay a proof of work: it pays with its ticket, and has a budget of its own. The
/// flood of the outside test (forms with no ticket, as `curl -F` sends them), forged tickets, malformed
/// and invalid forms, and one good ticket replayed: only that one report is stored, none of the rest
/// uses the budget, and the browser path's budget stays whole.
#[tokio::test]
async fn a_flood_of_plain_forms_cannot_stop_the_browser_path() {
    let portal = portal_with(|text| {
        let text = set_key(&text, "sealed_uploads.submissions_per_minute", "1");
        set_key(&text, "reporting.plain_form_reports_per_minute", "2")
    })
    .await;
    let fields = [("description", "Cobro indebido en ventanilla"), ("category", "otro")];
    const ROUNDS: usize = 30;
    let mut refused = 0;
    for _ in 0..ROUNDS {
        refused += 4;
        let request = Request::post("/denuncia/enviar")
            .header("content-type", "multipart/form-data")
            .body(Body::from("no boundary"))
            .unwrap();
        assert_eq!(send(&portal, request).await.0, StatusCode::BAD_REQUEST);
        let mut without_ticket: Vec<Part> = fields.map(|(name, value)| Part::Text(name, value.to_string())).into();
        without_ticket.push(Part::File("attachments", vec![1u8; 100_000]));
        let (status, page) = post(&portal, "/denuncia/enviar", multipart(&without_ticket)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(page.contains("ya no es válido") && page.contains("Cobro indebido en ventanilla"), "{page}");
        assert!(common::form_ticket_in(&page).is_some_and(|new| !new.is_empty()), "the form comes back with a ticket");
        let (status, _) = post(&portal, "/denuncia/enviar", multipart(&form("00.00", &fields))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a forged ticket");
        let empty = form(&ticket(&portal), &[("description", " "), ("category", "otro")]);
        assert_eq!(post(&portal, "/denuncia/enviar", multipart(&empty)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_nothing_stored(&portal).await;
    let replayed = ticket(&portal);
    assert_eq!(post(&portal, "/denuncia/enviar", multipart(&form(&replayed, &fields))).await.0, StatusCode::OK);
    let (status, page) = post(&portal, "/denuncia/enviar", multipart(&form(&replayed, &fields))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a spent ticket: {page}");
    let valid = || multipart(&form(&ticket(&portal), &fields));
    assert_eq!(post(&portal, "/denuncia/enviar", valid()).await.0, StatusCode::OK, "refused forms used no budget");
    let (status, page) = post(&portal, "/denuncia/enviar", valid()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("demasiados envíos"), "{page}");
    assert!(page.contains("Cobro indebido en ventanilla"), "the refused form keeps what was typed");
    let (status, answer) = submit(&portal, |_| {}).await;
    assert_eq!(status, StatusCode::CREATED, "the browser path still gets through: {answer}");
    assert_eq!(count_reports(&portal.state.database).await.unwrap(), 3);
    common::figure(&format!(
        "plain-form flood: {refused} refused forms (no boundary, no ticket with a 100 KB file, forged ticket, \
         empty description; {ROUNDS} of each) stored nothing and used no budget; a replayed ticket stored once; \
         past the plain-form budget (2 a minute) a good form got 429 with its text kept, and the browser path \
         then got 201; {} reports stored",
        count_reports(&portal.state.database).await.unwrap()
    ));
}

/// One ticket sent many times at once is held by one submission: a single report is stored.
#[tokio::test]
async fn a_ticket_replayed_in_parallel_stores_one_report() {
    let portal = portal().await;
    let body = multipart(&form(&ticket(&portal), &[("description", "Cobro indebido"), ("category", "otro")]));
    let answers =
        futures_util::future::join_all((0..12).map(|_| post(&portal, "/denuncia/enviar", body.clone()))).await;
    let accepted = answers.iter().filter(|(status, _)| *status == StatusCode::OK).count();
    let refused = answers.iter().filter(|(status, _)| *status == StatusCode::FORBIDDEN).count();
    assert_eq!((accepted, refused), (1, 11));
    assert_eq!(count_reports(&portal.state.database).await.unwrap(), 1);
}

/// A form sent sooner than a person could write one is refused without reading its files, shown again
/// with what was typed and the same ticket (which keeps ageing); sent again after the wait, it is stored.
#[tokio::test]
async fn a_plain_form_sent_too_soon_is_kept_until_its_wait_is_over() {
    let portal = portal_with(|text| set_key(&text, "reporting.plain_form_wait_seconds", "2")).await;
    let (status, page) = send(&portal, Request::get("/denuncia/formulario").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let first = common::form_ticket_in(&page).expect("the form carries a ticket");
    let mut parts = form(&first, &[("description", "El inspector pidió dinero"), ("category", "soborno")]);
    parts.push(Part::File("attachments", b"contenido del acta".to_vec()));
    let (status, page) = post(&portal, "/denuncia/enviar", multipart(&parts)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("espere 2 segundos") && page.contains("El inspector pidió dinero"), "{page}");
    assert_eq!(common::form_ticket_in(&page), Some(first), "the page shown again keeps the ticket");
    assert_nothing_stored(&portal).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, page) = post(&portal, "/denuncia/enviar", multipart(&parts)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Denuncia recibida"));
    assert_eq!(app::reporting::storage::reports::referenced_objects(&portal.state.database).await.unwrap().len(), 1);
}

/// A plain form as a browser sends it: its ticket first, then `fields`.
fn form(ticket: &str, fields: &[(&'static str, &str)]) -> Vec<Part<'static>> {
    std::iter::once(Part::Text("form_ticket", ticket.to_string()))
        .chain(fields.iter().map(|(name, value)| Part::Text(name, value.to_string())))
        .collect()
}

/// A new form ticket, as the form page would carry.
fn ticket(portal: &Portal) -> String {
    portal.state.submissions.form_tickets.issue()
}

#[tokio::test]
async fn the_no_script_form_refuses_with_messages_and_keeps_what_was_typed() {
    let portal = portal().await;
    let parts = form(
        &ticket(&portal),
        &[
            ("description", "   "),
            ("category", ""),
            ("place", "Parque Kennedy, frente a la municipalidad"),
            ("email", "rosa@ejemplo.pe"),
        ],
    );
    let (status, page) = post(&portal, "/denuncia/enviar", multipart(&parts)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Hay un problema"), "{page}");
    assert!(page.contains("href=\"#description\"") && page.contains("Escriba qué pasó"));
    assert!(page.contains("Elija el tipo de hecho"));
    assert!(page.contains("Marque la casilla"), "details typed without the box ticked are questioned");
    assert!(page.contains("value=\"Parque Kennedy, frente a la municipalidad\""), "typed values are kept");
    assert!(page.contains("value=\"rosa@ejemplo.pe\""));
    let (status, page) = post(&portal, "/en/denuncia/enviar", multipart(&parts)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("There is a problem") && page.contains("Write what happened"), "{page}");
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn the_no_script_form_encrypts_on_the_server_and_shows_the_receipt() {
    let portal = portal().await;
    let mut parts = form(
        &ticket(&portal),
        &[
            ("description", "El inspector pidió dinero para no multar"),
            ("category", "soborno"),
            ("share_identity", "yes"),
            ("names", "Rosa"),
            ("lives_in_district", "no"),
        ],
    );
    parts.push(Part::File("attachments", b"contenido del acta".to_vec()));
    let (status, page) = post(&portal, "/denuncia/enviar", multipart(&parts)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Denuncia recibida"));
    let receipt = page
        .split("id=\"receipt-number\" class=\"receipt__number\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap();
    let keys = envelope::receipt::Receipt::parse(receipt).expect("a valid receipt").derive_keys();
    let stored = list_reports(&portal.state.database).await.unwrap();
    assert_eq!(stored.len(), 1);
    let stored = &stored[0];
    assert_eq!(stored.lookup_hash, keys.lookup_hash(), "the receipt finds the report");
    assert_eq!(stored.reply_recipient, keys.reply_identity.to_public().to_string());
    assert_eq!(stored.encrypted_in, "server");
    let report =
        Report::from_json(&envelope::decrypt(std::slice::from_ref(&portal.office), &stored.ciphertext).unwrap())
            .unwrap();
    assert_eq!(report.description, "El inspector pidió dinero para no multar");
    assert_eq!(report.encrypted_in, EncryptedIn::Server);
    let identity = report.identity.unwrap();
    assert_eq!((identity.names.as_str(), identity.lives_in_district), ("Rosa", Some(false)));
    assert_eq!(report.attachments[0].name, "attachments.age");
    let object = std::fs::read(portal.dir.path().join("data/objects").join(&stored.attachments[0].name)).unwrap();
    assert_eq!(open_attachment(&portal, &object, 18), b"contenido del acta");
    assert_eq!(
        report.attachments[0].ciphertext_sha256,
        envelope::hex_lower(&<sha2::Sha256 as sha2::Digest>::digest(&object))
    );
}

#[tokio::test]
async fn a_no_script_upload_cut_inside_an_attachment_leaves_no_file() {
    let portal = portal().await;
    let mut parts = form(&ticket(&portal), &[("description", "Cobro indebido"), ("category", "soborno")]);
    parts.push(Part::File("attachments", vec![9u8; 300_000]));
    let mut body = multipart(&parts);
    body.truncate(body.len() - 100_000);
    let (status, page) = post(&portal, "/denuncia/enviar", body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert_nothing_stored(&portal).await;
}

/// Pages rendered many at a time through a real socket on a multi-threaded runtime, as under load:
/// refused plain forms of two kinds mixed with other pages. Leptos polled a render after a yield
/// without its reactive owner, on whatever thread the task resumed: 198 of 2,000 such requests got no
/// answer (the render panicked reading the title's signal in another request's arena), and a render
/// could read another render's values. Every page must arrive whole, with its own problems only.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_rendered_concurrently_are_answered_whole_and_alone() {
    let portal = portal().await;
    let address = serve(&portal).await;
    const NO_DESCRIPTION: &str = "Escriba qué pasó";
    const NO_CATEGORY: &str = "Elija el tipo de hecho";
    let semaphore = std::sync::Arc::new(tokio::sync::Semaphore::new(24));
    // Refused forms give their ticket back, so one serves them all.
    let ticket = std::sync::Arc::new(ticket(&portal));
    let mut tasks = Vec::new();
    for i in 0..2000 {
        let semaphore = semaphore.clone();
        let ticket = ticket.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = semaphore.acquire_owned().await.unwrap();
            let (request, expected) = match i % 4 {
                0 | 1 => {
                    let (fields, own, other) = if i % 4 == 0 {
                        (form(&ticket, &[("description", ""), ("category", "soborno")]), NO_DESCRIPTION, NO_CATEGORY)
                    } else {
                        (
                            form(&ticket, &[("description", "Cobro indebido"), ("category", "bogus")]),
                            NO_CATEGORY,
                            NO_DESCRIPTION,
                        )
                    };
                    let body = multipart(&fields);
                    let mut request = format!(
                        "POST /denuncia/enviar HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\
                         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    request.extend_from_slice(&body);
                    (request, Some((own, other)))
                }
                kind => {
                    let path = if kind == 2 { "/" } else { "/transparencia" };
                    (format!("GET {path} HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\r\n").into_bytes(), None)
                }
            };
            (common::raw_http(address, &request).await, expected)
        }));
    }
    let mut unanswered = 0;
    for task in tasks {
        let (answer, expected) = task.await.unwrap();
        if answer.is_empty() {
            unanswered += 1;
            continue;
        }
        assert!(answer.contains("</html>"), "the page was cut: …{}", &answer[answer.len().saturating_sub(200)..]);
        let status = answer.lines().next().unwrap_or_default();
        match expected {
            Some((own, other)) => {
                assert!(status.contains(" 4"), "{status}");
                assert!(
                    answer.contains("Hay un problema") && answer.contains(own),
                    "{status}: its own problem is shown"
                );
                assert!(!answer.contains(other), "another render's problem leaked into this page");
            }
            None => assert!(status.contains(" 200 "), "{status}"),
        }
    }
    assert_eq!(unanswered, 0, "of 2,000 requests, {unanswered} got no answer (a render panicked)");
}

/// Writes `head` and `body` on a new connection and returns it, open, without reading an answer.
async fn start_raw(address: std::net::SocketAddr, head: String, body: &[u8]) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    stream
}

/// The browser may send a report again before the server has noticed that the first request's
/// connection dropped (Chromium resends a request on a reused connection at once): the resend waits
/// for the cut request to end and put the upload back, instead of finding it taken.
#[tokio::test]
async fn a_resend_that_overtakes_the_cut_request_waits_for_its_upload() {
    let portal = portal().await;
    let address = serve(&portal).await;
    let attachment = envelope::attachment::encrypt(&[portal.office.to_public()], &[5u8; 50_000]).unwrap();
    let upload = open_upload(&portal, &[attachment.len()]).await;
    upload_whole(&portal, &upload, &[attachment]).await;
    let body = multipart(&report_parts(&portal, &upload));
    let head = format!(
        "POST /api/reports HTTP/1.1\r\nhost: portal\r\n\
         content-type: multipart/form-data; boundary={BOUNDARY}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    // The first request has sent half of its body: the server holds the upload for it.
    let first = start_raw(address, head, &body[..body.len() / 2]).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let resend = tokio::spawn({
        let (app, body) = (portal.app.clone(), body.clone());
        async move {
            let request = Request::post("/api/reports")
                .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
                .body(Body::from(body))
                .unwrap();
            let response = app.oneshot(request).await.unwrap();
            let status = response.status();
            (status, String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned())
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!resend.is_finished(), "the resend waits while the first request holds the upload");
    drop(first);
    let (status, answer) = resend.await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(count_reports(&portal.state.database).await.unwrap(), 1);
    assert!(portal.state.submissions.sealed.uploads.is_empty(), "the upload was used up by the report");
    assert_no_files_but_stored(&portal).await;
}

/// A lookup hash names one case: a client that sends one already in use (the browser draws a new
/// token for every report) gets a clear refusal, not a server error.
#[tokio::test]
async fn a_lookup_hash_already_in_use_is_refused() {
    let portal = portal().await;
    assert_eq!(submit(&portal, |_| {}).await.0, StatusCode::CREATED);
    let answer = submit(&portal, |_| {}).await;
    assert_eq!(refused(&answer), code(StatusCode::BAD_REQUEST, "upload_malformed"));
    assert_eq!(count_reports(&portal.state.database).await.unwrap(), 1);
    assert_no_files_but_stored(&portal).await;
}
