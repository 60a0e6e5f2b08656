//! Crash safety: the server binary is killed with SIGKILL at random moments while clients submit
//! reports through the browser protocol (challenge, proof of work, attachment slices by PUT, report)
//! and the plain form, and an officer acknowledges cases, and restarted each time. Afterwards every submission that was acknowledged is
//! stored and opens with the office key, attachments included; every acknowledged officer change is
//! kept and in the audit log; no attachment file is left without its report and nothing is left
//! half-written; SQLite's integrity check is `ok`; the audit chain verifies.
//! The same on PostgreSQL when `TEST_POSTGRES_URL` is set (the test command sets it).
//!
//! Bounded here (`CRASH_KILLS`, default 20 kills); `CRASH_KILLS=200 cargo test … --test integration
//! crash::` runs a longer campaign. The counts are printed.
use crate::common;

use envelope::Identity;
use envelope::report::Report;
use portal_server::config::set_key;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 exchange on a new connection: the status and the body (chunked bodies joined), or
/// `None` if the connection failed or closed early (the server was killed).
async fn exchange(
    address: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> Option<(u16, Vec<u8>)> {
    exchange_as(None, address, method, path, content_type, body).await
}

/// [`exchange`], signed in with an officer's bearer `token` if there is one.
async fn exchange_as(
    token: Option<&str>,
    address: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> Option<(u16, Vec<u8>)> {
    let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
    let authorization = token.map(|token| format!("Authorization: Bearer {token}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n{authorization}\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.ok()?;
    stream.write_all(body).await.ok()?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await.ok()?.ok()?;
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let mut body = answer[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body)?;
    } else if let Some(length) = head.lines().find_map(|l| l.strip_prefix("content-length: "))
        && body.len() != length.trim().parse::<usize>().ok()?
    {
        return None;
    }
    Some((status, body))
}

/// A chunked body's data; `None` if it stops before its last chunk.
fn dechunk(mut bytes: &[u8]) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    loop {
        let line = bytes.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&bytes[..line]).ok()?.trim(), 16).ok()?;
        bytes = &bytes[line + 2..];
        if size == 0 {
            return Some(data);
        }
        data.extend_from_slice(bytes.get(..size)?);
        bytes = bytes.get(size + 2..)?;
    }
}

const BOUNDARY: &str = "crash-test-boundary";

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        let file = file.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// How a browser sends an attachment's slices.
#[derive(Clone, Copy)]
enum Transport {
    Socket,
    Put,
}

/// Opens an upload for attachments of these lengths, paying its proof of work; the upload's id.
async fn open_upload(address: SocketAddr, lengths: &[usize]) -> Option<String> {
    let json = "application/json";
    let (status, challenge) = exchange(address, "POST", "/api/reports/challenge", json, b"").await?;
    (status == 200).then_some(())?;
    let challenge: serde_json::Value = serde_json::from_slice(&challenge).ok()?;
    let token = challenge["token"].as_str()?;
    let nonce = envelope::pow::search(token.as_bytes(), challenge["bits"].as_u64()? as u32, 0, u64::MAX)?;
    let opening = serde_json::json!({"challenge": token, "nonce": nonce, "lengths": lengths}).to_string();
    let (status, opened) = exchange(address, "POST", "/api/uploads", json, opening.as_bytes()).await?;
    (status == 201).then_some(())?;
    let upload: serde_json::Value = serde_json::from_slice(&opened).ok()?;
    Some(upload["upload"].as_str()?.to_string())
}

/// Sends attachment 0 of `upload` in 20 kB slices; `Some(())` once the server holds all of it.
async fn send_slices(address: SocketAddr, upload: &str, attachment: &[u8], transport: Transport) -> Option<()> {
    match transport {
        Transport::Put => {
            let mut offset = 0;
            for slice in attachment.chunks(20_000) {
                let path = format!("/api/uploads/{upload}/0?offset={offset}");
                let (status, _) = exchange(address, "PUT", &path, "application/octet-stream", slice).await?;
                (status == 200).then_some(())?;
                offset += slice.len();
            }
            Some(())
        }
        Transport::Socket => {
            use futures_util::{SinkExt, StreamExt};
            use tokio_tungstenite::tungstenite::Message;
            let url = format!("ws://{address}/api/uploads/{upload}/socket");
            let (mut socket, _) = tokio_tungstenite::connect_async(url).await.ok()?;
            let mut held = 0;
            for message in std::iter::once(Message::text(r#"{"index":0}"#))
                .chain(attachment.chunks(20_000).map(|slice| Message::binary(slice.to_vec())))
            {
                socket.send(message).await.ok()?;
                // Each message is answered with what the server holds of the attachment.
                let answer = loop {
                    match socket.next().await?.ok()? {
                        Message::Text(text) => break text,
                        Message::Ping(_) | Message::Pong(_) => continue,
                        _ => return None,
                    }
                };
                let answer: serde_json::Value = serde_json::from_str(&answer).ok()?;
                held = answer["received"].as_u64()?;
            }
            let _ = socket.close(None).await;
            (held == attachment.len() as u64).then_some(())
        }
    }
}

/// A report through the browser protocol with one attachment sent in slices, under the receipt whose
/// keys are given; `Some(())` once it is acknowledged with 201.
async fn browser_report(
    address: SocketAddr,
    office: &Identity,
    description: &str,
    keys: &envelope::receipt::ReceiptKeys,
    transport: Transport,
) -> Option<()> {
    let recipients = [office.to_public()];
    let attachment =
        envelope::attachment::encrypt(&recipients, format!("acta de {description}").repeat(2_000).as_bytes()).ok()?;
    let upload = open_upload(address, &[attachment.len()]).await?;
    send_slices(address, &upload, &attachment, transport).await?;
    let mut report = Report::new(
        "es-PE",
        envelope::report::Category::Soborno,
        description.into(),
        envelope::report::EncryptedIn::Browser,
    );
    report.attachments = vec![envelope::report::AttachmentEntry {
        name: "acta.pdf".into(),
        media_type: "application/pdf".into(),
        size: attachment.len() as u64,
        ciphertext_sha256: envelope::hex_lower(&<sha2::Sha256 as sha2::Digest>::digest(&attachment)),
    }];
    let document = envelope::encrypt(&recipients, &report.to_padded_json(1 << 20).ok()?).ok()?;
    let reply = keys.reply_identity.to_public().to_string();
    let lookup = keys.lookup_hash();
    let body = multipart(&[
        ("upload", None, upload.as_bytes()),
        ("lookup_hash", None, lookup.as_bytes()),
        ("reply_recipient", None, reply.as_bytes()),
        ("key_id", None, b"integridad-1"),
        ("report", Some("report.age"), &document),
    ]);
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let (status, _) = exchange(address, "POST", "/api/reports", &content_type, &body).await?;
    (status == 201).then_some(())
}

/// A follow-up message on the case the receipt `keys` open, with no attachment, encrypted to the office
/// and the reporter's reply key as the follow-up page does; `Some(())` once acknowledged with 201.
async fn follow_up_message(
    address: SocketAddr,
    office: &Identity,
    keys: &envelope::receipt::ReceiptKeys,
    text: &str,
) -> Option<()> {
    use envelope::message::{Author, Message};
    let upload = open_upload(address, &[]).await?;
    let document = Message::new(Author::Reporter, "es-PE", text.into()).to_padded_json(1 << 20).ok()?;
    let ciphertext = envelope::encrypt(&[office.to_public(), keys.reply_identity.to_public()], &document).ok()?;
    let token = envelope::hex_lower(keys.lookup_token.as_ref());
    let body = multipart(&[
        ("upload", None, upload.as_bytes()),
        ("lookup_token", None, token.as_bytes()),
        ("key_id", None, b"integridad-1"),
        ("message", Some("message.age"), &ciphertext),
    ]);
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let (status, _) = exchange(address, "POST", "/api/follow-up/messages", &content_type, &body).await?;
    (status == 201).then_some(())
}

/// A report through the plain form (the server encrypts); `Some(())` once the receipt page came.
async fn plain_form_report(address: SocketAddr, description: &str) -> Option<()> {
    // As a browser does: the form page first, for its ticket.
    let (status, page) = exchange(address, "GET", "/denuncia/formulario", "text/plain", b"").await?;
    (status == 200).then_some(())?;
    let ticket = common::form_ticket_in(&String::from_utf8_lossy(&page))?;
    let body = multipart(&[
        ("form_ticket", None, ticket.as_bytes()),
        ("description", None, description.as_bytes()),
        ("category", None, b"soborno"),
    ]);
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let (status, page) = exchange(address, "POST", "/denuncia/enviar", &content_type, &body).await?;
    (status == 200 && String::from_utf8_lossy(&page).contains("</html>")).then_some(())
}

const PASSWORD: &str = "una clave bastante larga";

/// The officer acknowledges received cases one at a time; returns after one acknowledgement (its
/// case id) or when the server is unreachable.
async fn acknowledge_one(address: SocketAddr, token: &str) -> Option<String> {
    let json = "application/json";
    let (status, body) = exchange_as(Some(token), address, "GET", "/api/officer/cases", json, b"").await?;
    (status == 200).then_some(())?;
    let cases: serde_json::Value = serde_json::from_slice(&body).ok()?;
    let id = cases.as_array()?.iter().find(|case| case["status"] == "received")?["id"].as_str()?.to_string();
    let path = format!("/api/officer/cases/{id}");
    let (status, _) = exchange_as(Some(token), address, "PATCH", &path, json, br#"{"status":"acknowledged"}"#).await?;
    (status == 200).then_some(id)
}

struct Server {
    child: Child,
    address: SocketAddr,
}

fn start(config: &Path, address: SocketAddr, log: &Path) -> Server {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let child = common::server_command(config)
        .env("PORTAL_SITE__ADDRESS", address.to_string())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    Server { child, address }
}

async fn wait_healthy(server: &mut Server) {
    for _ in 0..600 {
        if let Some((200, _)) = exchange(server.address, "GET", "/healthz", "text/plain", b"").await {
            return;
        }
        assert!(server.child.try_wait().unwrap().is_none(), "the server exited while starting");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become healthy");
}

fn random_below(bound: u64) -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).unwrap();
    u64::from_le_bytes(bytes) % bound
}

async fn crash_campaign(database_url: Option<String>) {
    let kills: usize = std::env::var("CRASH_KILLS").ok().and_then(|n| n.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let office = Identity::generate();
    let mut text =
        common::valid_config(dir.path(), "127.0.0.1:0").replace(common::OFFICE_KEY, &office.to_public().to_string());
    text = set_key(&text, "sealed_uploads.submissions_per_minute", "1000000");
    text = set_key(&text, "reporting.plain_form_reports_per_minute", "1000000");
    if let Some(url) = &database_url {
        text = text.replace(&format!("sqlite://{}/portal.db", dir.path().join("data").display()), url);
    }
    let config = common::write_config(dir.path(), &text);
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}/portal.db", dir.path().join("data").display()));
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    let totp = {
        let database = app::platform::database::Database::open(&url, 1).await.unwrap();
        portal_server::staff::accounts::add_account(
            &database,
            "ana",
            PASSWORD,
            &[app::staff::Role::IntegrityOfficer],
            "system",
        )
        .await
        .unwrap()
    };
    let log = dir.path().join("server.log");
    let address = common::free_address();
    let mut server = start(&config, address, &log);
    wait_healthy(&mut server).await;

    // Four reporters, each report unique: attachments over the upload socket, by PUT, and two on the
    // plain form; and a fifth who follows a case up with messages.
    let acknowledged = Arc::new(Mutex::new(HashSet::new()));
    let attempts = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for client in 0..4 {
        let (acknowledged, attempts, stop, office) =
            (acknowledged.clone(), attempts.clone(), stop.clone(), office.clone());
        clients.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                attempts.fetch_add(1, Ordering::SeqCst);
                let description = format!("Denuncia de prueba {client}-{n}");
                let keys = envelope::receipt::Receipt::generate().derive_keys();
                let done = match client {
                    0 => browser_report(address, &office, &description, &keys, Transport::Socket).await,
                    2 => browser_report(address, &office, &description, &keys, Transport::Put).await,
                    _ => plain_form_report(address, &description).await,
                };
                match done {
                    Some(()) => {
                        acknowledged.lock().unwrap().insert(description);
                    }
                    None => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        }));
    }
    let follow_up_keys = Arc::new(envelope::receipt::Receipt::generate().derive_keys());
    let messages_acknowledged = Arc::new(Mutex::new(Vec::new()));
    {
        let (messages_acknowledged, attempts, stop, office) =
            (messages_acknowledged.clone(), attempts.clone(), stop.clone(), office.clone());
        let keys = follow_up_keys.clone();
        clients.push(tokio::spawn(async move {
            // The case first (until acknowledged), then one message after another.
            while !stop.load(Ordering::SeqCst)
                && browser_report(address, &office, "Caso con seguimiento", &keys, Transport::Put).await.is_none()
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                attempts.fetch_add(1, Ordering::SeqCst);
                let text = format!("Mensaje de seguimiento {n}");
                match follow_up_message(address, &office, &keys, &text).await {
                    Some(()) => messages_acknowledged.lock().unwrap().push(text),
                    None => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        }));
    }
    // An officer acknowledges cases as they come (each change is an audit entry in the chain).
    let code = portal_server::staff::accounts::totp_code(&totp, portal_server::staff::accounts::unix_now());
    let sign_in = serde_json::json!({"username": "ana", "password": PASSWORD, "code": code}).to_string();
    let (status, session) =
        exchange(address, "POST", "/api/officer/session", "application/json", sign_in.as_bytes()).await.unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&session));
    let token = serde_json::from_slice::<serde_json::Value>(&session).unwrap()["token"].as_str().unwrap().to_string();
    let acknowledged_cases = Arc::new(Mutex::new(Vec::new()));
    {
        let (acknowledged_cases, stop) = (acknowledged_cases.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                match acknowledge_one(address, &token).await {
                    Some(id) => acknowledged_cases.lock().unwrap().push(id),
                    None => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        }));
    }
    for _ in 0..kills {
        tokio::time::sleep(Duration::from_millis(150 + random_below(600))).await;
        server.child.kill().unwrap(); // SIGKILL
        server.child.wait().unwrap();
        server = start(&config, address, &log);
        wait_healthy(&mut server).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await.unwrap();
    }
    // One more kill and start: the start-up sweep runs after the last crash.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let mut server = start(&config, address, &log);
    wait_healthy(&mut server).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let database = app::platform::database::Database::open(&url, 1).await.unwrap();
    let stored = app::reporting::storage::reports::list_reports(&database).await.unwrap();
    let objects = dir.path().join("data/objects");
    let mut descriptions = HashSet::new();
    let mut attachments = 0;
    for report in &stored {
        let plaintext =
            envelope::decrypt(std::slice::from_ref(&office), &report.ciphertext).expect("every report opens");
        let opened = Report::from_json(&plaintext).expect("every report is whole");
        for attachment in &report.attachments {
            let bytes = std::fs::read(objects.join(&attachment.name)).expect("every attachment is on disk");
            assert_eq!(bytes.len() as u64, attachment.len, "attachment {} is whole", attachment.name);
            envelope::decrypt(std::slice::from_ref(&office), &bytes).expect("every attachment opens");
            attachments += 1;
        }
        descriptions.insert(opened.description);
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let lost: Vec<&String> = acknowledged.iter().filter(|d| !descriptions.contains(*d)).collect();
    // Every acknowledged follow-up message is on its case and opens with the office key.
    let case = app::cases::storage::case_id_by_lookup_hash(&database, &follow_up_keys.lookup_hash()).await.unwrap();
    let messages = match &case {
        Some(case) => app::cases::storage::messages_of(&database, case).await.unwrap(),
        None => Vec::new(),
    };
    let mut texts = HashSet::new();
    for message in &messages {
        let plaintext =
            envelope::decrypt(std::slice::from_ref(&office), &message.ciphertext).expect("every message opens");
        texts.insert(envelope::message::Message::from_json(&plaintext).expect("every message is whole").text);
    }
    let messages_acknowledged = messages_acknowledged.lock().unwrap().clone();
    let lost_messages: Vec<&String> = messages_acknowledged.iter().filter(|t| !texts.contains(*t)).collect();
    let referenced = app::reporting::storage::reports::referenced_objects(&database).await.unwrap();
    let files: HashSet<String> = std::fs::read_dir(&objects)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let orphans = files.difference(&referenced).count();
    let incoming = std::fs::read_dir(objects.join("incoming")).unwrap().count();
    let entries = app::platform::audit::entries_after(&database, 0).await.unwrap();
    envelope::audit::verify(&entries).expect("the audit chain verifies");
    let acknowledged_cases = acknowledged_cases.lock().unwrap().clone();
    for id in &acknowledged_cases {
        let report = stored.iter().find(|report| &report.id == id).expect("an acknowledged case is stored");
        assert_eq!(report.status, "acknowledged", "the officer's acknowledged change of {id} is kept");
        assert!(entries.iter().any(|entry| entry.subject == *id), "the change of {id} is in the audit log");
    }
    if url.starts_with("sqlite:") {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(database.pool()).await.unwrap();
        assert_eq!(check, "ok");
    }
    let backend = if url.starts_with("sqlite:") { "SQLite" } else { "PostgreSQL" };
    common::figure(&format!(
        "crash test on {backend}: {kills} SIGKILLs, {} submissions tried; reports: {} acknowledged, {} stored \
         ({attachments} attachments), lost {}; follow-up messages: {} acknowledged, {} stored, lost {}; orphan \
         files {orphans}, incoming left {incoming}; {} officer changes acknowledged, all kept, audit chain of {} \
         entries intact",
        attempts.load(Ordering::SeqCst),
        acknowledged.len(),
        stored.len(),
        lost.len(),
        messages_acknowledged.len(),
        messages.len(),
        lost_messages.len(),
        acknowledged_cases.len(),
        entries.len()
    ));
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    assert!(lost_messages.is_empty(), "messages acknowledged but lost: {lost_messages:?}");
    assert!(!messages_acknowledged.is_empty(), "no follow-up message was acknowledged: the test proved nothing");
    assert_eq!((orphans, incoming), (0, 0), "files left without a report");
    assert!(acknowledged.len() >= kills, "too few acknowledged submissions ({}) to mean anything", acknowledged.len());
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(!log.contains("panicked at"), "the server panicked:\n{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_loses_no_acknowledged_report_when_killed() {
    crash_campaign(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_loses_no_acknowledged_report_when_killed() {
    let Ok(url) = std::env::var("TEST_POSTGRES_URL") else {
        eprintln!("TEST_POSTGRES_URL is not set: skipped (scripts/test sets it)");
        return;
    };
    // A database of its own, so the other PostgreSQL tests' rows do not mix in.
    let admin = app::platform::database::Database::open(&url, 1).await.unwrap();
    let name = format!("crash_{}", random_below(1 << 40));
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.unwrap();
    let own = match url.rfind('/') {
        Some(slash) => format!("{}/{name}", &url[..slash]),
        None => panic!("a PostgreSQL URL ends in a database name"),
    };
    crash_campaign(Some(own)).await;
}
