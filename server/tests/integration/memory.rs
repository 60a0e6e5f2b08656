//! A server that answers many requests keeps no memory for them: every page render used to stay in
//! memory for good (its reactive owner held, through the request's parts in its own context, the slot
//! that held it), about 15 KB a request, which a flood of refused forms turned into gigabytes. Found by
//! fuzzing `plain_form_multipart` (out of memory after 122,000 inputs). And pages leave without waiting
//! for Nagle's algorithm.

use crate::common;
use std::process::{Child, Stdio};
use std::time::Duration;

/// The server process, killed when the test ends however it ends.
struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn resident_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).expect("VmRSS in /proc/PID/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A refused plain form (no ticket: 403 with the form rendered again), the form page and the home page.
fn request(round: usize) -> Vec<u8> {
    match round % 3 {
        0 => {
            let body = "--X\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nCobro indebido\r\n--X\r\n\
                        Content-Disposition: form-data; name=\"category\"\r\n\r\notro\r\n--X--\r\n";
            format!(
                "POST /denuncia/enviar HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\
                 Content-Type: multipart/form-data; boundary=X\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
        }
        1 => b"GET /denuncia/formulario HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\r\n".to_vec(),
        _ => b"GET / HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\r\n".to_vec(),
    }
}

/// `count` requests, four at a time; each must be answered with a whole page.
async fn send(address: std::net::SocketAddr, count: usize) {
    let workers: Vec<_> = (0..4)
        .map(|worker| {
            tokio::spawn(async move {
                for round in (worker..count).step_by(4) {
                    let answer = common::raw_http(address, &request(round)).await;
                    assert!(
                        (answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.1 403"))
                            && answer.contains("</html>"),
                        "request {round}: {}",
                        answer.lines().next().unwrap_or_default()
                    );
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_refused_forms_leave_no_memory_behind() {
    let dir = tempfile::tempdir().unwrap();
    let address = common::free_address();
    let config = common::write_config(dir.path(), &common::valid_config(dir.path(), &address.to_string()));
    let child = common::server_command(&config).env("RUST_LOG", "warn").stdout(Stdio::null()).spawn().unwrap();
    let server = Server { child };
    let mut server = server;
    for attempt in 0.. {
        if tokio::net::TcpStream::connect(address).await.is_ok() {
            break;
        }
        assert!(server.child.try_wait().unwrap().is_none(), "the server exited while starting");
        assert!(attempt < 600, "the server did not listen within 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Warm up (caches, the allocator's pools), then measure what a further 1,500 requests keep.
    send(address, 300).await;
    let before = resident_kb(server.child.id());
    send(address, 1_500).await;
    let after = resident_kb(server.child.id());
    let kept = after.saturating_sub(before);
    common::figure(&format!(
        "memory: 1,500 pages and refused forms grew the server's resident memory by {kept} KB ({before} -> {after} KB)"
    ));
    // Before the fix this was about 15 KB a request (22 MB here); allow allocator noise.
    assert!(kept < 8 * 1024, "the server kept {kept} KB for 1,500 answered requests");
}

/// Every accepted connection has TCP_NODELAY set, so a page's later writes do not wait for an ACK.
#[tokio::test]
async fn connections_are_served_without_nagle() {
    use axum::serve::Listener;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let mut listener = portal_server::without_nagle(listener);
    let client = tokio::spawn(tokio::net::TcpStream::connect(address));
    let (stream, _) = listener.accept().await;
    assert!(stream.nodelay().unwrap(), "TCP_NODELAY on the accepted connection");
    client.await.unwrap().unwrap();
}
