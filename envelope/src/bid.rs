//! What a supplier's browser encrypts to a tender's key: the bid document (version 1) with its files
//! inside, padded with spaces so that its length says little about its contents (a multiple of 4 KiB,
//! and Padmé's rounding once files make it long). The portal never sees it in the clear; the
//! committee's tool reads it at the opening. The files travel inside the one ciphertext, so the
//! supplier's receipt (its SHA-256) covers the prices, the terms and every file at once.
use serde::{Deserialize, Serialize};
use sha2::Digest;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidDocument {
    /// 1.
    pub format: u32,
    /// The tender's number (`SC-2026-001`): a bid copied to another tender is seen.
    pub tender: String,
    pub supplier_ruc: String,
    pub supplier_name: String,
    /// A price for each item of the request, in céntimos (PEN).
    pub lines: Vec<BidLine>,
    /// Days to deliver after the order.
    pub delivery_days: u32,
    /// Days the offer holds.
    pub validity_days: u32,
    /// Terms, warranty, remarks.
    pub terms: String,
    /// The files sent with the bid (technical sheets, certificates), inside the document.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidLine {
    /// The item's number in the request.
    pub item: u32,
    pub quantity: u64,
    pub unit_price_cents: i64,
}

/// A file of the bid: its name and type as the supplier's browser gave them, its size and SHA-256,
/// and its bytes in base64.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub media_type: String,
    pub size: u64,
    /// SHA-256 of the file (hex).
    pub sha256: String,
    /// The file, base64 (standard alphabet, padded).
    pub content: String,
}

/// At most this many files a bid.
pub const MAX_ATTACHMENTS: usize = 10;
/// At most this many bytes of files a bid (their base64 inside the document is a third more).
pub const MAX_ATTACHMENT_BYTES: u64 = 6 * 1024 * 1024;

/// Why a file of an opened bid cannot be trusted.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file {0} is not valid base64")]
    Encoding(String),
    #[error("the file {0} is not the size or SHA-256 its bid states")]
    Mismatch(String),
}

impl Attachment {
    pub fn new(name: &str, media_type: &str, bytes: &[u8]) -> Self {
        use base64::Engine;
        Attachment {
            name: name.to_string(),
            media_type: media_type.to_string(),
            size: bytes.len() as u64,
            sha256: crate::hex_lower(&sha2::Sha256::digest(bytes)),
            content: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    /// The file's bytes, checked against the size and SHA-256 the bid states.
    pub fn bytes(&self) -> Result<Vec<u8>, AttachmentError> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.content)
            .map_err(|_| AttachmentError::Encoding(self.name.clone()))?;
        if bytes.len() as u64 != self.size || crate::hex_lower(&sha2::Sha256::digest(&bytes)) != self.sha256 {
            return Err(AttachmentError::Mismatch(self.name.clone()));
        }
        Ok(bytes)
    }

    /// A name safe to write in any folder: letters, digits, `.`, `-` and `_` (others become `_`), never
    /// starting with a dot, at most 100 characters; `archivo` if nothing is left.
    pub fn file_name(&self) -> String {
        let base = self.name.rsplit(['/', '\\']).next().unwrap_or_default();
        let safe: String = base
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
            .take(100)
            .collect();
        let safe = safe.trim_start_matches('.').to_string();
        if safe.is_empty() { "archivo".into() } else { safe }
    }
}

impl BidDocument {
    /// The bid's total in céntimos: each line's quantity times its unit price (None on overflow).
    pub fn total_cents(&self) -> Option<i64> {
        self.lines.iter().try_fold(0i64, |sum, line| {
            sum.checked_add(i64::try_from(line.quantity).ok()?.checked_mul(line.unit_price_cents)?)
        })
    }
}

/// Céntimos as soles with two decimals: 123456 → `1234.56`.
pub fn soles(cents: i64) -> String {
    format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

/// Padded bid documents are a multiple of this many bytes.
pub const PAD: usize = 4096;

impl BidDocument {
    /// The JSON document followed by spaces up to the next multiple of [`PAD`], or Padmé's length
    /// if that is longer (JSON allows trailing whitespace, so the padded text reads as the same
    /// document). Without files every bid is one 4 KiB block.
    pub fn to_padded_json(&self) -> Vec<u8> {
        let mut json = serde_json::to_vec(self).expect("a bid document serialises");
        let blocks = json.len().div_ceil(PAD).max(1) * PAD;
        let padded = blocks.max(crate::attachment::padme(json.len() as u64) as usize);
        json.resize(padded, b' ');
        json
    }

    /// The files' total size.
    pub fn attachment_bytes(&self) -> u64 {
        self.attachments.iter().map(|a| a.size).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_padded_bid_reads_back_and_its_length_hides_its_contents() {
        let mut bid = BidDocument {
            format: 1,
            tender: "SC-2026-001".into(),
            supplier_ruc: "20512345671".into(),
            supplier_name: "Constructora Los Andes SAC".into(),
            lines: vec![BidLine { item: 1, quantity: 10, unit_price_cents: 12_000 }],
            delivery_days: 15,
            validity_days: 30,
            terms: String::new(),
            attachments: Vec::new(),
        };
        let short = bid.to_padded_json();
        bid.terms = "x".repeat(2000);
        bid.lines[0].unit_price_cents = 999_999_999;
        let long = bid.to_padded_json();
        assert_eq!((short.len(), long.len()), (PAD, PAD));
        assert_eq!(serde_json::from_slice::<BidDocument>(&long).unwrap(), bid);
        assert_eq!(bid.total_cents(), Some(9_999_999_990));
        assert_eq!(soles(123_456), "1234.56");
    }

    #[test]
    fn files_travel_inside_and_are_checked_on_reading() {
        let file: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut bid = BidDocument {
            format: 1,
            tender: "SC-2026-001".into(),
            supplier_ruc: "20512345671".into(),
            supplier_name: "Andes SAC".into(),
            lines: vec![BidLine { item: 1, quantity: 1, unit_price_cents: 100 }],
            delivery_days: 1,
            validity_days: 1,
            terms: String::new(),
            attachments: vec![Attachment::new("C:\\ofertas\\ficha técnica.pdf", "application/pdf", &file)],
        };
        assert_eq!(bid.attachments[0].file_name(), "ficha_t_cnica.pdf");
        assert_eq!(bid.attachment_bytes(), 200_000);
        let padded = bid.to_padded_json();
        assert!(padded.len() > 266_000 && padded.len().is_multiple_of(PAD), "{}", padded.len());
        assert_eq!(padded.len() as u64, crate::attachment::padme(padded.len() as u64), "a Padmé length");
        let read: BidDocument = serde_json::from_slice(&padded).unwrap();
        assert_eq!(read.attachments[0].bytes().unwrap(), file);
        bid.attachments[0].content.replace_range(0..4, "AAAA");
        assert!(matches!(bid.attachments[0].bytes(), Err(AttachmentError::Mismatch(_))));
        bid.attachments[0].content.push('!');
        assert!(matches!(bid.attachments[0].bytes(), Err(AttachmentError::Encoding(_))));
        let dots = Attachment::new("../..", "text/plain", b"x");
        assert_eq!(dots.file_name(), "archivo");
    }
}
