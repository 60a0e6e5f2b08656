//! Cases as the integrity office and the reporter see them: metadata only (days, status, deadlines),
//! never contents. Compiled into the server, which computes deadlines, and the browser, which shows
//! them. Deadlines follow EU Directive 2019/1937 art. 9 and ISO 37002: acknowledge within 7 days of
//! receipt; give feedback within 3 months of the acknowledgement (or of the 7 days, if none was sent).

use serde::{Deserialize, Serialize};

pub const ACKNOWLEDGE_WITHIN_DAYS: i64 = 7;
pub const FEEDBACK_WITHIN_MONTHS: u8 = 3;

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

/// Deadlines from the stored days (`YYYY-MM-DD`); `today` decides what is overdue.
#[cfg(feature = "ssr")]
pub mod deadlines {
    use time::{Date, Duration, Month};

    const FORMAT: &[time::format_description::FormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day]");

    pub fn parse_day(day: &str) -> Option<Date> {
        Date::parse(day, FORMAT).ok()
    }

    pub fn format_day(date: Date) -> String {
        date.format(FORMAT).expect("formattable date")
    }

    /// `date` plus `months` calendar months, on the last day of the month when the day does not exist
    /// (31 January + 1 month = 28 or 29 February).
    pub fn add_months(date: Date, months: u8) -> Date {
        let total = date.month() as i32 - 1 + i32::from(months);
        let year = date.year() + total / 12;
        let month = Month::try_from((total % 12 + 1) as u8).expect("month in range");
        let last = month.length(year);
        Date::from_calendar_date(year, month, date.day().min(last)).expect("valid date")
    }

    pub struct Deadlines {
        pub acknowledgement_due: String,
        pub feedback_due: String,
        pub acknowledgement_overdue: bool,
        pub feedback_overdue: bool,
    }

    pub fn work_out(received_on: &str, acknowledged_on: Option<&str>, feedback_on: Option<&str>, today: &str) -> Deadlines {
        let received = parse_day(received_on).unwrap_or(Date::MIN);
        let acknowledgement_due = received + Duration::days(super::ACKNOWLEDGE_WITHIN_DAYS);
        let feedback_from = acknowledged_on.and_then(parse_day).unwrap_or(acknowledgement_due);
        let feedback_due = add_months(feedback_from, super::FEEDBACK_WITHIN_MONTHS);
        let today = parse_day(today).unwrap_or(Date::MIN);
        Deadlines {
            acknowledgement_due: format_day(acknowledgement_due),
            feedback_due: format_day(feedback_due),
            acknowledgement_overdue: acknowledged_on.is_none() && today > acknowledgement_due,
            feedback_overdue: feedback_on.is_none() && today > feedback_due,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn acknowledgement_is_due_seven_days_after_receipt() {
            let d = work_out("2026-11-24", None, None, "2026-12-01");
            assert_eq!(d.acknowledgement_due, "2026-12-01");
            assert!(!d.acknowledgement_overdue);
            assert!(work_out("2026-11-24", None, None, "2026-12-02").acknowledgement_overdue);
            assert!(!work_out("2026-11-24", Some("2026-11-30"), None, "2026-12-02").acknowledgement_overdue);
        }

        #[test]
        fn feedback_is_due_three_months_after_acknowledgement() {
            let d = work_out("2026-11-20", Some("2026-11-30"), None, "2027-02-28");
            assert_eq!(d.feedback_due, "2027-02-28");
            assert!(!d.feedback_overdue);
            assert!(work_out("2026-11-20", Some("2026-11-30"), None, "2027-03-01").feedback_overdue);
            assert!(!work_out("2026-11-20", Some("2026-11-30"), Some("2027-01-10"), "2027-06-01").feedback_overdue);
            // Never acknowledged: counted from the last day the acknowledgement was due.
            assert_eq!(work_out("2026-11-24", None, None, "2026-11-24").feedback_due, "2027-03-01");
        }

        #[test]
        fn months_are_calendar_months() {
            let day = |s| parse_day(s).unwrap();
            assert_eq!(format_day(add_months(day("2027-11-30"), 3)), "2028-02-29");
            assert_eq!(format_day(add_months(day("2026-10-15"), 3)), "2027-01-15");
        }
    }
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

/// What the officers' case list page shows, loaded by the server for a signed-in officer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeView {
    pub username: String,
    pub today: String,
    pub cases: Vec<CaseSummary>,
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
    pub author: envelope::message::Author,
    pub sent_on: String,
    pub len: u64,
    pub attachments: Vec<ObjectRef>,
}

/// One case for the officer tool (`GET /api/officer/cases/{case}`): what to download and where
/// replies go. The officer tool reads the same JSON with its own types (it does not link this crate).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub reply_recipient: String,
    pub report_len: u64,
    pub attachments: Vec<ObjectRef>,
    pub messages: Vec<MessageRef>,
}

/// An office key as the officer API lists it, retired ones included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyView {
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
    pub author: envelope::message::Author,
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

/// What the follow-up page keeps while a case is open: the lookup token and the reply key, as text.
/// The key never leaves the tab; only the token is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseKeys {
    pub lookup_token: String,
    pub reply_secret: String,
}

/// A message as the follow-up page shows it, decrypted in the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownMessage {
    pub author: envelope::message::Author,
    pub sent_on: String,
    /// `None` when this receipt's key does not open it.
    pub text: Option<String>,
    pub attachments: Vec<ShownAttachment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownAttachment {
    pub name: String,
    pub media_type: String,
    pub size: u64,
    /// Present when the reporter can fetch and decrypt it (the office's attachments).
    pub object: Option<ObjectRef>,
}

/// A case open on the follow-up page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenCase {
    pub keys: CaseKeys,
    pub case: FollowUpCase,
    pub messages: Vec<ShownMessage>,
}
