//! The census import: one resident a line (`dni,nombres,fecha_nacimiento,zona`), all lines or none,
//! each refused line named with its number.

use super::CSV_HEADER;
use super::storage::Resident;
use crate::tramites::calendar::parse_day;

/// At most this many residents a file (Miraflores has about 100,000 inhabitants).
pub const MAX_ROWS: usize = 200_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResidentProblem {
    Header,
    Columns,
    Dni,
    Names,
    BirthDate,
    Zone,
    /// The same DNI on an earlier line.
    Repeated,
    Empty,
    TooManyRows,
}

impl ResidentProblem {
    pub fn message(self) -> &'static str {
        match self {
            ResidentProblem::Header => "the first line is not the expected header",
            ResidentProblem::Columns => "not 4 comma-separated columns",
            ResidentProblem::Dni => "the DNI is not 8 digits",
            ResidentProblem::Names => "the names are missing, over 200 characters or on several lines",
            ResidentProblem::BirthDate => "the date of birth is not a YYYY-MM-DD day",
            ResidentProblem::Zone => "the zone is missing or over 60 characters",
            ResidentProblem::Repeated => "this DNI is on an earlier line",
            ResidentProblem::Empty => "the file has no residents",
            ResidentProblem::TooManyRows => "more than 200,000 residents: split the file",
        }
    }
}

pub type ImportErrors = Vec<(usize, ResidentProblem)>;

/// A DNI as typed: 8 digits, spaces and dots dropped.
pub fn normalize_dni(text: &str) -> Option<String> {
    let dni: String = text.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    (dni.len() == 8 && dni.bytes().all(|b| b.is_ascii_digit())).then_some(dni)
}

impl crate::platform::csv_rows::ImportProblem for ResidentProblem {
    const HEADER: Self = ResidentProblem::Header;
    const COLUMNS: Self = ResidentProblem::Columns;
    const EMPTY: Self = ResidentProblem::Empty;
    const TOO_MANY_ROWS: Self = ResidentProblem::TooManyRows;
}

pub fn parse(text: &str) -> Result<Vec<Resident>, ImportErrors> {
    let mut seen = std::collections::HashSet::new();
    crate::platform::csv_rows::parse_import(text, CSV_HEADER, 4, MAX_ROWS, |fields| {
        let field = |index: usize| fields[index].trim().to_string();
        let mut problems = Vec::new();
        let dni = normalize_dni(&field(0));
        if dni.is_none() {
            problems.push(ResidentProblem::Dni);
        }
        let names = field(1);
        if names.is_empty() || names.chars().count() > crate::tramites::fields::MAX_NAME || names.contains(['\n', '\r'])
        {
            problems.push(ResidentProblem::Names);
        }
        let birth_date = field(2);
        if parse_day(&birth_date).is_none() {
            problems.push(ResidentProblem::BirthDate);
        }
        let zone = field(3);
        if zone.is_empty() || zone.chars().count() > 60 || zone.contains(['\n', '\r']) {
            problems.push(ResidentProblem::Zone);
        }
        if let Some(dni) = &dni
            && !seen.insert(dni.clone())
        {
            problems.push(ResidentProblem::Repeated);
        }
        match dni {
            Some(dni) if problems.is_empty() => Ok(Resident { dni, names, birth_date, zone }),
            _ => Err(problems),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_line_is_named_and_good_files_are_read() {
        let text = format!(
            "{CSV_HEADER}\n\
             40123456,Ana Quispe Rojas,1980-04-12,Zona 1\n\
             \n\
             4012345,,1980-02-30,\n\
             40.123.456,Ana Quispe,1980-04-12,Zona 2\n\
             40999999,Luis Paz\n"
        );
        use ResidentProblem::*;
        assert_eq!(
            parse(&text).unwrap_err(),
            [(4, Dni), (4, Names), (4, BirthDate), (4, Zone), (5, Repeated), (6, Columns)]
        );
        let good = format!(
            "{CSV_HEADER}\n40123456,\"Quispe, Ana\",1980-04-12,Zona 1\n 4099 9999 ,Luis Paz,1975-01-31,Zona 2\n"
        );
        let residents = parse(&good).unwrap();
        assert_eq!(residents.len(), 2);
        assert_eq!((residents[1].dni.as_str(), residents[0].names.as_str()), ("40999999", "Quispe, Ana"));
        assert_eq!(parse("dni,nombres\n").unwrap_err(), [(1, Header)]);
        assert_eq!(parse("").unwrap_err(), [(1, Empty)]);
    }
}
