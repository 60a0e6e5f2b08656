//! Helpers shared by the server's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A measured figure of a test (counts, timings): printed, and added to the file named by
/// `PORTAL_TEST_FIGURES`, which `scripts/test` prints after the Rust tests (the harness hides a passing
/// test's output).
pub fn figure(line: &str) {
    use std::io::Write;
    println!("{line}");
    if let Some(path) = std::env::var_os("PORTAL_TEST_FIGURES") {
        let mut file =
            std::fs::OpenOptions::new().create(true).append(true).open(path).expect("the figures file opens");
        // One write per line, so lines of tests running at once do not mix.
        file.write_all(format!("{line}\n").as_bytes()).expect("a figure is written");
    }
}

pub const OFFICE_KEY: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

/// A loopback address no one listens on yet, for a server process of a test.
pub fn free_address() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

/// A complete, valid configuration using `dir` for data, listening on `address`.
pub fn valid_config(dir: &Path, address: &str) -> String {
    portal_server::config::sample(&dir.join("data"), address, OFFICE_KEY)
}

pub fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("Leptos.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The server binary, with no PORTAL_* variable of the developer's environment leaking in.
pub fn server_command(config: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    for (key, _) in std::env::vars() {
        if key.starts_with("PORTAL_") {
            command.env_remove(key);
        }
    }
    command.arg("--config").arg(config).env("RUST_LOG", "info");
    command
}

/// The router the binary serves, on a fresh data directory with a valid configuration.
pub struct Portal {
    pub app: axum::Router,
    pub state: portal_server::AppState,
    /// The folder holding its configuration and data (`data/`).
    pub dir: tempfile::TempDir,
}

pub async fn portal() -> Portal {
    portal_configured(|text| text).await
}

/// [`portal`] with its configuration's text changed by `edit` first.
pub async fn portal_configured(edit: impl FnOnce(String) -> String) -> Portal {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), &edit(valid_config(dir.path(), "127.0.0.1:0")));
    let config = portal_server::config::PortalConfig::load(&path).unwrap();
    let state = portal_server::AppState::open(&config).await.unwrap();
    Portal { app: portal_server::router(&config, state.clone()), state, dir }
}

/// A GET through the router: status, headers and the body as text.
pub async fn get(portal: &Portal, uri: &str) -> (http::StatusCode, http::HeaderMap, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = http::Request::get(uri).body(axum::body::Body::empty()).unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    // Leptos marks text boundaries with empty comments (`<!>`) for hydration; the tests read past them.
    (status, headers, String::from_utf8_lossy(&body).replace("<!>", ""))
}

/// `app` on a real loopback socket (WebSockets, raw HTTP and slow senders need one); its address.
pub async fn serve(app: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// Sends `request` raw on a new connection and reads the answer until the server closes it (or a
/// minute passes): the answer as text, empty if none came (a write refused part-way is not an error:
/// the server may answer and close before reading all of an oversized request).
pub async fn raw_http(address: std::net::SocketAddr, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(60), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The plain form's ticket in a rendered report form (its hidden `form_ticket` input).
pub fn form_ticket_in(page: &str) -> Option<String> {
    let rest = page.split("name=\"form_ticket\"").nth(1)?;
    let value = rest.split("value=\"").nth(1)?;
    Some(value.split('"').next()?.to_string())
}

/// A multipart body with `fields` and `files` (name, file name, bytes).
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----portal-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The rows of the table with this id: each row's cells as text.
pub fn table_rows(page: &str, id: &str) -> Vec<Vec<String>> {
    let table = page.split(&format!("id=\"{id}\"")).nth(1).unwrap().split("</table>").next().unwrap();
    let body = table.split("<tbody>").nth(1).unwrap();
    body.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<t")
                .skip(1)
                .filter(|cell| cell.starts_with('d') || cell.starts_with('h'))
                .map(|cell| {
                    let inner = &cell[cell.find('>').unwrap() + 1..];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in inner.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            _ if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text.trim().to_string()
                })
                .collect()
        })
        .collect()
}

/// A signed-in staff member's session cookie: a new account with these roles, signed in with its
/// password and authenticator code.
pub async fn staff_session(portal: &Portal, username: &str, roles: &[app::staff::Role]) -> String {
    use http_body_util::BodyExt;
    use portal_server::staff::accounts;
    use tower::ServiceExt;
    let password = "una clave de personal bastante larga";
    let secret = accounts::add_account(&portal.state.database, username, password, roles, "system").await.unwrap();
    let login = serde_json::json!({
        "username": username, "password": password, "code": accounts::totp_code(&secret, accounts::unix_now())
    });
    let request = http::Request::post("/api/officer/session")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(login.to_string()))
        .unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let body: serde_json::Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    format!("portal_officer_session={}", body["token"].as_str().unwrap())
}

/// A form sent with a session cookie: the status and the page (without Leptos' markers).
pub async fn post_as(
    portal: &Portal,
    uri: &str,
    cookie: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (http::StatusCode, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = http::Request::post(uri)
        .header("content-type", content_type)
        .header("cookie", cookie)
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).replace("<!>", ""))
}

/// A CSV import form sent with a session cookie.
pub async fn import_as(portal: &Portal, cookie: &str, uri: &str, csv: &str) -> (http::StatusCode, String) {
    let (content_type, body) = multipart(&[("prefix", "")], &[("file", "f.csv", csv.as_bytes())]);
    post_as(portal, uri, cookie, &content_type, body).await
}
