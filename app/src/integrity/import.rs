//! The officials file (`id,nombre,cargo,area,inicio,fin`): all lines or none, each refused line named.

use super::{OFFICIALS_HEADER, Official};
use crate::platform::csv_rows::{ImportProblem, parse_import};
use crate::platform::text::{is_slug, one_line};
use crate::tramites::calendar::parse_day;
use std::collections::HashSet;

pub const MAX_ROWS: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineProblem {
    Header,
    Columns,
    Id,
    Name,
    Position,
    Area,
    Date,
    EndDate,
    Repeated,
    Empty,
    TooManyRows,
}

impl LineProblem {
    pub fn message(self) -> &'static str {
        use LineProblem::*;
        match self {
            Header => "the first line is not the expected header",
            Columns => "not the expected number of comma-separated columns",
            Id => "the id is not 2 to 60 lowercase letters, digits and hyphens",
            Name => "the name is missing, over 200 characters or on several lines",
            Position => "the position is missing, over 200 characters or on several lines",
            Area => "the area is missing, over 200 characters or on several lines",
            Date => "the start date is not a YYYY-MM-DD day",
            EndDate => "the end date is not empty or a YYYY-MM-DD day after the start",
            Repeated => "the same id is on an earlier line",
            Empty => "the file has no rows",
            TooManyRows => "more than 10,000 rows: split the file",
        }
    }
}

impl ImportProblem for LineProblem {
    const HEADER: Self = LineProblem::Header;
    const COLUMNS: Self = LineProblem::Columns;
    const EMPTY: Self = LineProblem::Empty;
    const TOO_MANY_ROWS: Self = LineProblem::TooManyRows;
}

pub fn parse_officials(text: &str) -> Result<Vec<Official>, Vec<(usize, LineProblem)>> {
    let mut seen = HashSet::new();
    parse_import(text, OFFICIALS_HEADER, 6, MAX_ROWS, |fields| {
        let field = |at: usize| fields[at].trim().to_string();
        let mut problems = Vec::new();
        let id = field(0);
        if !is_slug(&id) {
            problems.push(LineProblem::Id);
        } else if !seen.insert(id.clone()) {
            problems.push(LineProblem::Repeated);
        }
        let required = |text: &str| !text.is_empty() && one_line(text, 200);
        let (name, position, area) = (field(1), field(2), field(3));
        for (ok, problem) in [
            (required(&name), LineProblem::Name),
            (required(&position), LineProblem::Position),
            (required(&area), LineProblem::Area),
        ] {
            if !ok {
                problems.push(problem);
            }
        }
        let (start, end) = (field(4), field(5));
        if parse_day(&start).is_none() {
            problems.push(LineProblem::Date);
        }
        if !end.is_empty() && (parse_day(&end).is_none() || end <= start) {
            problems.push(LineProblem::EndDate);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Official { id, name, position, area, start_date: start, end_date: (!end.is_empty()).then_some(end) })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_line_is_named() {
        let text = "id,nombre,cargo,area,inicio,fin\n\
                    ana-ruiz,Ana Ruiz,Gerente,Gerencia de Obras,2023-01-02,\n\
                    Ana,Ana,Gerente,Obras,2023-01-02,\n\
                    ana-ruiz,Ana Ruiz,Gerente,Obras,2023-01-02,2022-01-01\n";
        let errors = parse_officials(text).unwrap_err();
        assert_eq!(errors, vec![(3, LineProblem::Id), (4, LineProblem::Repeated), (4, LineProblem::EndDate)]);
        let ok = parse_officials("id,nombre,cargo,area,inicio,fin\nana-ruiz,Ana Ruiz,Gerente,Obras,2023-01-02,\n");
        assert_eq!(ok.unwrap()[0].end_date, None);
    }
}
