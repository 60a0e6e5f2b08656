//! The running server's log names requests by method and path, never by who made them.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;

const CANARY_AGENT: &str = "CanaryAgent/7.7 (reporter-phone)";
const CANARY_FORWARDED: &str = "203.0.113.77";

#[test]
fn the_request_log_holds_no_address_or_user_agent() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::write_config(dir.path(), &common::valid_config(dir.path(), "127.0.0.1:0"));
    let mut child = common::server_command(&config).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut log = String::new();
    let address = loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "server exited early: {log}");
        log.push_str(&line);
        if let Some(address) = line.trim().strip_prefix("Portal listening on http://") {
            break address.to_string();
        }
    };

    let mut stream = TcpStream::connect(&address).unwrap();
    let client_port = stream.local_addr().unwrap().port();
    write!(
        stream,
        "GET /privacidad?ref=canary-query HTTP/1.1\r\nHost: {address}\r\nUser-Agent: {CANARY_AGENT}\r\n\
         X-Forwarded-For: {CANARY_FORWARDED}\r\nX-Real-IP: {CANARY_FORWARDED}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    // Stop the server (SIGTERM: graceful shutdown) and read everything it wrote.
    std::process::Command::new("kill").arg(child.id().to_string()).status().unwrap();
    stdout.read_to_string(&mut log).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    child.wait().unwrap();

    let request_lines: Vec<&str> = log.lines().filter(|line| line.contains("path=/privacidad")).collect();
    assert!(!request_lines.is_empty(), "the request is logged: {log}");
    assert!(request_lines.iter().any(|line| line.contains("status=200")), "{log}");
    for forbidden in [CANARY_AGENT, "CanaryAgent", CANARY_FORWARDED, "canary-query", &format!(":{client_port}")] {
        assert!(!log.contains(forbidden), "log contains {forbidden:?}:\n{log}");
    }
    let lines_with_loopback: Vec<&str> =
        log.lines().filter(|l| l.contains("127.0.0.1") && !l.contains("Portal listening on")).collect();
    assert!(lines_with_loopback.is_empty(), "the client's address is logged: {lines_with_loopback:?}");
}
