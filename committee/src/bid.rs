//! What a supplier's browser encrypts to the tender's key: the bid document (version 1). The portal
//! never sees it in the clear; the committee reads it at the opening.
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
