//! Decrypting pulled cases on the air-gapped machine: no network, only the folder and the identity.
//! The report and messages are checked against their schema; every attachment's ciphertext is checked
//! against the SHA-256 the encrypted document lists before it is decrypted, so a file swapped on the
//! server is refused rather than shown.

use crate::client::bar;
use crate::folder::{CaseDetail, Folder, FolderError, io, write_atomic};
use envelope::attachment::{PaddingCheck, Unpadder};
use envelope::message::Message;
use envelope::report::{AttachmentEntry, Report};
use envelope::{Decryptor, Identity};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Folder(#[from] FolderError),
    #[error("{0}: cannot decrypt: {1}")]
    Decrypt(String, envelope::DecryptError),
    #[error("{0}: not a valid document: {1}")]
    Schema(String, envelope::report::ReportError),
    #[error("{what}: the encrypted file does not match the digest listed in the report (altered or swapped)")]
    DigestMismatch { what: String },
    #[error("{0}: the document lists {1} attachments but the server holds {2}")]
    AttachmentCount(String, usize, usize),
    #[error("{0}: the server says it is from the {1:?} but the document says {2:?}")]
    WrongAuthor(String, envelope::message::Author, envelope::message::Author),
}

/// What one `open` produced.
pub struct Opened {
    pub dir: PathBuf,
    pub attachments: usize,
    pub messages: usize,
}

/// A file name for the officer's disk from a name the reporter chose: no directories, no leading dot,
/// no control or reserved characters, at most 100 characters, never empty.
pub fn sanitise_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        base.chars().map(|c| if c.is_alphanumeric() || " .-_()".contains(c) { c } else { '_' }).take(100).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() { "adjunto".into() } else { cleaned }
}

fn unique_path(dir: &Path, name: &str) -> PathBuf {
    let mut candidate = dir.join(name);
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem.to_string(), format!(".{extension}")),
        _ => (name.to_string(), String::new()),
    };
    let mut n = 2;
    while candidate.exists() {
        candidate = dir.join(format!("{stem}-{n}{extension}"));
        n += 1;
    }
    candidate
}

/// Decrypts a small age file (a report or message) fully in memory and strips the padding.
fn decrypt_document(path: &Path, identities: &[Identity]) -> Result<Vec<u8>, OpenError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    let mut plain =
        envelope::decrypt(identities, &bytes).map_err(|e| OpenError::Decrypt(path.display().to_string(), e))?;
    let end = plain.iter().rposition(|b| *b != b' ').map_or(0, |i| i + 1);
    plain.truncate(end);
    Ok(plain)
}

/// Streams an attachment: checks its ciphertext digest, then decrypts it to `target`, cutting off its
/// padding at the size the document declares. Returns the size decrypted and what its padding showed.
fn open_attachment(
    source: &Path,
    entry: &AttachmentEntry,
    identities: &[Identity],
    target: &Path,
) -> Result<(u64, PaddingCheck), OpenError> {
    let what = format!("attachment {:?}", entry.name);
    let mut file = std::fs::File::open(source).map_err(io(source))?;
    let mut digest = Sha256::new();
    let mut buffer = vec![0u8; 1024 * 1024];
    loop {
        let read = file.read(&mut buffer).map_err(io(source))?;
        if read == 0 {
            break;
        }
        digest.update(&buffer[..read]);
    }
    if envelope::hex_lower(&digest.finalize()) != entry.ciphertext_sha256 {
        return Err(OpenError::DigestMismatch { what });
    }
    let mut file = std::fs::File::open(source).map_err(io(source))?;
    let len = file.metadata().map_err(io(source))?.len();
    let mut head = Vec::new();
    Read::by_ref(&mut file)
        .take(envelope::inspect::MAX_HEADER_LEN as u64)
        .read_to_end(&mut head)
        .map_err(io(source))?;
    let decrypt_error = |e| OpenError::Decrypt(what.clone(), e);
    let (mut decryptor, header_len) = Decryptor::new(&head, identities).map_err(decrypt_error)?;
    let partial = target.with_extension("part");
    let mut out_file = std::fs::File::create(&partial).map_err(io(&partial))?;
    let progress = bar(len, &sanitise_name(&entry.name));
    let mut out = Vec::with_capacity(buffer.len() + 64 * 1024);
    decryptor.update(&head[header_len..], &mut out).map_err(decrypt_error)?;
    progress.inc(head.len() as u64);
    let mut decrypted = 0u64;
    let mut unpadder = Unpadder::new(entry.size);
    loop {
        out_file.write_all(unpadder.take(&out)).map_err(io(&partial))?;
        decrypted += out.len() as u64;
        out.clear();
        let read = file.read(&mut buffer).map_err(io(source))?;
        if read == 0 {
            break;
        }
        decryptor.update(&buffer[..read], &mut out).map_err(decrypt_error)?;
        progress.inc(read as u64);
    }
    decryptor.finish(&mut out).map_err(decrypt_error)?;
    out_file.write_all(unpadder.take(&out)).and_then(|()| out_file.sync_all()).map_err(io(&partial))?;
    decrypted += out.len() as u64;
    progress.finish_and_clear();
    std::fs::rename(&partial, target).map_err(io(target))?;
    Ok((decrypted, unpadder.finish()))
}

/// Characters that must never reach a terminal or an editor as they are: control characters (ESC
/// sequences run in the officer's terminal, CR overwrites a line, a newline could forge a field) and
/// the bidirectional controls that make "factura\u{202e}fdp.exe" read as "factura…exe.pdf".
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// One line of reporter-supplied text, inert: every unsafe character shown as a visible `\u{…}` escape.
pub fn inert(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Free text of several lines, inert, each line quoted with "| " so that none can pose as a field.
fn quoted(text: &str) -> String {
    text.split('\n').map(|line| format!("| {}\n", inert(line).replace("\\u{9}", "\t"))).collect()
}

fn line(out: &mut String, label: &str, value: &str) {
    if !value.trim().is_empty() {
        out.push_str(&format!("{label}: {}\n", inert(value)));
    }
}

/// A line per attachment, with the declared size (inert name, media type).
fn attachment_lines(out: &mut String, attachments: &[AttachmentEntry]) {
    for (i, attachment) in attachments.iter().enumerate() {
        out.push_str(&format!(
            "Adjunto {}: {} ({}, {} bytes)\n",
            i + 1,
            inert(&attachment.name),
            inert(&attachment.media_type),
            attachment.size
        ));
    }
}

/// The report as text an officer reads or prints. Everything the reporter wrote is inert (see
/// [`inert`]); `warnings` (attachments that do not match the report) come first.
pub fn report_text(case: &CaseDetail, report: &Report, warnings: &[String]) -> String {
    let mut out = String::new();
    for warning in warnings {
        out.push_str(&format!("ATENCIÓN: {warning}\n"));
    }
    line(&mut out, "Caso", &case.summary.id);
    line(&mut out, "Recibido el", &case.summary.received_on);
    line(&mut out, "Cifrado en", report.encrypted_in.as_str());
    line(&mut out, "Idioma", &report.language);
    line(&mut out, "Categoría indicada", report.category.as_str());
    line(&mut out, "Oficina o funcionario", &report.involved);
    line(&mut out, "Lugar", &report.place);
    line(&mut out, "Fecha aproximada", &report.approximate_date);
    match &report.identity {
        None => out.push_str("Identidad: anónima\n"),
        Some(identity) => {
            line(&mut out, "Nombres", &identity.names);
            line(&mut out, "Apellidos", &identity.surnames);
            line(&mut out, "Teléfono", &identity.phone);
            line(&mut out, "Correo", &identity.email);
            let lives = match identity.lives_in_district {
                Some(true) => "sí",
                Some(false) => "no",
                None => "no indicó",
            };
            line(&mut out, "Vive en Miraflores", lives);
        }
    }
    attachment_lines(&mut out, &report.attachments);
    out.push_str("\nDescripción:\n");
    out.push_str(&quoted(&report.description));
    out
}

/// Opens the attachments a document lists into `target_dir`. Returns a warning for each whose decrypted
/// size is neither the size the document declares nor that size with its padding, or whose padding is
/// not all zero bytes (the file is written up to the declared size, and flagged).
fn open_attachments(
    what: &str,
    listed: &[AttachmentEntry],
    held: &[crate::folder::ObjectRef],
    case_dir: &Path,
    identities: &[Identity],
    target_dir: &Path,
) -> Result<Vec<String>, OpenError> {
    if listed.len() != held.len() {
        return Err(OpenError::AttachmentCount(what.into(), listed.len(), held.len()));
    }
    std::fs::create_dir_all(target_dir).map_err(io(target_dir))?;
    let mut warnings = Vec::new();
    for (i, (entry, object)) in listed.iter().zip(held).enumerate() {
        let source = case_dir.join("objects").join(crate::folder::check_name(&object.object)?);
        let target = unique_path(target_dir, &sanitise_name(&entry.name));
        let (decrypted, padding) = open_attachment(&source, entry, identities, &target)?;
        if padding == PaddingCheck::Mismatch {
            let warning = format!(
                "{what}, adjunto {} ({}): descifrado mide {decrypted} bytes y el documento declara {} \
                 (con relleno, {}); no coincide",
                i + 1,
                target.display(),
                entry.size,
                envelope::attachment::padded_len(entry.size)
            );
            eprintln!("warning: {warning}");
            warnings.push(warning);
        }
    }
    Ok(warnings)
}

/// Decrypts one case into `cases/<id>/opened/` (replacing an earlier opening).
pub fn open_case(folder: &Folder, id: &str, identities: &[Identity]) -> Result<Opened, OpenError> {
    let case = folder.read_case(id)?;
    let case_dir = folder.case_dir(id)?;
    let opened = case_dir.join("opened");
    if opened.exists() {
        std::fs::remove_dir_all(&opened).map_err(io(&opened))?;
    }
    let plain = decrypt_document(&case_dir.join("report.age"), identities)?;
    let report = Report::from_json(&plain).map_err(|e| OpenError::Schema("report".into(), e))?;
    write_atomic(&opened.join("report.json"), &plain)?;
    // Attachments first: report.txt names the ones that do not match what the report declares.
    let warnings = open_attachments(
        "report",
        &report.attachments,
        &case.attachments,
        &case_dir,
        identities,
        &opened.join("attachments"),
    )?;
    write_atomic(&opened.join("report.txt"), report_text(&case, &report, &warnings).as_bytes())?;
    let mut attachments = report.attachments.len();

    for (n, reference) in case.messages.iter().enumerate() {
        let name = format!("{:02}-{}-{}", n + 1, reference.author.as_str(), sanitise_name(&reference.sent_on));
        let path = case_dir.join("messages").join(format!("{}.age", crate::folder::check_name(&reference.id)?));
        let plain = decrypt_document(&path, identities)?;
        let message = Message::from_json(&plain).map_err(|e| OpenError::Schema(name.clone(), e))?;
        if message.author != reference.author {
            return Err(OpenError::WrongAuthor(name, reference.author, message.author));
        }
        let target = opened.join("messages").join(format!("{name}-adjuntos"));
        let warnings =
            open_attachments(&name, &message.attachments, &reference.attachments, &case_dir, identities, &target)?;
        let mut text: String = warnings.iter().map(|warning| format!("ATENCIÓN: {warning}\n")).collect();
        let from = match message.author {
            envelope::message::Author::Office => "Oficina de Integridad",
            envelope::message::Author::Reporter => "la persona que denunció",
        };
        text.push_str(&format!("De: {from}\nEnviado el: {}\n", inert(&reference.sent_on)));
        attachment_lines(&mut text, &message.attachments);
        text.push('\n');
        text.push_str(&quoted(&message.text));
        write_atomic(&opened.join("messages").join(format!("{name}.txt")), text.as_bytes())?;
        attachments += message.attachments.len();
    }
    Ok(Opened { dir: opened, attachments, messages: case.messages.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_reporters_cannot_escape_or_hide() {
        assert_eq!(sanitise_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitise_name("C:\\Users\\x\\foto 1.jpg"), "foto 1.jpg");
        assert_eq!(sanitise_name(".bashrc"), "bashrc");
        assert_eq!(sanitise_name("a\u{0}b\nc.pdf"), "a_b_c.pdf");
        assert_eq!(sanitise_name(""), "adjunto");
        assert_eq!(sanitise_name("Declaración jurada.pdf"), "Declaración jurada.pdf");
        assert_eq!(sanitise_name(&"x".repeat(300)).len(), 100);
        assert_eq!(sanitise_name("factura\u{202e}fdp.exe"), "factura_fdp.exe");
    }

    #[test]
    fn reporter_text_is_inert_and_cannot_forge_lines() {
        assert_eq!(inert("a\u{1b}[31mrojo\u{7}"), "a\\u{1b}[31mrojo\\u{7}");
        assert_eq!(inert("factura\u{202e}fdp.exe"), "factura\\u{202e}fdp.exe");
        assert_eq!(inert("x\ry\u{85}z\u{2066}"), "x\\u{d}y\\u{85}z\\u{2066}");
        assert_eq!(inert("Declaración jurada, S/ 500"), "Declaración jurada, S/ 500");
        assert_eq!(quoted("uno\nAdjunto 1: falso.pdf\n\tdos"), "| uno\n| Adjunto 1: falso.pdf\n| \tdos\n");
        let mut out = String::new();
        line(&mut out, "Lugar", "Parque\nAdjunto 1: falso.pdf");
        assert_eq!(out, "Lugar: Parque\\u{a}Adjunto 1: falso.pdf\n");
        assert!(!out.contains('\u{1b}'));
    }
}
