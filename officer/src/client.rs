//! The officer API over HTTP (see `server/src/staff/api.rs`, `server/src/cases/office_api.rs`), used on the online machine only.

use crate::folder::{CaseDetail, CaseSummary, Folder, FolderError, OfficeKey, io, read_json, write_json};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach the portal: {0}")]
    Http(#[from] ureq::Error),
    #[error("the session has ended or was refused: run `officer login` again")]
    Unauthorized,
    #[error("the portal answered {status}: {body}")]
    Refused { status: u16, body: String },
    #[error("not signed in: run `officer login --server URL` first")]
    NoSession,
    #[error("{0} arrived with {1} bytes, {2} expected")]
    WrongLength(String, u64, u64),
    #[error(transparent)]
    Folder(#[from] FolderError),
}

/// A live API session, kept in the folder's `session.json` (mode 0600).
#[derive(Serialize, Deserialize)]
pub struct Session {
    pub server: String,
    pub token: String,
    pub username: String,
    pub expires_at: i64,
}

pub struct Client {
    agent: ureq::Agent,
    session: Session,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().new_agent()
}

fn check(mut response: ureq::http::Response<ureq::Body>) -> Result<ureq::http::Response<ureq::Body>, ClientError> {
    let status = response.status().as_u16();
    if status == 401 {
        return Err(ClientError::Unauthorized);
    }
    if !(200..300).contains(&status) {
        let body = response.body_mut().read_to_string().unwrap_or_default();
        return Err(ClientError::Refused { status, body });
    }
    Ok(response)
}

/// Signs in and stores the session in the folder.
pub fn login(
    folder: &Folder,
    server: &str,
    username: &str,
    password: &str,
    code: &str,
) -> Result<Session, ClientError> {
    let server = server.trim_end_matches('/').to_string();
    let body = serde_json::json!({ "username": username, "password": password, "code": code });
    let mut response = check(agent().post(format!("{server}/api/officer/session")).send_json(&body)?)?;
    #[derive(Deserialize)]
    struct Answer {
        token: String,
        username: String,
        expires_at: i64,
    }
    let answer: Answer = response.body_mut().read_json()?;
    let session = Session { server, token: answer.token, username: answer.username, expires_at: answer.expires_at };
    let path = folder.path("session.json");
    write_json(&path, &session)?;
    restrict(&path);
    Ok(session)
}

/// Only the officer's own account may read a session token.
fn restrict(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
}

pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:24} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

impl Client {
    pub fn from_folder(folder: &Folder) -> Result<Self, ClientError> {
        let path = folder.path("session.json");
        if !path.exists() {
            return Err(ClientError::NoSession);
        }
        Ok(Self { agent: agent(), session: read_json(&path)? })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.session.server)
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.session.token)
    }

    fn get_json<T: for<'de> Deserialize<'de>>(&self, path: &str) -> Result<T, ClientError> {
        let mut response = check(self.agent.get(self.url(path)).header("Authorization", self.auth()).call()?)?;
        Ok(response.body_mut().with_config().limit(64 * 1024 * 1024).read_json()?)
    }

    pub fn cases(&self) -> Result<Vec<CaseSummary>, ClientError> {
        self.get_json("/api/officer/cases")
    }

    pub fn logout(&self, folder: &Folder) -> Result<(), ClientError> {
        check(self.agent.delete(self.url("/api/officer/session")).header("Authorization", self.auth()).call()?)?;
        let path = folder.path("session.json");
        std::fs::remove_file(&path).map_err(io(&path)).map_err(ClientError::from)
    }

    /// Downloads `path` into `target`, resuming a `.part` left by an interrupted pull. A file already
    /// complete is not fetched again.
    fn download(&self, path: &str, target: &Path, len: u64, label: &str) -> Result<bool, ClientError> {
        if std::fs::metadata(target).is_ok_and(|m| m.len() == len) {
            return Ok(false);
        }
        let partial = target.with_extension("part");
        let have = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0).min(len);
        let mut request = self.agent.get(self.url(path)).header("Authorization", self.auth());
        if have > 0 {
            request = request.header("Range", format!("bytes={have}-"));
        }
        let mut response = check(request.call()?)?;
        let resumed = response.status().as_u16() == 206;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(resumed)
            .write(true)
            .truncate(!resumed)
            .open(&partial)
            .map_err(io(&partial))?;
        let bar = bar(len, label);
        bar.set_position(if resumed { have } else { 0 });
        let mut reader = response.body_mut().as_reader();
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let read = reader.read(&mut buffer).map_err(io(&partial))?;
            if read == 0 {
                break;
            }
            file.write_all(&buffer[..read]).map_err(io(&partial))?;
            bar.inc(read as u64);
        }
        file.sync_all().map_err(io(&partial))?;
        bar.finish_and_clear();
        let got = std::fs::metadata(&partial).map_err(io(&partial))?.len();
        if got != len {
            return Err(ClientError::WrongLength(label.into(), got, len));
        }
        std::fs::rename(&partial, target).map_err(io(target))?;
        Ok(true)
    }

    /// Pulls every case (metadata, report, attachments, messages) and the office keys into the folder.
    /// Returns how many files were fetched.
    pub fn pull(&self, folder: &Folder) -> Result<usize, ClientError> {
        let keys: Vec<OfficeKey> = self.get_json("/api/officer/keys")?;
        write_json(&folder.path("keys.json"), &keys)?;
        let mut fetched = 0;
        for summary in self.cases()? {
            let id = summary.id.clone();
            let detail: CaseDetail = self.get_json(&format!("/api/officer/cases/{id}"))?;
            let dir = folder.case_dir(&id)?;
            std::fs::create_dir_all(dir.join("objects")).map_err(io(&dir))?;
            std::fs::create_dir_all(dir.join("messages")).map_err(io(&dir))?;
            let base = format!("/api/officer/cases/{id}");
            fetched += usize::from(self.download(
                &format!("{base}/report"),
                &dir.join("report.age"),
                detail.report_len,
                "report",
            )?);
            let objects = detail.attachments.iter().chain(detail.messages.iter().flat_map(|m| m.attachments.iter()));
            for object in objects {
                let name = crate::folder::check_name(&object.object)?;
                fetched += usize::from(self.download(
                    &format!("{base}/objects/{name}"),
                    &dir.join("objects").join(name),
                    object.len,
                    "attachment",
                )?);
            }
            for message in &detail.messages {
                let name = crate::folder::check_name(&message.id)?;
                let target = dir.join("messages").join(format!("{name}.age"));
                fetched +=
                    usize::from(self.download(&format!("{base}/messages/{name}"), &target, message.len, "message")?);
            }
            write_json(&dir.join("case.json"), &detail)?;
        }
        Ok(fetched)
    }

    pub fn update(&self, case: &str, update: &serde_json::Value) -> Result<CaseSummary, ClientError> {
        let mut response = check(
            self.agent
                .patch(self.url(&format!("/api/officer/cases/{}", crate::folder::check_name(case)?)))
                .header("Authorization", self.auth())
                .send_json(update)?,
        )?;
        Ok(response.body_mut().read_json()?)
    }

    /// Sends one prepared reply: the message and its attachments as one multipart request.
    pub fn send_reply(
        &self,
        case: &str,
        message: &Path,
        attachments: &[std::path::PathBuf],
    ) -> Result<String, ClientError> {
        const BOUNDARY: &str = "officer-tool-reply-boundary-7d1c";
        let mut parts: Vec<Box<dyn Read>> = Vec::new();
        let mut total = 0u64;
        for (name, path) in
            std::iter::once(("message", message)).chain(attachments.iter().map(|p| ("attachment", p.as_path())))
        {
            let head = format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.age\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            );
            let file = std::fs::File::open(path).map_err(io(path))?;
            total += head.len() as u64 + file.metadata().map_err(io(path))?.len() + 2;
            parts.push(Box::new(std::io::Cursor::new(head.into_bytes())));
            parts.push(Box::new(file));
            parts.push(Box::new(std::io::Cursor::new(b"\r\n".to_vec())));
        }
        let tail = format!("--{BOUNDARY}--\r\n");
        total += tail.len() as u64;
        parts.push(Box::new(std::io::Cursor::new(tail.into_bytes())));
        let bar = bar(total, "reply");
        let mut body = bar.wrap_read(parts.into_iter().reduce(|a, b| Box::new(a.chain(b))).expect("parts"));
        let mut response = check(
            self.agent
                .post(self.url(&format!("/api/officer/cases/{}/messages", crate::folder::check_name(case)?)))
                .header("Authorization", self.auth())
                .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
                .header("Content-Length", total.to_string())
                .send(ureq::SendBody::from_reader(&mut body))?,
        )?;
        bar.finish_and_clear();
        #[derive(Deserialize)]
        struct Created {
            id: String,
        }
        let created: Created = response.body_mut().read_json()?;
        Ok(created.id)
    }

    pub fn audit_log(&self) -> Result<Vec<envelope::audit::AuditEntry>, ClientError> {
        self.get_json("/api/officer/audit?after=0")
    }
}
