//! The civil registry's CSV import of records (from the registry's books or its own system), one
//! record a line, all lines or none, each refused line named with its number.

use super::storage::NewRecord;
use super::{CSV_HEADER, RecordKind, Reserve};
use crate::tramites::calendar::parse_day;

/// At most this many records a file.
pub const MAX_ROWS: usize = 20_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordProblem {
    Header,
    Columns,
    Kind,
    Number,
    Date,
    Names,
    Reserve,
    /// The same kind and number on an earlier line.
    Repeated,
    Empty,
    TooManyRows,
}

impl RecordProblem {
    pub fn message(self) -> &'static str {
        match self {
            RecordProblem::Header => "the first line is not the expected header",
            RecordProblem::Columns => "not 5 comma-separated columns",
            RecordProblem::Kind => "the kind is not nacimiento, matrimonio or defuncion",
            RecordProblem::Number => "the record number is missing or over 30 characters",
            RecordProblem::Date => "the date is not a YYYY-MM-DD day",
            RecordProblem::Names => "the names are missing, over 200 characters or on several lines",
            RecordProblem::Reserve => "the reserve is not empty, adopcion, mandato-judicial or en-rectificacion",
            RecordProblem::Repeated => "this kind and record number are on an earlier line",
            RecordProblem::Empty => "the file has no records",
            RecordProblem::TooManyRows => "more than 20,000 records: split the file",
        }
    }
}

pub type ImportErrors = Vec<(usize, RecordProblem)>;

impl crate::platform::csv_rows::ImportProblem for RecordProblem {
    const HEADER: Self = RecordProblem::Header;
    const COLUMNS: Self = RecordProblem::Columns;
    const EMPTY: Self = RecordProblem::Empty;
    const TOO_MANY_ROWS: Self = RecordProblem::TooManyRows;
}

pub fn parse(text: &str) -> Result<Vec<NewRecord>, ImportErrors> {
    let mut seen = std::collections::HashSet::new();
    crate::platform::csv_rows::parse_import(text, CSV_HEADER, 5, MAX_ROWS, |fields| {
        let field = |index: usize| fields[index].trim().to_string();
        let mut problems = Vec::new();
        let kind = RecordKind::parse(&field(0));
        let number: String = field(1).chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        if kind.is_none() {
            problems.push(RecordProblem::Kind);
        }
        if number.is_empty() || number.chars().count() > super::fields::MAX_RECORD_NUMBER {
            problems.push(RecordProblem::Number);
        }
        let date = field(2);
        if parse_day(&date).is_none() {
            problems.push(RecordProblem::Date);
        }
        let names = field(3);
        if names.is_empty() || names.chars().count() > crate::tramites::fields::MAX_NAME || names.contains(['\n', '\r'])
        {
            problems.push(RecordProblem::Names);
        }
        let reserve = match field(4).as_str() {
            "" => Ok(None),
            code => Reserve::parse(code).map(Some).ok_or(()),
        };
        if reserve.is_err() {
            problems.push(RecordProblem::Reserve);
        }
        if let Some(kind) = kind
            && !number.is_empty()
            && !seen.insert((kind, number.clone()))
        {
            problems.push(RecordProblem::Repeated);
        }
        match (kind, reserve) {
            (Some(kind), Ok(reserve)) if problems.is_empty() => {
                Ok(NewRecord { kind, number, event_date: date, names, reserve })
            }
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
             nacimiento,A-1042,2019-05-04,Ana Quispe Rojas,\n\
             \n\
             bautizo,A-1043,2019-02-30,,secreta\n\
             Nacimiento,a-1042,2019-05-04,Ana Quispe,\n\
             defuncion,D-7,2020-01-01\n"
        );
        use RecordProblem::*;
        assert_eq!(
            parse(&text).unwrap_err(),
            [(4, Kind), (4, Date), (4, Names), (4, Reserve), (5, Repeated), (6, Columns)]
        );
        let good = format!(
            "{CSV_HEADER}\nmatrimonio,M-12,2001-09-15,\"Luis Paz y Eva Sol\",\ndefunción,D 7,2020-01-01,Juan Paz,mandato-judicial\n"
        );
        let records = parse(&good).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!((records[1].kind, records[1].number.as_str()), (RecordKind::Death, "D7"));
        assert_eq!(records[1].reserve, Some(super::Reserve::CourtOrder));
        assert_eq!(parse("tipo,numero\n").unwrap_err(), [(1, Header)]);
        assert_eq!(parse("").unwrap_err(), [(1, Empty)]);
    }
}
