//! Hostile requests, generated: every public and officer endpoint gets wrong methods and content types,
//! truncated, malformed and oversized bodies (JSON, multipart, invalid UTF-8), path traversal and
//! control characters in paths and file names, bad query strings, replayed and tampered challenges,
//! and, over a real socket, oversized and broken headers and hundreds of slow senders. Each request is
//! answered with a 4xx (or the page it asked for), never a 5xx, a panic or a closed connection; the
//! API's refusals carry their problem code; nothing is stored.
use crate::common;

use app::staff::Role;
use axum::body::Body;
use envelope::Identity;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use portal_server::config::PortalConfig;
use portal_server::staff::accounts;
use portal_server::{AppState, router};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

const PASSWORD: &str = "una clave bastante larga";
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// The name of this file's runtime threads, where the server under test runs.
const WORKERS: &str = "hostile-worker";

/// Counts the panics of this file's tests (a handler's panic is caught by the server and would
/// otherwise only close its connection): in their runtimes' threads and their own (the harness names
/// a test's thread after the test). Other tests of the binary may fail, and panic, meanwhile.
fn count_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            if thread.name().is_some_and(|name| name == WORKERS || name.starts_with("hostile::")) {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
}

/// Runs a test on a runtime of two named worker threads, its panics counted.
fn run(test: impl std::future::Future<Output = ()>) {
    count_panics();
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.worker_threads(2).thread_name(WORKERS).enable_all().build().unwrap().block_on(test);
}

struct Portal {
    app: axum::Router,
    state: AppState,
    totp: String,
    dir: tempfile::TempDir,
}

async fn portal() -> Portal {
    let dir = tempfile::tempdir().unwrap();
    let text = common::valid_config(dir.path(), "127.0.0.1:0")
        .replace(common::OFFICE_KEY, &Identity::generate().to_public().to_string());
    let config = PortalConfig::load(&common::write_config(dir.path(), &text)).unwrap();
    let state = AppState::open(&config).await.unwrap();
    // Both staff roles with routes, so that the hostile bodies reach every handler signed in.
    let roles = [Role::IntegrityOfficer, Role::AccountAdmin];
    let totp = accounts::add_account(&state.database, "ana", PASSWORD, &roles, "system").await.unwrap();
    Portal { app: router(&config, state.clone()), state, totp, dir }
}

async fn sign_in(portal: &Portal) -> String {
    let code = accounts::totp_code(&portal.totp, accounts::unix_now());
    let body = serde_json::json!({"username": "ana", "password": PASSWORD, "code": code}).to_string();
    let request =
        Request::post("/api/officer/session").header("content-type", "application/json").body(Body::from(body));
    let response = portal.app.clone().oneshot(request.unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice::<Value>(&bytes).unwrap()["token"].as_str().unwrap().to_string()
}

/// The API's refusal shapes: `{"outcome":"refused","problems":[{"problem":…}]}` (submissions) and
/// `{"error":…}` (the officer API and the API's own routing).
fn problem_code(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value["problems"][0]["problem"].as_str().or_else(|| value["error"].as_str()).map(str::to_string)
}

const BOUNDARY: &str = "hostile-boundary";

/// Bodies a client can send by mistake or on purpose: (content type, body, what it is).
fn bodies() -> Vec<(Option<String>, Vec<u8>, &'static str)> {
    let multipart = Some(format!("multipart/form-data; boundary={BOUNDARY}"));
    let json = Some("application/json".to_string());
    let part = |disposition: &str, content: &[u8]| {
        let mut body = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; {disposition}\r\n\r\n").into_bytes();
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        body
    };
    let mut deep = "[".repeat(20_000);
    deep.push_str(&"]".repeat(20_000));
    vec![
        (None, Vec::new(), "nothing"),
        (json.clone(), b"{\"lengths\":[1,".to_vec(), "truncated JSON"),
        (
            json.clone(),
            br#"{"lengths":"many","challenge":5,"nonce":-1,"status":[],"feedback_on":{}}"#.to_vec(),
            "JSON of wrong types",
        ),
        (json.clone(), deep.into_bytes(), "JSON nested 20,000 deep"),
        (json.clone(), vec![0xff, 0xfe, 0x00, 0xc3, 0x28, b'{', 0x80], "invalid UTF-8"),
        (
            json.clone(),
            br#"{"username":"ana\u0000","password":"x","code":"000000","token":"\u202e"}"#.to_vec(),
            "NUL and bidi in JSON",
        ),
        (Some("text/plain".into()), b"description=hola".to_vec(), "text/plain"),
        (Some("multipart/form-data".into()), b"--x\r\n\r\n".to_vec(), "multipart without a boundary"),
        (multipart.clone(), b"not multipart at all".to_vec(), "multipart of garbage"),
        (multipart.clone(), part("name=\"description\"", b"hola")[..40].to_vec(), "multipart cut short"),
        (multipart.clone(), part("name=\"desc\0ription\"", b"x"), "NUL in a part name"),
        (
            multipart.clone(),
            part("name=\"attachments\"; filename=\"../../../etc/passwd\"", b"root:x:0:0"),
            "traversal in a file name",
        ),
        (
            multipart.clone(),
            part("name=\"attachments\"; filename=\"a\x1b[31m\x07\u{202e}fdp.exe\"", b"MZ"),
            "control and bidi characters in a file name",
        ),
        (multipart.clone(), part("name=\"report\"; filename=\"report.age\"", &[0xffu8; 3000]), "a report of garbage"),
        (multipart, part("name=\"upload\"", &vec![b'a'; 1 << 20]), "a 1 MiB upload id"),
        (
            Some("application/x-www-form-urlencoded".into()),
            b"description=%ZZ&category=%ff%00".to_vec(),
            "broken URL encoding",
        ),
        (json, vec![b'a'; 3 << 20], "3 MiB of junk"),
    ]
}

/// Every route, with bogus identifiers where it takes some.
fn paths() -> Vec<String> {
    let case = "c".repeat(32);
    [
        "/",
        "/healthz",
        "/denuncia",
        "/denuncia/formulario",
        "/denuncia/enviar",
        "/en/denuncia/enviar",
        "/seguimiento",
        "/transparencia",
        "/transparencia/denuncias",
        "/oficina",
        "/oficina/entrar",
        "/oficina/salir",
        "/api/reports/challenge",
        "/api/reports",
        "/api/uploads",
        "/api/uploads/u123/0?offset=0",
        "/api/uploads/u123/socket",
        "/api/follow-up",
        "/api/follow-up/object",
        "/api/follow-up/messages",
        "/api/officer/session",
        "/api/officer/cases",
        &format!("/api/officer/cases/{case}"),
        &format!("/api/officer/cases/{case}/report"),
        &format!("/api/officer/cases/{case}/messages"),
        &format!("/api/officer/cases/{case}/messages/m1"),
        &format!("/api/officer/cases/{case}/objects/o1.age"),
        "/api/officer/keys",
        "/api/officer/audit",
        "/api/staff/accounts",
        "/api/staff/accounts/ana",
        "/datos/incidencias/canal.csv",
        "/datos/denuncias/por-mes.json",
        "/datos/incidencias.csv",
        "/datos/datapackage.json",
    ]
    .iter()
    .map(|path| path.to_string())
    .collect()
}

/// Paths built to escape, confuse or overflow.
fn hostile_paths() -> Vec<String> {
    let mut paths: Vec<String> = [
        "/datos/incidencias/..%2f..%2f..%2fetc%2fpasswd",
        "/datos/incidencias/%2e%2e/%2e%2e/portal.db",
        "/api/uploads/..%2F..%2Fportal.db/0?offset=0",
        "/api/uploads/u1/0?offset=-1",
        "/api/uploads/u1/0?offset=18446744073709551616",
        "/api/uploads/u1/99999999999999999999?offset=abc",
        "/api/officer/cases/..%2F..%2Fportal.db",
        "/api/officer/cases/x/objects/..%2F..%2Fportal.db",
        "/api/officer/cases/%00/report",
        "/api/officer/audit?after=%ff&limit=-5",
        "/denuncia/%0d%0aSet-Cookie:%20x=1",
        "/%1b%5b2J",
        "/%zz",
        "/pkg/../../Cargo.toml",
        "/pkg/%2e%2e/%2e%2e/Leptos.toml",
        "/transparencia/incidencias?desde=9999-99&hasta=%00&canal=%ff",
        "/datos/incidencias/canal.csv?zona=%E2%80%AE&desde=2024-13",
        "/en/../../etc/passwd",
        "//etc/passwd",
        "/api/follow-up?token=%00",
    ]
    .iter()
    .map(|path| path.to_string())
    .collect();
    paths.push(format!("/{}", "a/".repeat(4_000)));
    paths.push(format!("/datos/incidencias/canal.csv?{}", "zona=x&".repeat(2_000)));
    paths
}

async fn answer(portal: &Portal, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = portal.app.clone().oneshot(request).await.expect("the router answers");
    let status = response.status();
    let body = response.into_body().collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
    (status, body)
}

#[test]
fn generated_hostile_requests_get_a_clear_refusal_and_store_nothing() {
    run(generated_hostile_requests_get_a_clear_refusal_and_store_nothing_on_a_runtime());
}

async fn generated_hostile_requests_get_a_clear_refusal_and_store_nothing_on_a_runtime() {
    let portal = portal().await;
    let token = sign_in(&portal).await;
    let mut sent = 0;
    let mut failures = Vec::new();
    let mut check = |label: String, status: StatusCode, body: &[u8], api: bool| {
        sent += 1;
        if status.is_server_error() {
            failures.push(format!("{status} for {label}"));
        } else if api && status.is_client_error() && problem_code(body).is_none() {
            failures.push(format!("{status} without a problem code for {label}: {}", String::from_utf8_lossy(body)));
        }
    };
    for path in paths() {
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
            for signed_in in [false, true] {
                if signed_in && !path.starts_with("/api/officer") && !path.starts_with("/api/staff") {
                    continue;
                }
                for (content_type, body, what) in bodies() {
                    let mut request = Request::builder().method(method).uri(&path);
                    if let Some(content_type) = &content_type {
                        request = request.header("content-type", content_type);
                    }
                    if signed_in {
                        request = request.header("authorization", format!("Bearer {token}"));
                    }
                    let (status, answer) = answer(&portal, request.body(Body::from(body)).unwrap()).await;
                    let label = format!("{method} {path} with {what}{}", if signed_in { " (signed in)" } else { "" });
                    check(label, status, &answer, path.starts_with("/api/"));
                }
            }
        }
    }
    for path in hostile_paths() {
        for method in ["GET", "POST", "PATCH"] {
            let request =
                Request::builder().method(method).uri(&path).header("authorization", format!("Bearer {token}"));
            let (status, answer) = answer(&portal, request.body(Body::empty()).unwrap()).await;
            let label = format!("{method} {}", &path[..path.len().min(120)]);
            check(label, status, &answer, path.starts_with("/api/"));
        }
    }

    // Challenges replayed, tampered with, or solved for another challenge.
    let (_, challenge) = answer(&portal, Request::post("/api/reports/challenge").body(Body::empty()).unwrap()).await;
    let challenge: Value = serde_json::from_slice(&challenge).unwrap();
    let (token_text, bits) = (challenge["token"].as_str().unwrap(), challenge["bits"].as_u64().unwrap() as u32);
    let nonce = envelope::pow::search(token_text.as_bytes(), bits, 0, u64::MAX).unwrap();
    let open = |challenge: &str, nonce: u64| {
        let lengths = [envelope::attachment::ciphertext_len(1000, 1)];
        let body = serde_json::json!({"challenge": challenge, "nonce": nonce, "lengths": lengths}).to_string();
        Request::post("/api/uploads").header("content-type", "application/json").body(Body::from(body)).unwrap()
    };
    let mut tampered = token_text.to_string();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let (status, _) = answer(&portal, open(token_text, nonce)).await;
    assert_eq!(status, StatusCode::CREATED, "the genuine challenge pays for an upload");
    for (label, request) in [
        ("a replayed challenge", open(token_text, nonce)),
        ("a tampered challenge", open(&tampered, nonce)),
        ("a wrong nonce", open(token_text, nonce.wrapping_add(1))),
        ("a challenge of another format", open("v0.1.2.3", 0)),
    ] {
        let (status, body) = answer(&portal, request).await;
        assert!(status.is_client_error(), "{label}: {status}");
        let code = problem_code(&body).unwrap_or_default();
        assert!(code.starts_with("proof_of_work"), "{label}: {code}");
        sent += 1;
    }

    assert!(failures.is_empty(), "{} of {sent} requests:\n{}", failures.len(), failures.join("\n"));
    assert!(sent >= 1_000, "only {sent} requests");
    assert_eq!(
        app::reporting::storage::reports::count_reports(&portal.state.database).await.unwrap(),
        0,
        "nothing is stored"
    );
    let objects = portal.dir.path().join("data/objects");
    let stored = std::fs::read_dir(&objects).unwrap().filter_map(Result::ok).filter(|e| e.path().is_file()).count();
    assert_eq!(stored, 0, "no object file");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "the server panicked");
    common::figure(&format!(
        "{sent} hostile requests: every one refused or answered, no 5xx, no panic, nothing stored"
    ));
}

async fn serve(portal: &Portal) -> std::net::SocketAddr {
    common::serve(portal.app.clone()).await
}

/// The status line of the answer to `request` sent raw, empty if none came.
async fn raw(address: std::net::SocketAddr, request: &[u8]) -> String {
    common::raw_http(address, request).await.lines().next().unwrap_or_default().to_string()
}

/// A plain-form report (the path without JavaScript), whole, as raw HTTP.
fn plain_form_report(ticket: &str) -> Vec<u8> {
    let mut body = String::new();
    let fields =
        [("form_ticket", ticket), ("description", "Me pidieron dinero por una licencia"), ("category", "soborno")];
    for (name, value) in fields {
        body.push_str(&format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    let mut request = format!(
        "POST /denuncia/enviar HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body.as_bytes());
    request
}

#[test]
fn broken_http_gets_a_4xx_and_slow_senders_cannot_stop_a_report() {
    run(broken_http_gets_a_4xx_and_slow_senders_cannot_stop_a_report_on_a_runtime());
}

async fn broken_http_gets_a_4xx_and_slow_senders_cannot_stop_a_report_on_a_runtime() {
    let portal = portal().await;
    let address = serve(&portal).await;
    let huge_header = format!("GET / HTTP/1.1\r\nHost: portal\r\nCookie: {}\r\n\r\n", "a".repeat(1 << 20));
    let many_headers = format!("GET / HTTP/1.1\r\nHost: portal\r\n{}\r\n", "X-A: b\r\n".repeat(500));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a 1 MiB header", huge_header.into_bytes()),
        ("500 headers", many_headers.into_bytes()),
        ("NUL in the request line", b"GET /\0 HTTP/1.1\r\nHost: portal\r\n\r\n".to_vec()),
        (
            "invalid UTF-8 in a header value",
            b"GET / HTTP/1.1\r\nHost: portal\r\nConnection: close\r\nX-Name: \xff\xfe\r\n\r\n".to_vec(),
        ),
        ("no HTTP at all", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n".to_vec()),
        ("a header without a colon", b"GET / HTTP/1.1\r\nHost portal\r\n\r\n".to_vec()),
        ("a negative length", b"POST /api/reports HTTP/1.1\r\nHost: portal\r\nContent-Length: -5\r\n\r\n".to_vec()),
        (
            "two lengths",
            b"POST /api/reports HTTP/1.1\r\nHost: portal\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"
                .to_vec(),
        ),
        (
            "a bad chunk",
            b"POST /api/reports HTTP/1.1\r\nHost: portal\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
                .to_vec(),
        ),
        ("CONNECT", b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n".to_vec()),
        (
            "an absolute URI to elsewhere",
            b"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n".to_vec(),
        ),
    ];
    for (label, request) in cases {
        let status = raw(address, &request).await;
        let code: u16 = status.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
        // Bytes over 0x7f are allowed in header values (obs-text), and an absolute URI is a request for
        // this server's page whatever the host: those two are answered as pages.
        let page = label.starts_with("an absolute") || label.starts_with("invalid UTF-8");
        assert!((400..500).contains(&code) || (code == 200 && page), "{label}: {status:?}");
    }

    // Three hundred connections that start a request and never finish it (headers cut, or a body
    // promised and not sent), held open while a reporter submits.
    let mut idle = Vec::new();
    for i in 0..300 {
        use tokio::io::AsyncWriteExt;
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let start: &[u8] = if i % 2 == 0 {
            b"POST /denuncia/enviar HTTP/1.1\r\nHost: portal\r\nContent-Ty"
        } else {
            b"POST /api/reports HTTP/1.1\r\nHost: portal\r\nContent-Length: 1000000\r\n\r\n--x"
        };
        stream.write_all(start).await.unwrap();
        idle.push(stream);
    }
    let started = std::time::Instant::now();
    let status = raw(address, &plain_form_report(&portal.state.submissions.form_tickets.issue())).await;
    let took = started.elapsed();
    assert!(status.contains(" 200 "), "the report beside 300 stalled connections: {status:?}");
    assert_eq!(app::reporting::storage::reports::count_reports(&portal.state.database).await.unwrap(), 1);
    common::figure(&format!("a report beside 300 stalled connections: {} in {} ms", status.trim(), took.as_millis()));
    drop(idle);
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "the server panicked");
}
