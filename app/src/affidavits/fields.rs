//! The affidavit form as typed, and its checks. Each section is a text box with one line an entry and
//! the entry's fields separated by `;` (the box says which), so the form works without JavaScript
//! whatever the number of entries; a refused line is named with its section and number, and nothing
//! typed is lost.

use super::{Entry, Kind, PRIVATE_RELATIONSHIPS, PUBLIC_RELATIONSHIPS, PrivateRelative, Section, parse_share};
use crate::i18n::{Locale, td_string};
use crate::platform::text::{is_ruc, one_line};
use crate::tramites::calendar::parse_day;

/// Most lines a section takes.
pub const MAX_LINES: usize = 100;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AffidavitFields {
    pub official: String,
    pub kind: String,
    pub presented_on: String,
    /// Each section's text box, in [`Section::ALL`]'s order.
    pub sections: [String; 6],
}

/// A checked affidavit, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAffidavit {
    pub official: String,
    pub kind: Kind,
    pub presented_on: String,
    pub entries: Vec<(Section, Entry)>,
    pub private_relatives: Vec<PrivateRelative>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Official,
    Kind,
    Date,
    /// A section line: not the expected number of `;`-separated fields.
    Fields(Section, usize),
    Name(Section, usize),
    Ruc(Section, usize),
    Share(Section, usize),
    Detail(Section, usize),
    Dates(Section, usize),
    Relationship(usize),
    TooManyLines(Section),
}

impl Problem {
    pub fn field(self) -> &'static str {
        match self {
            Problem::Official => "official",
            Problem::Kind => "kind",
            Problem::Date => "presented_on",
            Problem::Relationship(_) => "parientes",
            Problem::Fields(section, _)
            | Problem::Name(section, _)
            | Problem::Ruc(section, _)
            | Problem::Share(section, _)
            | Problem::Detail(section, _)
            | Problem::Dates(section, _)
            | Problem::TooManyLines(section) => section.code(),
        }
    }

    pub fn message(self, locale: Locale) -> String {
        let at = |section: Section, line: usize, text: &str| {
            format!("{} ({} {line}): {text}", section.label(locale), td_string!(locale, tramites.import.line))
        };
        match self {
            Problem::Official => td_string!(locale, affidavits.problem.official).to_string(),
            Problem::Kind => td_string!(locale, affidavits.problem.kind).to_string(),
            Problem::Date => td_string!(locale, affidavits.problem.date).to_string(),
            Problem::Fields(s, l) => {
                at(s, l, &format!("{} {}", td_string!(locale, affidavits.problem.fields), s.line_format(locale)))
            }
            Problem::Name(s, l) => at(s, l, td_string!(locale, affidavits.problem.name)),
            Problem::Ruc(s, l) => at(s, l, td_string!(locale, affidavits.problem.ruc)),
            Problem::Share(s, l) => at(s, l, td_string!(locale, affidavits.problem.share)),
            Problem::Detail(s, l) => at(s, l, td_string!(locale, affidavits.problem.detail)),
            Problem::Dates(s, l) => at(s, l, td_string!(locale, affidavits.problem.dates)),
            Problem::Relationship(l) => at(Section::Relatives, l, td_string!(locale, affidavits.problem.relationship)),
            Problem::TooManyLines(s) => {
                format!("{}: {}", s.label(locale), td_string!(locale, affidavits.problem.too_many_lines))
            }
        }
    }
}

/// The fields a section's line has.
fn field_count(section: Section) -> usize {
    match section {
        Section::Companies | Section::Boards => 3,
        Section::Jobs => 5,
        Section::Organisations | Section::Parties => 2,
        Section::Relatives => 4,
    }
}

/// One line of a section: its entry, a private relative, or its problems.
enum Line {
    Public(Entry),
    Private(PrivateRelative),
}

fn read_line(section: Section, number: usize, parts: &[String], problems: &mut Vec<Problem>) -> Option<Line> {
    let before = problems.len();
    let text_ok = |text: &str, most| !text.is_empty() && one_line(text, most);
    let name = parts[0].clone();
    if !text_ok(&name, 200) {
        problems.push(Problem::Name(section, number));
    }
    let mut entry = Entry { name, ..Default::default() };
    match section {
        Section::Companies => {
            entry.ruc = parts[1].clone();
            if !is_ruc(&entry.ruc) {
                problems.push(Problem::Ruc(section, number));
            }
            entry.share_bp = parse_share(&parts[2]);
            if entry.share_bp.is_none() {
                problems.push(Problem::Share(section, number));
            }
        }
        Section::Boards | Section::Jobs => {
            entry.ruc = parts[1].clone();
            if !entry.ruc.is_empty() && !is_ruc(&entry.ruc) {
                problems.push(Problem::Ruc(section, number));
            }
            entry.detail = parts[2].clone();
            if !text_ok(&entry.detail, 200) {
                problems.push(Problem::Detail(section, number));
            }
            if section == Section::Jobs {
                entry.start_date = parts[3].clone();
                entry.end_date = parts[4].clone();
                let start = parse_day(&entry.start_date);
                let end_ok = entry.end_date.is_empty()
                    || parse_day(&entry.end_date).is_some_and(|end| start.is_some_and(|start| end >= start));
                if start.is_none() || !end_ok {
                    problems.push(Problem::Dates(section, number));
                }
            }
        }
        Section::Organisations | Section::Parties => {
            entry.detail = parts[1].clone();
            if !text_ok(&entry.detail, 200) {
                problems.push(Problem::Detail(section, number));
            }
        }
        Section::Relatives => {
            let relationship = crate::platform::text::fold(&parts[1]).replace('ñ', "n");
            let (employer, employer_ruc) = (parts[2].clone(), parts[3].clone());
            if !one_line(&employer, 200) {
                problems.push(Problem::Detail(section, number));
            }
            if !employer_ruc.is_empty() && !is_ruc(&employer_ruc) {
                problems.push(Problem::Ruc(section, number));
            }
            let public = PUBLIC_RELATIONSHIPS.contains(&relationship.as_str());
            if !public && !PRIVATE_RELATIONSHIPS.contains(&relationship.as_str()) {
                problems.push(Problem::Relationship(number));
            }
            if problems.len() > before {
                return None;
            }
            if !public {
                return Some(Line::Private(PrivateRelative { name: entry.name, relationship, employer, employer_ruc }));
            }
            entry.relationship = relationship;
            entry.detail = employer;
            entry.ruc = employer_ruc;
        }
    }
    (problems.len() == before).then_some(Line::Public(entry))
}

impl AffidavitFields {
    /// The checked affidavit, or every problem (`officials`: the known ids). `today`: Lima's day, the
    /// latest an affidavit can be dated.
    pub fn check(
        &self,
        officials: &std::collections::HashSet<String>,
        today: &str,
    ) -> Result<NewAffidavit, Vec<Problem>> {
        let mut problems = Vec::new();
        let official = self.official.trim().to_string();
        if !officials.contains(&official) {
            problems.push(Problem::Official);
        }
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            problems.push(Problem::Kind);
        }
        let presented_on = self.presented_on.trim().to_string();
        if parse_day(&presented_on).is_none() || presented_on.as_str() > today {
            problems.push(Problem::Date);
        }
        let (mut entries, mut private_relatives) = (Vec::new(), Vec::new());
        for (section, text) in Section::ALL.into_iter().zip(&self.sections) {
            let lines: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).collect();
            if lines.len() > MAX_LINES {
                problems.push(Problem::TooManyLines(section));
                continue;
            }
            for (at, line) in lines.into_iter().enumerate() {
                let parts: Vec<String> = line.split(';').map(|part| part.trim().to_string()).collect();
                if parts.len() != field_count(section) {
                    problems.push(Problem::Fields(section, at + 1));
                    continue;
                }
                match read_line(section, at + 1, &parts, &mut problems) {
                    Some(Line::Public(entry)) => entries.push((section, entry)),
                    Some(Line::Private(relative)) => private_relatives.push(relative),
                    None => {}
                }
            }
        }
        match (problems.is_empty(), kind) {
            (true, Some(kind)) => Ok(NewAffidavit { official, kind, presented_on, entries, private_relatives }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(sections: [&str; 6]) -> AffidavitFields {
        AffidavitFields {
            official: "ana-ruiz".into(),
            kind: "inicio".into(),
            presented_on: "2026-02-01".into(),
            sections: sections.map(str::to_string),
        }
    }

    #[test]
    fn sections_are_read_and_relatives_split() {
        let officials = std::collections::HashSet::from(["ana-ruiz".to_string()]);
        let typed = fields([
            "Inversiones Sur SAC; 20131312955; 12.5",
            "",
            "Universidad de Lima; ; Docente; 2020-03-01; \n",
            "Colegio de Ingenieros; Miembro",
            "",
            "Jorge Ruiz; Cónyuge; Constructora Andina SAC; 20131377224\nPedro Ruiz; hermano; Inversiones Sur SAC; 20131312955",
        ]);
        let affidavit = typed.check(&officials, "2026-02-01").unwrap();
        assert_eq!(affidavit.entries.len(), 4);
        assert_eq!(affidavit.entries[0].1.share_bp, Some(1250));
        assert_eq!(affidavit.entries[3].1.relationship, "conyuge");
        assert_eq!(affidavit.private_relatives.len(), 1);
        assert_eq!(affidavit.private_relatives[0].employer_ruc, "20131312955");
    }

    #[test]
    fn every_bad_line_is_named() {
        let officials = std::collections::HashSet::from(["ana-ruiz".to_string()]);
        let mut typed = fields([
            "Inversiones Sur SAC; 2013131295; 120\nSolo nombre",
            "",
            "Universidad; ; Docente; 2020-03-01; 2019-01-01",
            "",
            "",
            "Jorge Ruiz; vecino; ; ",
        ]);
        typed.presented_on = "2030-01-01".into();
        let problems = typed.check(&officials, "2026-02-01").unwrap_err();
        assert_eq!(
            problems,
            vec![
                Problem::Date,
                Problem::Ruc(Section::Companies, 1),
                Problem::Share(Section::Companies, 1),
                Problem::Fields(Section::Companies, 2),
                Problem::Dates(Section::Jobs, 1),
                Problem::Relationship(1),
            ]
        );
    }
}
