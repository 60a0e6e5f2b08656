//! Replies: prepared on the air-gapped machine (encrypted to the reporter's reply key and to every
//! active office key, so the office can read its own replies later), queued in the folder's `outbox/`,
//! and sent from the online machine by `push`.

use crate::folder::{Folder, FolderError, OfficeKey, io, read_json, write_atomic, write_json};
use envelope::message::{Author, Message};
use envelope::report::AttachmentEntry;
use envelope::{Encryptor, Recipient};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error(transparent)]
    Folder(#[from] FolderError),
    #[error("no office keys in this folder: pull (or import a bundle) first")]
    NoKeys,
    #[error("a key in the folder is not an age recipient: {0}")]
    BadRecipient(String),
    #[error("the reply is too long: {0}")]
    TooLong(envelope::report::ReportError),
    #[error("the reply is empty")]
    Empty,
}

/// What an outbox item is for.
#[derive(Serialize, Deserialize)]
pub struct OutboxItem {
    pub case: String,
    pub attachments: usize,
}

fn recipients(folder: &Folder, case: &str) -> Result<Vec<Recipient>, ReplyError> {
    let keys_path = folder.path("keys.json");
    if !keys_path.exists() {
        return Err(ReplyError::NoKeys);
    }
    let keys: Vec<OfficeKey> = read_json(&keys_path)?;
    let detail = folder.read_case(case)?;
    let mut texts: Vec<String> = keys.into_iter().filter(|k| k.retired_on.is_none()).map(|k| k.recipient).collect();
    if texts.is_empty() {
        return Err(ReplyError::NoKeys);
    }
    texts.push(detail.reply_recipient);
    texts.iter().map(|t| t.parse().map_err(|_| ReplyError::BadRecipient(t.clone()))).collect()
}

/// Encrypts a file and its padding (as the reporter's attachments are: the portal sees only a size
/// class); returns the ciphertext's digest and the file's size.
fn encrypt_file(source: &Path, recipients: &[Recipient], target: &Path) -> Result<(String, u64), ReplyError> {
    let mut input = std::fs::File::open(source).map_err(io(source))?;
    let mut size = 0u64;
    let mut encryptor = Encryptor::new(recipients).map_err(|_| ReplyError::NoKeys)?;
    let mut out = Vec::new();
    let mut buffer = vec![0u8; 1024 * 1024];
    loop {
        let read = input.read(&mut buffer).map_err(io(source))?;
        if read == 0 {
            break;
        }
        size += read as u64;
        encryptor.update(&buffer[..read], &mut out);
    }
    encryptor.update_zeros(envelope::attachment::padding_len(size), &mut out);
    encryptor.finish(&mut out);
    write_atomic(target, &out)?;
    Ok((envelope::hex_lower(&Sha256::digest(&out)), size))
}

fn media_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("pdf") => "application/pdf",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

/// Encrypts a reply and its files into a new outbox item; returns its directory.
pub fn prepare(
    folder: &Folder,
    case: &str,
    text: &str,
    files: &[PathBuf],
    language: &str,
) -> Result<PathBuf, ReplyError> {
    if text.trim().is_empty() {
        return Err(ReplyError::Empty);
    }
    let recipients = recipients(folder, case)?;
    let mut random = [0u8; 8];
    rand_bytes(&mut random);
    let item = folder.path("outbox").join(format!("{case}-{}", envelope::hex_lower(&random)));
    let mut message = Message::new(Author::Office, language, text.to_string());
    for (i, file) in files.iter().enumerate() {
        let (digest, size) = encrypt_file(file, &recipients, &item.join("attachments").join(format!("{i:02}.age")))?;
        let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "adjunto".into());
        message.attachments.push(AttachmentEntry {
            media_type: media_type(&name).into(),
            name,
            size,
            ciphertext_sha256: digest,
        });
    }
    let padded = message.to_padded_json(1024 * 1024).map_err(ReplyError::TooLong)?;
    let ciphertext = envelope::encrypt(&recipients, &padded).map_err(|_| ReplyError::NoKeys)?;
    write_atomic(&item.join("message.age"), &ciphertext)?;
    write_json(&item.join("item.json"), &OutboxItem { case: case.to_string(), attachments: files.len() })?;
    Ok(item)
}

fn rand_bytes(out: &mut [u8]) {
    getrandom::getrandom(out).expect("the operating system's random source works");
}

/// The outbox items waiting to be sent, oldest name first.
pub fn pending(folder: &Folder) -> Result<Vec<(PathBuf, OutboxItem)>, FolderError> {
    let dir = folder.path("outbox");
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut items = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
        let path = entry.map_err(io(&dir))?.path();
        if path.join("item.json").exists() {
            let item: OutboxItem = read_json(&path.join("item.json"))?;
            items.push((path, item));
        }
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(items)
}

pub fn attachments_of(item: &Path, count: usize) -> Vec<PathBuf> {
    (0..count).map(|i| item.join("attachments").join(format!("{i:02}.age"))).collect()
}

/// Moves a sent item out of the outbox, so it is never sent twice.
pub fn mark_sent(folder: &Folder, item: &Path) -> Result<(), FolderError> {
    let sent = folder.path("sent");
    std::fs::create_dir_all(&sent).map_err(io(&sent))?;
    let target = sent.join(item.file_name().expect("item has a name"));
    std::fs::rename(item, &target).map_err(io(&target))
}
