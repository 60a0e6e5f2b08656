//! Small checks, foldings and encodings of text that several capabilities share, on the server and in
//! the browser's bundles alike (plain `std`).

/// Lowercase without Spanish accents, for matching what someone typed against stored text.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' => 'a',
            'é' | 'è' => 'e',
            'í' => 'i',
            'ó' | 'ò' => 'o',
            'ú' | 'ü' => 'u',
            other => other,
        })
        .collect()
}

/// At most `most` characters and on one line.
pub fn one_line(text: &str, most: usize) -> bool {
    text.chars().count() <= most && !text.contains(['\n', '\r'])
}

/// A short address-safe id (`maria-paz`): 2 to 60 lowercase letters, digits and hyphens.
pub fn is_slug(text: &str) -> bool {
    (2..=60).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A Peruvian RUC: 11 digits starting 10, 15, 16, 17 or 20, whose last digit is the modulo-11 check.
pub fn is_ruc(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 11 || text.len() != 11 || !["10", "15", "16", "17", "20"].contains(&&text[..2]) {
        return false;
    }
    let weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    let check = (11 - sum % 11) % 10;
    check == digits[10]
}

/// A clock time `HH:MM` (24 hours).
pub fn is_clock_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 5
        && bytes[2] == b':'
        && text[..2].parse::<u8>().is_ok_and(|h| h < 24)
        && text[3..].parse::<u8>().is_ok_and(|m| m < 60)
        && bytes[..2].iter().chain(&bytes[3..]).all(u8::is_ascii_digit)
}

/// Percent-encodes everything but unreserved characters (RFC 3986): a query value, a `data:` URL.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The words of a search, folded: each must appear (in any order) for a row to match.
pub fn search_terms(query: &str) -> Vec<String> {
    fold(query).split_whitespace().filter(|w| !w.is_empty()).take(8).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruc_check_digit() {
        // SUNAT's own RUC and a municipality's.
        assert!(is_ruc("20131312955"));
        assert!(is_ruc("20131377224"));
        assert!(!is_ruc("20131312954"), "wrong check digit");
        assert!(!is_ruc("2013131295"), "ten digits");
        assert!(!is_ruc("30131312955"), "no such prefix");
        assert!(!is_ruc("2013131295a"));
    }

    #[test]
    fn times_and_folding() {
        assert!(is_clock_time("09:05") && is_clock_time("23:59"));
        assert!(
            !is_clock_time("24:00") && !is_clock_time("9:05") && !is_clock_time("09:60") && !is_clock_time("+9:05")
        );
        assert_eq!(fold("Gestión PÚBLICA"), "gestion publica");
        assert_eq!(search_terms("  Obras   Pérez "), vec!["obras", "perez"]);
    }
}
