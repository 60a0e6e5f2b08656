//! The visits file and the agenda file: all lines or none, each refused line named with its number
//! and what is wrong, in the words the form uses.

use super::{AGENDA_HEADER, NewAgendaEntry, NewVisit, VISITS_HEADER, VisitProblem, parse_yes_no};
use crate::platform::csv_rows::{ImportProblem, parse_import};
use std::collections::HashSet;

pub const MAX_ROWS: usize = 50_000;

/// A refused line: the file's own problems, or a field's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineProblem {
    Header,
    Columns,
    Empty,
    TooManyRows,
    Field(VisitProblem),
}

impl ImportProblem for LineProblem {
    const HEADER: Self = LineProblem::Header;
    const COLUMNS: Self = LineProblem::Columns;
    const EMPTY: Self = LineProblem::Empty;
    const TOO_MANY_ROWS: Self = LineProblem::TooManyRows;
}

/// The visits file; `today` is Lima's day (a visit cannot be registered in the future).
pub fn parse_visits(
    text: &str,
    officials: &HashSet<String>,
    today: &str,
) -> Result<Vec<NewVisit>, Vec<(usize, LineProblem)>> {
    parse_import(text, VISITS_HEADER, 13, MAX_ROWS, |f| {
        let mut visit = NewVisit {
            registered_on: f[0].clone(),
            visit_date: f[1].clone(),
            visitor: f[2].clone(),
            document: f[3].clone(),
            entity: f[4].clone(),
            entity_ruc: f[5].clone(),
            official: f[6].clone(),
            position: f[7].clone(),
            place: f[8].clone(),
            entry_time: f[9].clone(),
            exit_time: f[10].clone(),
            reason: f[11].clone(),
            remarks: f[12].clone(),
        };
        let problems = visit.check(officials, today);
        if problems.is_empty() { Ok(visit) } else { Err(problems.into_iter().map(LineProblem::Field).collect()) }
    })
}

/// The agenda file.
pub fn parse_agenda(text: &str, officials: &HashSet<String>) -> Result<Vec<NewAgendaEntry>, Vec<(usize, LineProblem)>> {
    parse_import(text, AGENDA_HEADER, 8, MAX_ROWS, |f| {
        let lobbying = parse_yes_no(&f[7]);
        let mut entry = NewAgendaEntry {
            official: f[0].clone(),
            date: f[1].clone(),
            time: f[2].clone(),
            place: f[3].clone(),
            subject: f[4].clone(),
            participants: f[5].clone(),
            represents: f[6].clone(),
            lobbying: lobbying.unwrap_or(false),
        };
        let mut problems = entry.check(officials);
        if lobbying.is_none() {
            problems.push(VisitProblem::Lobbying);
        }
        if problems.is_empty() { Ok(entry) } else { Err(problems.into_iter().map(LineProblem::Field).collect()) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_named() {
        let officials = HashSet::from(["ana-ruiz".to_string()]);
        let text = format!(
            "{VISITS_HEADER}\n\
             2026-03-04,2026-03-04,Luis Soto,DNI 40123456,Constructora Andina SAC,20131312955,ana-ruiz,,Despacho,10:00,11:00,Reunión,\n\
             2026-03-04,2026-03-04,Luis Soto,DNI 4012,Constructora,,nadie,,Despacho,10:00,,Reunión,\n"
        );
        let errors = parse_visits(&text, &officials, "2026-03-05").unwrap_err();
        assert_eq!(
            errors,
            vec![(3, LineProblem::Field(VisitProblem::Document)), (3, LineProblem::Field(VisitProblem::Official))]
        );
        let agenda = format!("{AGENDA_HEADER}\nana-ruiz,2026-03-04,09:00,Despacho,Obra,Luis Soto,Constructora,quizá\n");
        assert_eq!(
            parse_agenda(&agenda, &officials).unwrap_err(),
            vec![(2, LineProblem::Field(VisitProblem::Lobbying))]
        );
    }
}
