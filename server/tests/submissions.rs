//! Submitting reports through the same router the binary serves: the browser's ciphertext path and the
//! no-JavaScript form path. Every bad input gets its own answer and leaves nothing stored.

mod common;

use app::storage::reports::{count_reports, list_reports};
use axum::body::Body;
use envelope::report::{Category, EncryptedIn, Report};
use envelope::{Identity, Recipient};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use portal_server::config::PortalConfig;
use portal_server::{AppState, router};
use serde_json::Value;
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
    let text = common::valid_config(dir.path(), "127.0.0.1:0").replace(common::OFFICE_KEY, &office.to_public().to_string());
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
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}.age\"\r\nContent-Type: application/octet-stream\r\n\r\n")
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
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
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

fn report_ciphertext(recipients: &[Recipient]) -> Vec<u8> {
    let report = Report::new("es-PE", Category::Soborno, "Me pidieron S/ 500".into(), EncryptedIn::Browser);
    envelope::encrypt(recipients, &report.to_padded_json(1 << 20).unwrap()).unwrap()
}

/// A complete, valid browser submission, with `edit` applied to its parts.
async fn submission(portal: &Portal, edit: impl FnOnce(&mut Vec<Part<'static>>)) -> Vec<u8> {
    submission_declaring(portal, edit, |_| {}).await
}

/// Like [`submission`], with `declare` applied to the declared file lengths.
async fn submission_declaring(
    portal: &Portal,
    edit: impl FnOnce(&mut Vec<Part<'static>>),
    declare: impl FnOnce(&mut Vec<usize>),
) -> Vec<u8> {
    let (token, nonce) = challenge(portal).await;
    let office = [portal.office.to_public()];
    let mut parts = vec![
        Part::Text("challenge", token),
        Part::Text("nonce", nonce.to_string()),
        Part::Text("lookup_hash", "ab".repeat(32)),
        Part::Text("reply_recipient", Identity::generate().to_public().to_string()),
        Part::Text("key_id", "integridad-1".into()),
        Part::File("report", report_ciphertext(&office)),
        Part::File("attachment", envelope::encrypt(&office, &vec![7u8; 200_000]).unwrap()),
    ];
    edit(&mut parts);
    // Declare the files' lengths as the browser does (after any edit, so they match what is sent).
    let mut lengths: Vec<usize> =
        parts.iter().filter_map(|p| if let Part::File(_, bytes) = p { Some(bytes.len()) } else { None }).collect();
    declare(&mut lengths);
    let lengths: Vec<String> = lengths.iter().map(usize::to_string).collect();
    let first_file = parts.iter().position(|p| matches!(p, Part::File(..))).unwrap_or(parts.len());
    parts.insert(first_file, Part::Text("lengths", lengths.join(",")));
    multipart(&parts)
}

fn problem_code(body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON answer: {body}"));
    assert_eq!(value["outcome"], "refused", "{body}");
    value["problems"][0]["problem"].as_str().unwrap().to_string()
}

/// Nothing of a refused submission remains: no report row, no object file.
async fn assert_nothing_stored(portal: &Portal) {
    assert_eq!(count_reports(&portal.state.database).await.unwrap(), 0);
    let objects = portal.dir.path().join("data/objects");
    let files: Vec<_> = std::fs::read_dir(&objects).unwrap().filter_map(Result::ok).filter(|e| e.path().is_file()).collect();
    assert!(files.is_empty(), "objects left behind: {files:?}");
    assert_eq!(std::fs::read_dir(objects.join("incoming")).unwrap().count(), 0, "incoming files left behind");
}

#[tokio::test]
async fn a_browser_submission_is_stored_whole_and_opens_with_the_office_key() {
    let portal = portal().await;
    let body = submission(&portal, |_| {}).await;
    let (status, answer) = post(&portal, "/api/reports", body).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["outcome"], "accepted");
    assert_eq!(answer["received_on"].as_str().unwrap().len(), 10);
    assert!(answer.get("receipt").is_none(), "the browser path never hears a receipt from the server");
    let stored = list_reports(&portal.state.database).await.unwrap();
    assert_eq!(stored.len(), 1);
    let report = &stored[0];
    assert_eq!((report.encrypted_in.as_str(), report.key_ids.as_slice()), ("browser", &["integridad-1".to_string()][..]));
    let opened = envelope::decrypt(std::slice::from_ref(&portal.office), &report.ciphertext).unwrap();
    assert_eq!(Report::from_json(&opened).unwrap().description, "Me pidieron S/ 500");
    let attachment = std::fs::read(portal.dir.path().join("data/objects").join(&report.attachments[0].name)).unwrap();
    assert_eq!(envelope::decrypt(std::slice::from_ref(&portal.office), &attachment).unwrap(), vec![7u8; 200_000]);
}

#[tokio::test]
async fn a_wrong_proof_of_work_is_refused() {
    let portal = portal().await;
    let body = submission(&portal, |parts| {
        let Part::Text(_, token) = &parts[0] else { unreachable!() };
        let wrong = (0..).find(|n| !envelope::pow::is_solution(token.as_bytes(), 12, *n)).unwrap();
        parts[1] = Part::Text("nonce", wrong.to_string());
    })
    .await;
    let (status, answer) = post(&portal, "/api/reports", body).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::FORBIDDEN, "proof_of_work_failed"));
    let no_proof = submission(&portal, |parts| {
        parts.drain(0..2);
    })
    .await;
    let (status, answer) = post(&portal, "/api/reports", no_proof).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::FORBIDDEN, "proof_of_work_failed"));
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn a_proof_of_work_is_used_once() {
    let portal = portal().await;
    let first = submission(&portal, |_| {}).await;
    let (status, _) = post(&portal, "/api/reports", first.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, answer) = post(&portal, "/api/reports", first).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::FORBIDDEN, "proof_of_work_expired"));
    assert_eq!(count_reports(&portal.state.database).await.unwrap(), 1);
}

#[tokio::test]
async fn plaintext_is_refused_whether_report_or_attachment() {
    let portal = portal().await;
    let body = submission(&portal, |parts| parts[5] = Part::File("report", br#"{"description":"texto plano"}"#.to_vec())).await;
    let (status, answer) = post(&portal, "/api/reports", body).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::BAD_REQUEST, "not_encrypted"));
    let body = submission(&portal, |parts| parts[6] = Part::File("attachment", b"%PDF-1.7 plain document".to_vec())).await;
    let (status, answer) = post(&portal, "/api/reports", body).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::BAD_REQUEST, "not_encrypted"));
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn the_wrong_recipients_are_refused() {
    let portal = portal().await;
    let two = [portal.office.to_public(), Identity::generate().to_public()];
    let body = submission(&portal, |parts| parts[5] = Part::File("report", report_ciphertext(&two))).await;
    let (status, answer) = post(&portal, "/api/reports", body).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::CONFLICT, "wrong_recipients"));
    let body = submission(&portal, |parts| parts[4] = Part::Text("key_id", "retired-key".into())).await;
    let (status, answer) = post(&portal, "/api/reports", body).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::CONFLICT, "wrong_recipients"));
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn truncated_and_malformed_uploads_are_refused() {
    let portal = portal().await;
    let office = [portal.office.to_public()];
    // Cut inside a chunk: the rest still looks like a short last chunk, but not like the declared length.
    let whole = envelope::encrypt(&office, &vec![1u8; 150_000]).unwrap();
    let body = submission_declaring(
        &portal,
        |parts| parts[6] = Part::File("attachment", whole[..whole.len() - 20_000].to_vec()),
        |lengths| lengths[1] = whole.len(),
    )
    .await;
    let (status, answer) = post(&portal, "/api/reports", body).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::BAD_REQUEST, "upload_truncated"));
    // The connection drops mid-upload: the body ends without its closing boundary.
    let mut body = submission(&portal, |_| {}).await;
    body.truncate(body.len() - 100_000);
    let (status, answer) = post(&portal, "/api/reports", body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert!(["upload_truncated", "upload_malformed"].contains(&problem_code(&answer).as_str()), "{answer}");
    let (status, answer) = post(&portal, "/api/reports", b"not multipart at all".to_vec()).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::BAD_REQUEST, "upload_malformed"));
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn attachments_over_the_limits_are_refused() {
    let portal = portal_with(|text| {
        text.replace("max_attachment_bytes = 104857600", "max_attachment_bytes = 100000")
            .replace("max_attachments = 10", "max_attachments = 1")
    })
    .await;
    let body = submission(&portal, |_| {}).await;
    let (status, answer) = post(&portal, "/api/reports", body).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "attachment_too_large"));
    let office = [portal.office.to_public()];
    let body = submission(&portal, |parts| {
        parts[6] = Part::File("attachment", envelope::encrypt(&office, b"one").unwrap());
        parts.push(Part::File("attachment", envelope::encrypt(&office, b"two").unwrap()));
    })
    .await;
    let (status, answer) = post(&portal, "/api/reports", body).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too_many_attachments"));
    assert_nothing_stored(&portal).await;
}

#[tokio::test]
async fn the_global_rate_limit_answers_429() {
    let portal = portal_with(|text| text.replace("reports_per_minute = 30", "reports_per_minute = 1")).await;
    let (status, _) = post(&portal, "/api/reports", submission(&portal, |_| {}).await).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, answer) = post(&portal, "/api/reports", submission(&portal, |_| {}).await).await;
    assert_eq!((status, problem_code(&answer).as_str()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    let form = multipart(&[Part::Text("description", "x".into()), Part::Text("category", "otro".into())]);
    let (status, page) = post(&portal, "/denuncia/enviar", form).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("demasiados envíos"), "{page}");
}

fn form(fields: &[(&'static str, &str)]) -> Vec<Part<'static>> {
    fields.iter().map(|(name, value)| Part::Text(name, value.to_string())).collect()
}

#[tokio::test]
async fn the_no_script_form_refuses_with_messages_and_keeps_what_was_typed() {
    let portal = portal().await;
    let parts = form(&[
        ("description", "   "),
        ("category", ""),
        ("place", "Parque Kennedy, frente a la municipalidad"),
        ("email", "rosa@ejemplo.pe"),
    ]);
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
    let mut parts = form(&[
        ("description", "El inspector pidió dinero para no multar"),
        ("category", "soborno"),
        ("share_identity", "yes"),
        ("names", "Rosa"),
        ("lives_in_district", "no"),
    ]);
    parts.push(Part::File("attachments", b"contenido del acta".to_vec()));
    let (status, page) = post(&portal, "/denuncia/enviar", multipart(&parts)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Denuncia recibida"));
    let receipt = page.split("id=\"receipt-number\" class=\"receipt__number\">").nth(1).and_then(|rest| rest.split('<').next()).unwrap();
    let keys = envelope::receipt::Receipt::parse(receipt).expect("a valid receipt").derive_keys();
    let stored = list_reports(&portal.state.database).await.unwrap();
    assert_eq!(stored.len(), 1);
    let stored = &stored[0];
    assert_eq!(stored.lookup_hash, keys.lookup_hash(), "the receipt finds the report");
    assert_eq!(stored.reply_recipient, keys.reply_identity.to_public().to_string());
    assert_eq!(stored.encrypted_in, "server");
    let report = Report::from_json(&envelope::decrypt(std::slice::from_ref(&portal.office), &stored.ciphertext).unwrap()).unwrap();
    assert_eq!(report.description, "El inspector pidió dinero para no multar");
    assert_eq!(report.encrypted_in, EncryptedIn::Server);
    let identity = report.identity.unwrap();
    assert_eq!((identity.names.as_str(), identity.lives_in_district), ("Rosa", Some(false)));
    assert_eq!(report.attachments[0].name, "attachments.age");
    let object = std::fs::read(portal.dir.path().join("data/objects").join(&stored.attachments[0].name)).unwrap();
    assert_eq!(envelope::decrypt(std::slice::from_ref(&portal.office), &object).unwrap(), b"contenido del acta");
    assert_eq!(report.attachments[0].ciphertext_sha256, envelope::hex_lower(&<sha2::Sha256 as sha2::Digest>::digest(&object)));
}

#[tokio::test]
async fn a_no_script_upload_cut_inside_an_attachment_leaves_no_file() {
    let portal = portal().await;
    let mut parts = form(&[("description", "Cobro indebido"), ("category", "soborno")]);
    parts.push(Part::File("attachments", vec![9u8; 300_000]));
    let mut body = multipart(&parts);
    body.truncate(body.len() - 100_000);
    let (status, page) = post(&portal, "/denuncia/enviar", body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert_nothing_stored(&portal).await;
}
