//! Ingest benchmark (figures, not a test): durable complaint submissions per second through the browser
//! path. Each submission is what a browser sends for a report without attachments: a proof-of-work
//! challenge (solved at 8 bits, the minimum, for the benchmark only), an upload opened with it, and a
//! pre-encrypted report of 10 KB (its 16 KiB size class). It counts once the server answered `201`,
//! which it sends after the report's group is committed (on SQLite, `synchronous = FULL`: fsynced).
//!
//! The server is the release binary in a process of its own, on loopback, with a fresh database:
//! SQLite in a temporary directory, or a new database on the PostgreSQL server of `TEST_POSTGRES_URL`.
//! Prints submissions per second and the latency (p50, p99) of a whole submission and of the report
//! request alone. Run by `scripts/bench-ingest`:
//!
//! `cargo bench -p server --bench ingest -- --database sqlite|postgres [--clients 64] [--seconds 20]`

use envelope::Identity;
use envelope::report::{Category, EncryptedIn, Report};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BOUNDARY: &str = "ingest-bench-boundary";

struct Options {
    database: String,
    clients: usize,
    seconds: u64,
}

fn options() -> Options {
    let mut options = Options { database: "sqlite".into(), clients: 64, seconds: 20 };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--database" => options.database = value(),
            "--clients" => options.clients = value().parse().expect("--clients N"),
            "--seconds" => options.seconds = value().parse().expect("--seconds N"),
            // `cargo bench` passes `--bench`.
            _ => {}
        }
    }
    options
}

/// The portal in a process of its own, stopped when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
    database_url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(database_url: Option<String>, office: &Identity) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let address = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let data = dir.path().join("data");
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}/portal.db", data.display()));
    // The benchmark's own limits: the minimum proof of work, no rate limit to speak of, and as many
    // database connections as the release configuration.
    use portal_server::config::set_key;
    let config = portal_server::config::sample(&data, &address.to_string(), &office.to_public().to_string());
    let config = set_key(&config, "database.url", &format!("{url:?}"));
    let config = set_key(&config, "database.max_connections", "8");
    let config = set_key(&config, "sealed_uploads.submissions_per_minute", "4000000000");
    let config = set_key(&config, "sealed_uploads.proof_of_work_bits", "8");
    let path = dir.path().join("Leptos.toml");
    std::fs::write(&path, config).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    for (key, _) in std::env::vars().filter(|(key, _)| key.starts_with("PORTAL_")) {
        command.env_remove(key);
    }
    let child = command
        .arg("--config")
        .arg(&path)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    let server = Server { child, address, database_url: url, _dir: dir };
    for _ in 0..300 {
        if let Ok(mut sender) = connect(address).await
            && request(&mut sender, "GET", "/healthz", "", Bytes::new()).await.0 == 200
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not answer /healthz within 30 s");
}

/// A keep-alive HTTP/1.1 connection, as a browser holds one.
async fn connect(address: SocketAddr) -> std::io::Result<SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(std::io::Error::other)?;
    tokio::spawn(connection);
    Ok(sender)
}

async fn request(
    sender: &mut SendRequest<Full<Bytes>>,
    method: &str,
    path: &str,
    content_type: &str,
    body: Bytes,
) -> (u16, Bytes) {
    let mut builder = hyper::Request::builder().method(method).uri(path).header("host", "portal");
    if !content_type.is_empty() {
        builder = builder.header("content-type", content_type);
    }
    let Ok(response) = sender.send_request(builder.body(Full::new(body)).unwrap()).await else {
        return (0, Bytes::new());
    };
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    (status, body)
}

/// The parts of `POST /api/reports` before the report itself, and the closing boundary after it.
fn report_body(upload: &str, reply_recipient: &str, report: &[u8]) -> Bytes {
    let mut lookup = [0u8; 32];
    getrandom::getrandom(&mut lookup).unwrap();
    let mut body = Vec::with_capacity(report.len() + 1024);
    for (name, value) in [
        ("upload", upload),
        ("lookup_hash", &envelope::hex_lower(&lookup)),
        ("reply_recipient", reply_recipient),
        ("key_id", "integridad-1"),
    ] {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"report\"; filename=\"report.age\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(report);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body.into()
}

/// Latencies of one client's acknowledged submissions: (whole submission, report request alone).
type Timings = Vec<(Duration, Duration)>;

/// One reporter after another on one connection until `deadline`; a refused submission stops the run.
async fn client(address: SocketAddr, report: Arc<Vec<u8>>, reply: Arc<String>, deadline: Instant) -> Timings {
    let mut sender = connect(address).await.expect("connects");
    let mut timings = Vec::new();
    let multipart = format!("multipart/form-data; boundary={BOUNDARY}");
    while Instant::now() < deadline {
        let started = Instant::now();
        let (status, body) = request(&mut sender, "POST", "/api/reports/challenge", "", Bytes::new()).await;
        assert_eq!(status, 200, "challenge: {}", String::from_utf8_lossy(&body));
        let challenge: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let token = challenge["token"].as_str().unwrap();
        let bits = challenge["bits"].as_u64().unwrap() as u32;
        let nonce = envelope::pow::solve(token.as_bytes(), bits, |_| {});
        let opening = serde_json::json!({ "challenge": token, "nonce": nonce, "lengths": [] }).to_string();
        let (status, body) = request(&mut sender, "POST", "/api/uploads", "application/json", opening.into()).await;
        assert_eq!(status, 201, "upload: {}", String::from_utf8_lossy(&body));
        let upload: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let body = report_body(upload["upload"].as_str().unwrap(), &reply, &report);
        let sent = Instant::now();
        let (status, answer) = request(&mut sender, "POST", "/api/reports", &multipart, body).await;
        assert_eq!(status, 201, "report: {}", String::from_utf8_lossy(&answer));
        timings.push((started.elapsed(), sent.elapsed()));
    }
    timings
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    sorted[((sorted.len() as f64 * fraction) as usize).min(sorted.len() - 1)]
}

/// A new, empty PostgreSQL database on the server of `TEST_POSTGRES_URL`; its URL.
async fn fresh_postgres_database() -> String {
    use sqlx::Connection;
    let url = std::env::var("TEST_POSTGRES_URL").expect("--database postgres needs TEST_POSTGRES_URL");
    let mut connection = sqlx::PgConnection::connect(&url).await.expect("PostgreSQL answers");
    let mut suffix = [0u8; 6];
    getrandom::getrandom(&mut suffix).unwrap();
    let name = format!("ingest_{}", envelope::hex_lower(&suffix));
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut connection).await.unwrap();
    let (base, _) = url.rsplit_once('/').expect("a URL with a database name");
    format!("{base}/{name}")
}

#[tokio::main]
async fn main() {
    let options = options();
    let office = Identity::generate();
    let database_url = match options.database.as_str() {
        "sqlite" => None,
        "postgres" => Some(fresh_postgres_database().await),
        other => panic!("--database sqlite or postgres, not {other}"),
    };
    let server = start_server(database_url, &office).await;
    let mut report = Report::new("es-PE", Category::Soborno, "x".repeat(10_000), EncryptedIn::Browser);
    report.place = "Parque Kennedy".into();
    let document = report.to_padded_json(1 << 20).unwrap();
    let report = Arc::new(envelope::encrypt(&[office.to_public()], &document).unwrap());
    let reply = Arc::new(Identity::generate().to_public().to_string());
    println!(
        "ingest on {}: {} clients for {} s, report {} bytes encrypted ({} bytes padded), proof of work 8 bits",
        options.database,
        options.clients,
        options.seconds,
        report.len(),
        document.len()
    );
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let clients: Vec<_> = (0..options.clients)
        .map(|_| tokio::spawn(client(server.address, report.clone(), reply.clone(), deadline)))
        .collect();
    let mut timings = Vec::new();
    for client in clients {
        timings.extend(client.await.expect("a client failed (above)"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut whole: Vec<Duration> = timings.iter().map(|t| t.0).collect();
    let mut report_only: Vec<Duration> = timings.iter().map(|t| t.1).collect();
    whole.sort();
    report_only.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("  {} acknowledged in {elapsed:.1} s: {:.0} submissions/s", timings.len(), timings.len() as f64 / elapsed);
    println!(
        "  whole submission (challenge, upload, report): p50 {:.1} ms, p99 {:.1} ms",
        ms(percentile(&whole, 0.5)),
        ms(percentile(&whole, 0.99))
    );
    println!(
        "  report request alone (to 201, committed): p50 {:.1} ms, p99 {:.1} ms",
        ms(percentile(&report_only, 0.5)),
        ms(percentile(&report_only, 0.99))
    );
    // Every acknowledged report is in the database (and no other).
    let database = app::platform::database::Database::open(&server.database_url, 1).await.expect("the database opens");
    let stored = app::reporting::storage::reports::count_reports(&database).await.unwrap();
    println!("  stored: {stored} reports (acknowledged: {})", timings.len());
    assert_eq!(stored as usize, timings.len(), "every acknowledged report, and only those, is stored");
    drop(server);
}
