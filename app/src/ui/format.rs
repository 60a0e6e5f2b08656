//! How the portal writes sizes, days and problems for a reader, in the reader's language. Shared by
//! server-rendered pages and islands.

use crate::i18n::Locale;

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
