//! Requests for quotation with sealed bids (cotización de bienes y servicios): the procurement committee
//! publishes a request with its items, deadline and the age recipient of a key that the committee's
//! members hold in shares (`committee keygen`); a supplier's browser encrypts the bid to it (island,
//! bundle `procurement`) and sends it through the sealed transport; the server stores ciphertext it
//! cannot read and refuses a bid after the deadline by its own clock. At the deadline the count and the
//! SHA-256 of every bid are published; after the committee opens them offline (`committee open`), the
//! comparison table, the award with its reasons and the tender's key are published, so that anyone can
//! check the table. Each tender is also an OCDS release package.
#[cfg(feature = "ssr")]
pub mod fields;
#[cfg(any(feature = "ssr", feature = "browser-procurement"))]
pub mod island;
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;

use serde::{Deserialize, Serialize};

/// An item of the request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub position: u32,
    pub description: String,
    pub quantity: u64,
    pub unit: String,
    pub specification: String,
}

/// A bid as the portal knows it: who, when, and the SHA-256 of what it cannot read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bid {
    pub id: String,
    pub supplier_ruc: String,
    pub supplier_name: String,
    pub sha256: String,
    pub size: u64,
    pub received_at: String,
}

/// What the committee published after the opening.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    pub opened_at: String,
    pub secret_key: String,
    /// The comparison table, CSV as `committee open` wrote it.
    pub comparison: String,
    pub award_ruc: String,
    pub award_name: String,
    pub award_cents: i64,
    pub award_reasons: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tender {
    pub number: String,
    pub title: String,
    pub area: String,
    pub estimated_cents: i64,
    pub published_at: String,
    /// UTC, RFC 3339.
    pub deadline: String,
    pub recipient: String,
    pub threshold: u32,
    /// The committee: official ids.
    pub committee: Vec<String>,
    pub items: Vec<Item>,
    pub opening: Option<Opening>,
}

/// Where a tender is, by the server's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Bids are taken.
    Open,
    /// The deadline passed: the hashes are published, the opening is awaited.
    Closed,
    /// The committee published the opening.
    Opened,
}

impl Tender {
    /// `now`: UTC RFC 3339 (strings of one format compare as times).
    pub fn stage(&self, now: &str) -> Stage {
        match (&self.opening, now < self.deadline.as_str()) {
            (Some(_), _) => Stage::Opened,
            (None, true) => Stage::Open,
            (None, false) => Stage::Closed,
        }
    }
}

/// What the bid page's island needs: the tender's number, recipient, deadline and items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidSettings {
    pub tender: String,
    pub recipient: String,
    pub deadline: String,
    pub items: Vec<Item>,
    pub max_bid_bytes: u64,
}

/// What `POST /api/bids` answers: the SHA-256 of the stored ciphertext (the supplier's receipt).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidAccepted {
    pub sha256: String,
    pub received_at: String,
}
