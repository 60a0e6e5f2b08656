//! Cases as the integrity office and the reporter see them: metadata only (days, status, deadlines),
//! never contents. Compiled into the server, which computes deadlines, and the browser, which shows
//! them. Deadlines follow EU Directive 2019/1937 art. 9 and ISO 37002: acknowledge within 7 days of
//! receipt; give feedback within 3 months of the acknowledgement (or of the 7 days, if none was sent).

use serde::{Deserialize, Serialize};

#[cfg(feature = "hydrate")]
pub mod follow_up;
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;

pub use case_api::{
    CaseDetail, CaseStatus, CaseSummary, FollowUpCase, FollowUpMessage, FollowUpObjectRequest, FollowUpRequest,
    MessageRef, ObjectRef, OfficeKey,
};

/// What can be wrong on the follow-up page beyond the transport's problems, as a stable wire code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseProblem {
    /// No case opens with this receipt (mistyped, or not ours). Told apart from nothing else, so that
    /// the answer says nothing about which receipts exist.
    CaseNotFound,
}

/// The message for a case problem, in the reader's language.
pub fn problem_message(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, problem: CaseProblem) -> String {
    use crate::i18n::t_string;
    match problem {
        CaseProblem::CaseNotFound => t_string!(i18n, cases.problem.case_not_found).to_string(),
    }
}

/// A status as the reader's language names it (pages, and the complaint statistics' tables).
pub fn status_label(locale: crate::i18n::Locale, status: CaseStatus) -> &'static str {
    use crate::i18n::td_string;
    match status {
        CaseStatus::Received => td_string!(locale, cases.case_status.received),
        CaseStatus::Acknowledged => td_string!(locale, cases.case_status.acknowledged),
        CaseStatus::UnderInvestigation => td_string!(locale, cases.case_status.under_investigation),
        CaseStatus::Referred => td_string!(locale, cases.case_status.referred),
        CaseStatus::Closed => td_string!(locale, cases.case_status.closed),
    }
}

pub const ACKNOWLEDGE_WITHIN_DAYS: i64 = 7;
pub const FEEDBACK_WITHIN_MONTHS: u8 = 3;

/// Deadlines from the stored days (`YYYY-MM-DD`); `today` decides what is overdue.
#[cfg(feature = "ssr")]
pub mod deadlines {
    use time::{Date, Duration, Month};

    const FORMAT: &[time::format_description::FormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day]");

    /// A day written exactly `YYYY-MM-DD` (`[year]` alone would also take `-0001-01-01` or `+10000-…`).
    pub fn parse_day(day: &str) -> Option<Date> {
        if day.len() != 10 || !day.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
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

    pub fn work_out(
        received_on: &str,
        acknowledged_on: Option<&str>,
        feedback_on: Option<&str>,
        today: &str,
    ) -> Deadlines {
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

/// What the officers' case list page shows, loaded by the server for a signed-in officer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeView {
    pub username: String,
    pub today: String,
    pub cases: Vec<CaseSummary>,
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
