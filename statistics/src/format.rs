//! Numbers as each language writes them: `104 050` and `67,9 %` in Spanish (Peru follows the SI and RAE
//! usage of a space for thousands and a comma for decimals), `104,050` and `67.9%` in English. The spaces
//! are no-break spaces so a figure never wraps across lines.

use crate::catalogue::Language;

const NO_BREAK_SPACE: char = '\u{a0}';

/// A whole number with thousands grouped.
pub fn count(value: u64, language: Language) -> String {
    let digits = value.to_string();
    let separator = match language {
        Language::Spanish => NO_BREAK_SPACE,
        Language::English => ',',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// `part` of `whole` in tenths of a percent, rounded half away from zero; `None` when `whole` is 0.
pub fn share_tenths(part: u64, whole: u64) -> Option<i64> {
    (whole > 0).then(|| ((u128::from(part) * 2000 + u128::from(whole)) / (2 * u128::from(whole))) as i64)
}

/// The change from `before` to `now` in tenths of a percent, rounded half away from zero; `None` when
/// there is nothing to compare with.
pub fn change_tenths(now: u64, before: u64) -> Option<i64> {
    if before == 0 {
        return None;
    }
    let difference = i128::from(now) - i128::from(before);
    let scaled = difference * 2000;
    let before = i128::from(before);
    let rounded = if scaled >= 0 { (scaled + before) / (2 * before) } else { (scaled - before) / (2 * before) };
    Some(rounded as i64)
}

/// A percentage given in tenths, with one decimal: `67,9 %` / `67.9%`; `signed` adds `+` to increases.
pub fn percent(tenths: i64, language: Language, signed: bool) -> String {
    let sign = if tenths < 0 {
        "−"
    } else if signed && tenths > 0 {
        "+"
    } else {
        ""
    };
    let magnitude = tenths.unsigned_abs();
    let whole = count(magnitude / 10, language);
    let decimal = magnitude % 10;
    match language {
        Language::Spanish => format!("{sign}{whole},{decimal}{NO_BREAK_SPACE}%"),
        Language::English => format!("{sign}{whole}.{decimal}%"),
    }
}

/// A percentage in tenths as machine-readable text for CSV and JSON: `67.9`, `-3.0`.
pub fn percent_plain(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let magnitude = tenths.unsigned_abs();
    format!("{sign}{}.{}", magnitude / 10, magnitude % 10)
}

/// Reads back a number as [`count`] or [`percent`] wrote it (for tests that compare pages with files).
pub fn parse_localized(text: &str, language: Language) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(*c, '%' | '+' | ' ' | NO_BREAK_SPACE))
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    let cleaned = match language {
        Language::Spanish => cleaned.replace(',', "."),
        Language::English => cleaned.replace(',', ""),
    };
    cleaned.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_percentages_in_both_languages() {
        assert_eq!(count(104_050, Language::Spanish), "104\u{a0}050");
        assert_eq!(count(104_050, Language::English), "104,050");
        assert_eq!(count(1_234_567, Language::English), "1,234,567");
        assert_eq!(count(999, Language::Spanish), "999");
        assert_eq!(count(0, Language::English), "0");
        assert_eq!(percent(679, Language::Spanish, false), "67,9\u{a0}%");
        assert_eq!(percent(679, Language::English, false), "67.9%");
        assert_eq!(percent(14_960, Language::Spanish, true), "+1\u{a0}496,0\u{a0}%");
        assert_eq!(percent(-35, Language::English, true), "−3.5%");
        assert_eq!(percent_plain(-35), "-3.5");
        assert_eq!(parse_localized("104\u{a0}050", Language::Spanish), Some(104_050.0));
        assert_eq!(parse_localized("67,9\u{a0}%", Language::Spanish), Some(67.9));
        assert_eq!(parse_localized("−3.5%", Language::English), Some(-3.5));
    }

    #[test]
    fn rounding_is_half_away_from_zero_and_exact() {
        assert_eq!(share_tenths(70_650, 104_050), Some(679));
        assert_eq!(share_tenths(1, 8), Some(125), "12.5 exactly");
        assert_eq!(share_tenths(1, 16), Some(63), "6.25 rounds up");
        assert_eq!(share_tenths(1, 0), None);
        assert_eq!(change_tenths(104_050, 41_687), Some(1496));
        assert_eq!(change_tenths(15, 16), Some(-63), "-6.25 rounds away from zero");
        assert_eq!(change_tenths(5, 0), None);
    }
}
