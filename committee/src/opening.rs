//! The opening: each downloaded ciphertext checked against the list of SHA-256 the portal published at
//! the deadline (`sha256sum` format), decrypted with the rebuilt key, read as a bid document, and the
//! comparison table written. A bid not on the list is not opened; a listed one that is missing or
//! altered stops the opening, named.

use envelope::bid::{BidDocument, soles};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum OpeningError {
    #[error("line {0} of the hash list is not `<64 hex digits>  <file name>`")]
    HashList(usize),
    #[error("{0} is on the published list but not among the downloaded bids")]
    Missing(String),
    #[error("{0} is not the ciphertext the portal published: its SHA-256 differs")]
    Altered(String),
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
}

/// A published entry: the ciphertext's SHA-256 (hex) and its file name.
pub type Listed = (String, String);

/// Reads `sha256sum`'s format: `<hash>  <name>` (or `<hash> *<name>`), blank lines skipped.
pub fn read_hash_list(text: &str) -> Result<Vec<Listed>, OpeningError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(at, line)| {
            let (hash, name) = line.split_once(' ').ok_or(OpeningError::HashList(at + 1))?;
            let name = name.trim_start().trim_start_matches('*').trim();
            let ok = hash.len() == 64
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && !name.is_empty()
                && !name.contains(['/', '\\'])
                && name != "..";
            if ok { Ok((hash.to_ascii_lowercase(), name.to_string())) } else { Err(OpeningError::HashList(at + 1)) }
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// One listed bid after the opening: its document, or why it could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedBid {
    pub file: String,
    pub sha256: String,
    pub outcome: Result<BidDocument, String>,
}

fn decrypt(identity: &age::x25519::Identity, ciphertext: &[u8]) -> Result<Vec<u8>, String> {
    let decryptor = age::Decryptor::new(ciphertext).map_err(|e| format!("not an age file: {e}"))?;
    let mut reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|_| "not encrypted to this tender's key".to_string())?;
    let mut plaintext = Vec::new();
    reader.read_to_end(&mut plaintext).map_err(|e| format!("damaged ciphertext: {e}"))?;
    Ok(plaintext)
}

/// Opens every listed bid found in `dir`. The published list decides what is opened.
pub fn open_bids(
    dir: &Path,
    listed: &[Listed],
    identity: &age::x25519::Identity,
    tender: &str,
) -> Result<Vec<OpenedBid>, OpeningError> {
    let mut ciphertexts = Vec::with_capacity(listed.len());
    for (hash, name) in listed {
        let path = dir.join(name);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(OpeningError::Missing(name.clone()));
            }
            Err(error) => return Err(OpeningError::Read(name.clone(), error)),
        };
        if sha256_hex(&bytes) != *hash {
            return Err(OpeningError::Altered(name.clone()));
        }
        ciphertexts.push((name.clone(), hash.clone(), bytes));
    }
    Ok(ciphertexts
        .into_iter()
        .map(|(file, sha256, bytes)| {
            let outcome = decrypt(identity, &bytes).and_then(|plaintext| {
                let document: BidDocument =
                    serde_json::from_slice(&plaintext).map_err(|e| format!("not a bid document: {e}"))?;
                if document.format != 1 {
                    return Err(format!("bid document format {} is not known", document.format));
                }
                if document.tender != tender {
                    return Err(format!("a bid for tender {}, not {tender}", document.tender));
                }
                document.total_cents().ok_or("the total does not fit".to_string())?;
                for attachment in &document.attachments {
                    attachment.bytes().map_err(|e| e.to_string())?;
                }
                Ok(document)
            });
            OpenedBid { file, sha256, outcome }
        })
        .collect())
}

/// The comparison table: readable bids by total (lowest first, then by file), then those that could
/// not be read with the reason.
pub fn comparison_csv(bids: &[OpenedBid]) -> String {
    let mut readable: Vec<(&OpenedBid, &BidDocument, i64)> = bids
        .iter()
        .filter_map(|bid| bid.outcome.as_ref().ok().map(|doc| (bid, doc, doc.total_cents().unwrap_or(i64::MAX))))
        .collect();
    readable.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.file.cmp(&b.0.file)));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "orden",
        "archivo",
        "sha256",
        "ruc",
        "postor",
        "total_soles",
        "plazo_entrega_dias",
        "validez_dias",
        "observacion",
        "archivos",
    ];
    writer.write_record(header).expect("writes to memory");
    for (at, (bid, doc, total)) in readable.iter().enumerate() {
        writer
            .write_record([
                (at + 1).to_string(),
                bid.file.clone(),
                bid.sha256.clone(),
                doc.supplier_ruc.clone(),
                doc.supplier_name.clone(),
                soles(*total),
                doc.delivery_days.to_string(),
                doc.validity_days.to_string(),
                String::new(),
                doc.attachments.len().to_string(),
            ])
            .expect("writes to memory");
    }
    for bid in bids.iter().filter(|bid| bid.outcome.is_err()) {
        let reason = bid.outcome.as_ref().err().cloned().unwrap_or_default();
        let row = ["", &bid.file, &bid.sha256, "", "", "", "", "", &reason, ""];
        writer.write_record(row).expect("writes to memory");
    }
    String::from_utf8(writer.into_inner().expect("memory")).expect("UTF-8 in, UTF-8 out")
}

/// An opened bid's files as the opening writes them: numbered so that two files of one name stay
/// two, each name safe for any folder. Already checked against their SHA-256 by [`open_bids`].
pub fn attachment_files(document: &BidDocument) -> Vec<(String, Vec<u8>)> {
    document
        .attachments
        .iter()
        .enumerate()
        .filter_map(|(at, attachment)| {
            Some((format!("{}-{}", at + 1, attachment.file_name()), attachment.bytes().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_list_is_sha256sum_output() {
        let hash = "a".repeat(64);
        let list = read_hash_list(&format!("{hash}  oferta-1.age\n\n{} *oferta-2.age\n", "B".repeat(64))).unwrap();
        assert_eq!(list, vec![(hash.clone(), "oferta-1.age".into()), ("b".repeat(64), "oferta-2.age".into())]);
        assert!(matches!(read_hash_list(&format!("{hash}  ../etc/passwd")), Err(OpeningError::HashList(1))));
        assert!(matches!(read_hash_list("abc  x.age"), Err(OpeningError::HashList(1))));
    }
}
