//! The wire types of cases, shared by the portal (server and browser) and the integrity office's tool:
//! the officer API (`/api/officer/…`) and the reporter's follow-up (`/api/follow-up…`). Metadata only
//! (days, statuses, deadlines, lengths of age files), never contents. Kept apart from the Leptos app
//! so the officer tool speaks the same types without linking a web framework.

use envelope::message::Author;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    #[default]
    Received,
    Acknowledged,
    UnderInvestigation,
    Referred,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 5] = [
        CaseStatus::Received,
        CaseStatus::Acknowledged,
        CaseStatus::UnderInvestigation,
        CaseStatus::Referred,
        CaseStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Received => "received",
            CaseStatus::Acknowledged => "acknowledged",
            CaseStatus::UnderInvestigation => "under_investigation",
            CaseStatus::Referred => "referred",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<CaseStatus> {
        let text = text.replace('-', "_");
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }
}

/// One case's metadata with its deadlines worked out for a given day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: String,
    pub received_on: String,
    pub status: CaseStatus,
    /// The office's category after triage (one of `envelope::report::Category`), if set.
    pub category: Option<String>,
    pub acknowledged_on: Option<String>,
    pub feedback_on: Option<String>,
    pub closed_on: Option<String>,
    pub acknowledgement_due: String,
    pub feedback_due: String,
    pub acknowledgement_overdue: bool,
    pub feedback_overdue: bool,
    pub messages: u32,
    pub key_ids: Vec<String>,
}

impl CaseSummary {
    pub fn overdue(&self) -> bool {
        self.acknowledgement_overdue || self.feedback_overdue
    }
}

/// An age file the server holds: an attachment's object name and its length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    pub object: String,
    pub len: u64,
}

/// A message on a case as the officer API lists it (its age file is fetched separately).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRef {
    pub id: String,
    pub author: Author,
    pub sent_on: String,
    pub len: u64,
    pub attachments: Vec<ObjectRef>,
}

/// One case for the officer tool (`GET /api/officer/cases/{case}`): what to download and where
/// replies go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub reply_recipient: String,
    pub report_len: u64,
    pub attachments: Vec<ObjectRef>,
    pub messages: Vec<MessageRef>,
}

/// An integrity office key as the database remembers it and the officer API lists it, retired ones
/// included (days are `YYYY-MM-DD`, Lima time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeKey {
    pub key_id: String,
    pub name: String,
    pub recipient: String,
    pub first_configured_on: String,
    pub retired_on: Option<String>,
}

/// One message on a case as the follow-up page receives it: the age file inline (base64), because
/// messages are small (a padded document) and one answer saves round trips on a slow phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpMessage {
    pub id: String,
    pub author: Author,
    pub sent_on: String,
    pub ciphertext_base64: String,
    pub attachments: Vec<ObjectRef>,
}

/// The answer to a reporter who presented a valid receipt: dates, status, deadlines and messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpCase {
    pub received_on: String,
    pub status: CaseStatus,
    pub acknowledged_on: Option<String>,
    pub feedback_on: Option<String>,
    pub closed_on: Option<String>,
    pub acknowledgement_due: String,
    pub feedback_due: String,
    pub messages: Vec<FollowUpMessage>,
}

/// `POST /api/follow-up`: the lookup token derived from the receipt (hex) and a solved challenge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpRequest {
    pub lookup_token: String,
    pub challenge: String,
    pub nonce: u64,
}

/// `POST /api/follow-up/object`: one attachment of a message, by the same lookup token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpObjectRequest {
    pub lookup_token: String,
    pub object: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_accept_dashes() {
        for status in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(CaseStatus::parse("under-investigation"), Some(CaseStatus::UnderInvestigation));
        assert_eq!(CaseStatus::parse("open"), None);
    }
}
