//! Helpers shared by the server's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub const OFFICE_KEY: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

/// A complete, valid configuration using `dir` for data, listening on `address`.
pub fn valid_config(dir: &Path, address: &str) -> String {
    format!(
        r#"
[site]
address = "{address}"
public_url = "http://{address}"
default_language = "es-PE"
data_dir = "{data}"

[database]
url = "sqlite://{data}/portal.db"
max_connections = 4

[integrity_office]
recipients = [
  {{ name = "Oficina de Integridad", key_id = "integridad-1", recipient = "{OFFICE_KEY}" }},
]

[limits]
max_report_bytes = 1048576
max_attachment_bytes = 104857600
max_attachments = 10
reports_per_minute = 30
proof_of_work_bits = 12
max_pending_upload_bytes = 4294967296
"#,
        data = dir.join("data").display()
    )
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
