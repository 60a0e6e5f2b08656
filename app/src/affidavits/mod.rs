//! Interest affidavits (declaraciones juradas de intereses, DS 080-2018-PCM and Law 31227): each
//! official's affidavit on taking office, every year and on leaving, with companies and shares, boards,
//! jobs and consultancies, organisations, political parties and relatives. Every version is kept with
//! its date. Relatives who are the spouse (or partner) or of the first degree (parents, children) are
//! published; the others are kept apart (`affidavit_private_relatives`), read only by the alerts, and
//! absent from every page, API and download.
#[cfg(feature = "ssr")]
pub mod fields;
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;

use crate::i18n::{Locale, td_string};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// On taking office.
    Start,
    /// Every year.
    Yearly,
    /// On leaving office.
    End,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Start, Kind::Yearly, Kind::End];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Start => "inicio",
            Kind::Yearly => "anual",
            Kind::End => "cese",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code.trim())
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Kind::Start => td_string!(locale, affidavits.kind.start),
            Kind::Yearly => td_string!(locale, affidavits.kind.yearly),
            Kind::End => td_string!(locale, affidavits.kind.end),
        }
    }
}

/// A public section of the affidavit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    Companies,
    Boards,
    Jobs,
    Organisations,
    Parties,
    Relatives,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Companies,
        Section::Boards,
        Section::Jobs,
        Section::Organisations,
        Section::Parties,
        Section::Relatives,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Section::Companies => "empresas",
            Section::Boards => "directorios",
            Section::Jobs => "empleos",
            Section::Organisations => "organizaciones",
            Section::Parties => "partidos",
            Section::Relatives => "parientes",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|section| section.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Section::Companies => td_string!(locale, affidavits.section.companies),
            Section::Boards => td_string!(locale, affidavits.section.boards),
            Section::Jobs => td_string!(locale, affidavits.section.jobs),
            Section::Organisations => td_string!(locale, affidavits.section.organisations),
            Section::Parties => td_string!(locale, affidavits.section.parties),
            Section::Relatives => td_string!(locale, affidavits.section.relatives),
        }
    }

    /// How a line of the section is typed in the form: fields separated by `;`.
    pub fn line_format(self, locale: Locale) -> &'static str {
        match self {
            Section::Companies => td_string!(locale, affidavits.format.companies),
            Section::Boards => td_string!(locale, affidavits.format.boards),
            Section::Jobs => td_string!(locale, affidavits.format.jobs),
            Section::Organisations => td_string!(locale, affidavits.format.organisations),
            Section::Parties => td_string!(locale, affidavits.format.parties),
            Section::Relatives => td_string!(locale, affidavits.format.relatives),
        }
    }
}

/// Relationships the affidavit asks for. The spouse, a partner, parents and children are published;
/// the rest are kept for the alerts only.
pub const PUBLIC_RELATIONSHIPS: [&str; 6] = ["conyuge", "conviviente", "padre", "madre", "hijo", "hija"];
pub const PRIVATE_RELATIONSHIPS: [&str; 14] = [
    "hermano", "hermana", "abuelo", "abuela", "nieto", "nieta", "tio", "tia", "sobrino", "sobrina", "suegro", "suegra",
    "cunado", "cunada",
];

/// A line of a public section. For a relative: `name`, `relationship`, their employer in `detail` and
/// the employer's RUC in `ruc`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub ruc: String,
    pub detail: String,
    pub relationship: String,
    /// Companies: the share in hundredths of a percent.
    pub share_bp: Option<i64>,
    pub start_date: String,
    pub end_date: String,
}

/// A relative who is not published.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrivateRelative {
    pub name: String,
    pub relationship: String,
    pub employer: String,
    pub employer_ruc: String,
}

/// An affidavit as listed: who, which kind, when, which version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub id: String,
    pub official: String,
    pub official_name: String,
    pub position: String,
    pub area: String,
    pub kind: String,
    pub presented_on: String,
    pub version: i64,
}

/// An affidavit with its public sections, in [`Section::ALL`]'s order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Affidavit {
    pub summary: Summary,
    pub sections: Vec<(Section, Vec<Entry>)>,
}

/// `12.5` → 1250: a share typed with at most two decimals, from 0 (exclusive) to 100.
pub fn parse_share(text: &str) -> Option<i64> {
    let text = text.trim().trim_end_matches('%').trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() || whole.len() > 3 || fraction.len() > 2 {
        return None;
    }
    if !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction = format!("{fraction:0<2}");
    let value = whole.parse::<i64>().ok()? * 100 + fraction.parse::<i64>().ok()?;
    (1..=10_000).contains(&value).then_some(value)
}

/// 1250 → `12.5 %`.
pub fn format_share(bp: i64) -> String {
    let text = format!("{}.{:02}", bp / 100, bp % 100);
    format!("{} %", text.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares() {
        assert_eq!(parse_share("12.5"), Some(1250));
        assert_eq!(parse_share("12,50 %"), Some(1250));
        assert_eq!(parse_share("100"), Some(10_000));
        assert_eq!(parse_share("100.01"), None);
        assert_eq!(parse_share("0"), None);
        assert_eq!(parse_share("1.234"), None);
        assert_eq!(parse_share("-3"), None);
        assert_eq!(format_share(1250), "12.5 %");
        assert_eq!(format_share(10_000), "100 %");
        assert_eq!(format_share(5), "0.05 %");
    }
}
