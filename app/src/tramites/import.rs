//! The desk's CSV import: expedientes received on paper, one a line, all created or none. Each refused
//! line is named with its number (1 is the header) and what is wrong with it.

use super::CSV_HEADER;
use super::Procedure;
use super::calendar::parse_day;
use super::fields::{FilingFields, ImportLineError, ImportProblem};
use time::Date;

/// At most this many expedientes a file.
pub const MAX_ROWS: usize = 1_000;

/// A row that passed every check: its line, its fields and its filing day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    pub line: usize,
    pub fields: FilingFields,
    pub filed_on: Date,
}

/// Reads the whole file; `Err` with every line's problems if any line has one.
pub fn parse(text: &str, procedures: &[Procedure], today: Date) -> Result<Vec<ImportRow>, Vec<ImportLineError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(vec![ImportLineError { line: 1, problem: ImportProblem::Empty }]);
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut header_seen = false;
    let mut record = csv::StringRecord::new();
    loop {
        // Lines from byte offsets: the reader's own line count does not count blank lines.
        // A record's position may be that of blank lines before it: they are stepped over first.
        let line_at = |byte: u64| {
            let bytes = text.as_bytes();
            let mut at = (byte as usize).min(bytes.len());
            while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
                at += 1;
            }
            bytes[..at].iter().filter(|b| **b == b'\n').count() + 1
        };
        let before = line_at(reader.position().byte());
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Err(_) => {
                errors.push(ImportLineError { line: before, problem: ImportProblem::Columns });
                break;
            }
            Ok(true) => {}
        }
        // Where the record starts (blank lines before it are skipped by the reader).
        let line = record.position().map_or(before, |position| line_at(position.byte()));
        if !header_seen {
            header_seen = true;
            let header: Vec<String> = record.iter().map(|name| name.trim().to_ascii_lowercase()).collect();
            if header.join(",") != CSV_HEADER {
                return Err(vec![ImportLineError { line, problem: ImportProblem::Header }]);
            }
            continue;
        }
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        if rows.len() + errors.len() >= MAX_ROWS {
            return Err(vec![ImportLineError { line, problem: ImportProblem::TooManyRows }]);
        }
        if record.len() != 8 {
            errors.push(ImportLineError { line, problem: ImportProblem::Columns });
            continue;
        }
        let value = |index: usize| record.get(index).unwrap_or_default().to_string();
        let filed_on = parse_day(&value(0)).filter(|day| *day <= today);
        let fields = FilingFields {
            procedure: value(1),
            id_type: value(2),
            applicant_id: value(3),
            name: value(4),
            address: value(5),
            email: value(6),
            subject: value(7),
        }
        .cleaned();
        let mut problems: Vec<ImportProblem> = Vec::new();
        if filed_on.is_none() {
            problems.push(ImportProblem::Date);
        }
        problems.extend(fields.check(procedures).into_iter().map(ImportProblem::Field));
        match (problems.is_empty(), filed_on) {
            (true, Some(filed_on)) => rows.push(ImportRow { line, fields, filed_on }),
            _ => errors.extend(problems.into_iter().map(|problem| ImportLineError { line, problem })),
        }
    }
    if !header_seen {
        return Err(vec![ImportLineError { line: 1, problem: ImportProblem::Empty }]);
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tramites::fields::FilingProblem;
    use crate::tramites::{Bilingual, Silence};
    use time::macros::date;

    fn procedures() -> Vec<Procedure> {
        vec![Procedure {
            code: "SG-01".into(),
            name: Bilingual::default(),
            working_days: 30,
            silence: Silence::Negative,
            office: "MP".into(),
            legal_basis: String::new(),
        }]
    }

    #[test]
    fn every_bad_line_is_named_and_nothing_passes_with_it() {
        let text = format!(
            "\u{feff}{CSV_HEADER}\n\
             2026-11-30,SG-01,dni,45678912,Ana Quispe,\"Av. Larco 400, Miraflores\",ana@example.pe,Copia de plano\n\
             2026-11-31,SG-01,dni,4567891,Luis,Calle 1,luis@example.pe,Pedido\n\
             \n\
             2026-11-30,SG-01,ruc,20131312955,Empresa SAC,Calle 2,\n\
             2099-01-01,XX,dni,45678912,Rosa,Calle 3,rosa@example.pe,\"Dos\nlíneas\"\n"
        );
        let errors = parse(&text, &procedures(), date!(2026 - 12 - 02)).unwrap_err();
        use ImportProblem::*;
        assert_eq!(
            errors.iter().map(|error| (error.line, error.problem)).collect::<Vec<_>>(),
            [
                (3, Date),
                (3, Field(FilingProblem::DniInvalid)),
                (5, Columns),
                (6, Date),
                (6, Field(FilingProblem::ProcedureMissing)),
            ]
        );
    }

    #[test]
    fn a_good_file_gives_every_row_with_its_line() {
        let text = format!(
            "{CSV_HEADER}\n2026-11-30,SG-01,dni,45678912,Ana Quispe,\"Av. Larco 400, Miraflores\",ana@example.pe,\"Copia\nde plano\"\n\
             2026-12-01,SG-01,ce,AB1234567,Rosa,Calle 3,rosa@example.pe,Pedido\n"
        );
        let rows = parse(&text, &procedures(), date!(2026 - 12 - 02)).unwrap();
        assert_eq!(rows.iter().map(|row| row.line).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(rows[0].fields.subject, "Copia\nde plano");
        assert_eq!(parse("a,b\n", &procedures(), date!(2026 - 12 - 02)).unwrap_err()[0].problem, ImportProblem::Header);
        assert_eq!(parse("  ", &procedures(), date!(2026 - 12 - 02)).unwrap_err()[0].problem, ImportProblem::Empty);
    }
}
