//! What a supplier's browser encrypts to a tender's key: the bid document (version 1), padded with
//! spaces to a multiple of 4 KiB so that its length says nothing about its contents. The portal never
//! sees it in the clear; the committee's tool reads it at the opening.
use serde::{Deserialize, Serialize};

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
    /// The files sent with the bid, each its own ciphertext, by SHA-256.
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub size: u64,
    pub ciphertext_sha256: String,
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
    /// The JSON document followed by spaces up to the next multiple of [`PAD`] (JSON allows trailing
    /// whitespace, so the padded text reads as the same document).
    pub fn to_padded_json(&self) -> Vec<u8> {
        let mut json = serde_json::to_vec(self).expect("a bid document serialises");
        let padded = json.len().div_ceil(PAD).max(1) * PAD;
        json.resize(padded, b' ');
        json
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
}
