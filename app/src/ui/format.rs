//! How the portal writes sizes, days and problems for a reader, in the reader's language. Shared by
//! server-rendered pages and islands.

use crate::i18n::Locale;

/// "100 MB", "1 MB", "512 KB", "33 bytes": binary units, as file browsers on phones show them; a file
/// under a kilobyte by its bytes, so a 33-byte note does not read as 1 KB.
pub fn format_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = KB * KB;
    match bytes {
        0..KB => format!("{bytes} bytes"),
        KB..MB => format!("{} KB", bytes / KB),
        _ => format!("{} MB", bytes / MB),
    }
}

/// A count as the reader writes numbers: 19 990 in Spanish (a thin space), 19,990 in English.
pub fn format_count(count: u64, locale: Locale) -> String {
    let language = match locale {
        Locale::es_PE => statistics::Language::Spanish,
        Locale::en => statistics::Language::English,
    };
    statistics::format::count(count, language)
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
        assert_eq!(format_size(33), "33 bytes");
        assert_eq!(format_size(1024), "1 KB");
        assert_eq!(format_day("2026-11-03", Locale::es_PE), "03/11/2026");
        assert_eq!(format_day("2026-11-03", Locale::en), "3 November 2026");
    }
}
