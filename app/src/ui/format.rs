//! How the portal writes sizes, days and problems for a reader, in the reader's language. Shared by
//! server-rendered pages and islands.

use crate::i18n::{Locale, t_string};
use crate::reporting::form::{Problem, ReportSettings};
use leptos_i18n::I18nContext;

/// "100 MB", "1 MB", "512 KB": binary units, as file browsers on phones show them.
pub fn format_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB { format!("{} MB", bytes / MB) } else { format!("{} KB", (bytes / 1024).max(1)) }
}

/// A stored day (`YYYY-MM-DD`) as people write it: 23/11/2026 in Spanish, 23 November 2026 in English.
pub fn format_day(day: &str, locale: Locale) -> String {
    let parts: Vec<&str> = day.split('-').collect();
    let [year, month, date] = parts.as_slice() else { return day.to_string() };
    match locale {
        Locale::es_PE => format!("{date}/{month}/{year}"),
        Locale::en => {
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            let name =
                month.parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))).copied().unwrap_or(month);
            format!("{} {name} {year}", date.trim_start_matches('0'))
        }
    }
}

/// The message for a problem, in the reader's language.
pub fn problem_message(i18n: I18nContext<Locale>, problem: Problem, settings: &ReportSettings) -> String {
    let count = settings.max_attachments;
    let size = format_size(settings.max_attachment_bytes);
    match problem {
        Problem::DescriptionMissing => t_string!(i18n, common.problem.description_missing).to_string(),
        Problem::DescriptionTooLong => t_string!(i18n, common.problem.description_too_long).to_string(),
        Problem::CategoryMissing => t_string!(i18n, common.problem.category_missing).to_string(),
        Problem::FieldTooLong => t_string!(i18n, common.problem.field_too_long).to_string(),
        Problem::IdentityEmpty => t_string!(i18n, common.problem.identity_empty).to_string(),
        Problem::IdentityNotConfirmed => t_string!(i18n, common.problem.identity_not_confirmed).to_string(),
        Problem::EmailInvalid => t_string!(i18n, common.problem.email_invalid).to_string(),
        Problem::PhoneInvalid => t_string!(i18n, common.problem.phone_invalid).to_string(),
        Problem::TooManyAttachments => t_string!(i18n, common.problem.too_many_attachments, count).to_string(),
        Problem::AttachmentTooLarge => {
            t_string!(i18n, common.problem.attachment_too_large, size = size.clone()).to_string()
        }
        Problem::ReportTooLarge => t_string!(i18n, common.problem.report_too_large).to_string(),
        Problem::ProofOfWorkFailed => t_string!(i18n, common.problem.proof_of_work_failed).to_string(),
        Problem::ProofOfWorkExpired => t_string!(i18n, common.problem.proof_of_work_expired).to_string(),
        Problem::UploadMalformed => t_string!(i18n, common.problem.upload_malformed).to_string(),
        Problem::NotEncrypted => t_string!(i18n, common.problem.not_encrypted).to_string(),
        Problem::WrongRecipients => t_string!(i18n, common.problem.wrong_recipients).to_string(),
        Problem::UploadTruncated => t_string!(i18n, common.problem.upload_truncated).to_string(),
        Problem::RateLimited => t_string!(i18n, common.problem.rate_limited).to_string(),
        Problem::ServerError => t_string!(i18n, common.problem.server_error).to_string(),
        Problem::UploadExpired => t_string!(i18n, common.problem.upload_expired).to_string(),
        Problem::Network => t_string!(i18n, common.problem.network).to_string(),
        Problem::AttachmentUnreadable => t_string!(i18n, common.problem.attachment_unreadable).to_string(),
        Problem::CaseNotFound => t_string!(i18n, common.problem.case_not_found).to_string(),
        Problem::FormTooSoon => {
            t_string!(i18n, common.problem.form_too_soon, seconds = settings.form_wait_seconds).to_string()
        }
        Problem::FormExpired => t_string!(i18n, common.problem.form_expired).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_days_read_naturally() {
        assert_eq!(format_size(104_857_600), "100 MB");
        assert_eq!(format_size(524_288), "512 KB");
        assert_eq!(format_day("2026-11-03", Locale::es_PE), "03/11/2026");
        assert_eq!(format_day("2026-11-03", Locale::en), "3 November 2026");
    }
}
