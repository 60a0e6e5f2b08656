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
    use crate::platform::csv_rows::{HeaderRefusal, rows_after_header};
    let rows = match rows_after_header(text, CSV_HEADER) {
        Ok(rows) => rows,
        Err(HeaderRefusal::Empty) => return Err(vec![ImportLineError { line: 1, problem: ImportProblem::Empty }]),
        Err(HeaderRefusal::Wrong(line)) => return Err(vec![ImportLineError { line, problem: ImportProblem::Header }]),
    };
    let mut accepted = Vec::new();
    let mut errors = Vec::new();
    for row in rows {
        let (line, record) = match row {
            Ok(row) => row,
            Err(line) => {
                errors.push(ImportLineError { line, problem: ImportProblem::Columns });
                break;
            }
        };
        if accepted.len() + errors.len() >= MAX_ROWS {
            return Err(vec![ImportLineError { line, problem: ImportProblem::TooManyRows }]);
        }
        if record.len() != 8 {
            errors.push(ImportLineError { line, problem: ImportProblem::Columns });
            continue;
        }
        let value = |index: usize| record[index].clone();
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
            (true, Some(filed_on)) => accepted.push(ImportRow { line, fields, filed_on }),
            _ => errors.extend(problems.into_iter().map(|problem| ImportLineError { line, problem })),
        }
    }
    if errors.is_empty() { Ok(accepted) } else { Err(errors) }
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
