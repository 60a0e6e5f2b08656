//! The council secretary's CSV files: the members (`id,nombre,partido,cargo,inicio,fin`) and the votes
//! of sessions (`sesion,fecha,tipo,punto,asunto,tema,acuerdo,regidor,voto`, one row a councillor and
//! item). All lines or none, each refused line named with its number.

use super::{MEMBERS_HEADER, Member, SessionKind, VOTES_HEADER, VoteOption};
use crate::platform::csv_rows::parse_import;
use crate::platform::text::{is_slug, one_line};
use crate::tramites::calendar::parse_day;
use std::collections::{HashMap, HashSet};

pub const MAX_ROWS: usize = 50_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineProblem {
    Header,
    Columns,
    Id,
    Name,
    Party,
    Role,
    Date,
    EndDate,
    Session,
    Kind,
    Item,
    Title,
    Vote,
    /// A councillor who is not among the members (import the members first).
    UnknownMember,
    /// The same session with another date or kind, or the same item with another title, topic or
    /// agreement, than on an earlier line.
    Inconsistent,
    /// The same councillor, session and item on an earlier line; or the same id.
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
            Party => "the party is over 200 characters or on several lines",
            Role => "the role is not alcalde or regidor",
            Date => "the date is not a YYYY-MM-DD day",
            EndDate => "the end date is not empty or a YYYY-MM-DD day after the start",
            Session => "the session number is not 1 to 30 letters, digits, hyphens or slashes",
            Kind => "the kind is not ordinaria, extraordinaria or solemne",
            Item => "the item number is not a whole number from 1 to 999",
            Title => "the item's subject is missing or over 1,000 characters, or a text is on several lines",
            Vote => "the vote is not a-favor, en-contra, abstencion, ausente or licencia",
            UnknownMember => "this councillor is not among the members: import them first",
            Inconsistent => {
                "this session or item differs from an earlier line (date, kind, subject, topic or agreement)"
            }
            Repeated => "the same councillor, session and item (or the same id) are on an earlier line",
            Empty => "the file has no rows",
            TooManyRows => "more than 50,000 rows: split the file",
        }
    }
}

pub type ImportErrors = Vec<(usize, LineProblem)>;

pub fn is_session_number(text: &str) -> bool {
    (1..=30).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/')
}

impl crate::platform::csv_rows::ImportProblem for LineProblem {
    const HEADER: Self = LineProblem::Header;
    const COLUMNS: Self = LineProblem::Columns;
    const EMPTY: Self = LineProblem::Empty;
    const TOO_MANY_ROWS: Self = LineProblem::TooManyRows;
}

pub fn parse_members(text: &str) -> Result<Vec<Member>, ImportErrors> {
    let mut seen = HashSet::new();
    parse_import(text, MEMBERS_HEADER, 6, MAX_ROWS, |fields| {
        let field = |at: usize| fields[at].trim().to_string();
        let mut problems = Vec::new();
        let id = field(0);
        if !is_slug(&id) {
            problems.push(LineProblem::Id);
        } else if !seen.insert(id.clone()) {
            problems.push(LineProblem::Repeated);
        }
        let name = field(1);
        if name.is_empty() || !one_line(&name, 200) {
            problems.push(LineProblem::Name);
        }
        let party = field(2);
        if !one_line(&party, 200) {
            problems.push(LineProblem::Party);
        }
        let role = field(3).to_lowercase();
        if role != "alcalde" && role != "regidor" {
            problems.push(LineProblem::Role);
        }
        let start = field(4);
        if parse_day(&start).is_none() {
            problems.push(LineProblem::Date);
        }
        let end = field(5);
        if !end.is_empty() && (parse_day(&end).is_none() || end <= start) {
            problems.push(LineProblem::EndDate);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Member { id, name, party, role, start_date: start, end_date: Some(end).filter(|e| !e.is_empty()) })
    })
}

/// One row of the votes file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteLine {
    pub session: String,
    pub date: String,
    pub kind: SessionKind,
    pub item: u32,
    pub title: String,
    pub topic: String,
    pub agreement: String,
    pub member: String,
    pub option: VoteOption,
}

/// Reads the votes file; `members` are the ids the council has (a councillor not among them is refused).
pub fn parse_votes(text: &str, members: &HashSet<String>) -> Result<Vec<VoteLine>, ImportErrors> {
    let mut sessions: HashMap<String, (String, SessionKind)> = HashMap::new();
    let mut items: HashMap<(String, u32), (String, String, String)> = HashMap::new();
    let mut seen = HashSet::new();
    parse_import(text, VOTES_HEADER, 9, MAX_ROWS, |fields| {
        let field = |at: usize| fields[at].trim().to_string();
        let mut problems = Vec::new();
        let session = field(0);
        if !is_session_number(&session) {
            problems.push(LineProblem::Session);
        }
        let date = field(1);
        if parse_day(&date).is_none() {
            problems.push(LineProblem::Date);
        }
        let kind = SessionKind::parse(&field(2));
        if kind.is_none() {
            problems.push(LineProblem::Kind);
        }
        let item = field(3).parse::<u32>().ok().filter(|n| (1..=999).contains(n));
        if item.is_none() {
            problems.push(LineProblem::Item);
        }
        let (title, topic, agreement) = (field(4), field(5), field(6));
        if title.is_empty() || !one_line(&title, 1000) || !one_line(&topic, 200) || !one_line(&agreement, 300) {
            problems.push(LineProblem::Title);
        }
        let member = field(7);
        if !members.contains(&member) {
            problems.push(LineProblem::UnknownMember);
        }
        let option = VoteOption::parse(&field(8));
        if option.is_none() {
            problems.push(LineProblem::Vote);
        }
        if let (Some(kind), Some(item)) = (kind, item)
            && problems.is_empty()
        {
            let same_session = sessions.entry(session.clone()).or_insert((date.clone(), kind));
            let texts = (title.clone(), topic.clone(), agreement.clone());
            let same_item = items.entry((session.clone(), item)).or_insert(texts.clone());
            if *same_session != (date.clone(), kind) || *same_item != texts {
                problems.push(LineProblem::Inconsistent);
            } else if !seen.insert((session.clone(), item, member.clone())) {
                problems.push(LineProblem::Repeated);
            }
        }
        match (kind, item, option) {
            (Some(kind), Some(item), Some(option)) if problems.is_empty() => {
                Ok(VoteLine { session, date, kind, item, title, topic, agreement, member, option })
            }
            _ => Err(problems),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_votes_files_name_each_bad_line() {
        let members = format!(
            "{MEMBERS_HEADER}\nmaria-paz,María Paz,Renovación Popular,regidor,2023-01-01,\n\
             Luis,Luis,,concejal,2023-13-01,2022-01-01\nmaria-paz,Otra,,regidor,2023-01-01,\n"
        );
        use LineProblem::*;
        assert_eq!(parse_members(&members).unwrap_err(), [(3, Id), (3, Role), (3, Date), (3, EndDate), (4, Repeated)]);
        let known: HashSet<String> = ["maria-paz".to_string(), "jose-rios".to_string()].into();
        let votes = format!(
            "{VOTES_HEADER}\n\
             015-2026,2026-11-20,ordinaria,1,Presupuesto 2027,presupuesto,Acuerdo 045-2026,maria-paz,a-favor\n\
             015-2026,2026-11-20,ordinaria,1,Presupuesto 2027,presupuesto,Acuerdo 045-2026,jose-rios,en-contra\n\
             015-2026,2026-11-21,ordinaria,2,Parques,parques,,maria-paz,abstencion\n\
             015-2026,2026-11-20,ordinaria,1,Presupuesto 2027,presupuesto,Acuerdo 045-2026,maria-paz,en-contra\n\
             016-2026,2026-11-27,ordinaria,0,,x,,nadie,quizas\n"
        );
        assert_eq!(
            parse_votes(&votes, &known).unwrap_err(),
            [(4, Inconsistent), (5, Repeated), (6, Item), (6, Title), (6, UnknownMember), (6, Vote)]
        );
        let good = format!(
            "{VOTES_HEADER}\n015-2026,2026-11-20,Ordinaria,1,\"Presupuesto, 2027\",presupuesto,,maria-paz,Abstención\n"
        );
        let lines = parse_votes(&good, &known).unwrap();
        assert_eq!((lines[0].title.as_str(), lines[0].option), ("Presupuesto, 2027", VoteOption::Abstention));
    }
}
