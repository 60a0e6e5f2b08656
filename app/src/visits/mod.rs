//! The visits registry and official agendas (Law 28024 and its regulation, DS 120-2019-PCM): every
//! visit to an official with the columns of Peru's official registry, and each official's agenda with
//! its acts of interest management (lobbying). Public full-text search, filters by date and official,
//! CSV and JSON downloads of exactly what the search found; the transparency editor registers visits
//! at the door (entry, then exit), enters agenda acts, and imports both as CSV. Plain HTML pages.
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;

#[cfg(feature = "ssr")]
use crate::platform::text::{is_clock_time, is_ruc, one_line};

/// The visits file's header: the official registry's columns, the official by id.
pub const VISITS_HEADER: &str = "fecha_registro,fecha_visita,visitante,documento,entidad,ruc_entidad,funcionario,cargo,lugar,hora_ingreso,hora_salida,motivo,observacion";
/// The agenda file's header.
pub const AGENDA_HEADER: &str = "funcionario,fecha,hora,lugar,asunto,participantes,representa,gestion_intereses";

/// A visit as the register shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Visit {
    pub id: String,
    pub registered_on: String,
    pub visit_date: String,
    pub visitor: String,
    /// `DNI 40123456`, `CE 001234567`, `PAS AB123456`.
    pub document: String,
    pub entity: String,
    pub entity_ruc: String,
    /// The official's id, and their name from the officials register.
    pub official: String,
    pub official_name: String,
    /// The official's position on the day of the visit.
    pub position: String,
    pub place: String,
    pub entry_time: String,
    /// Empty until the visitor leaves.
    pub exit_time: String,
    pub reason: String,
    pub remarks: String,
    /// Registered on a later day than the visit.
    pub late: bool,
}

/// An act of an official's agenda.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgendaEntry {
    pub id: String,
    pub official: String,
    pub official_name: String,
    pub date: String,
    pub time: String,
    pub place: String,
    pub subject: String,
    pub participants: String,
    /// Whom the participants represent.
    pub represents: String,
    /// An act of interest management (gestión de intereses).
    pub lobbying: bool,
}

/// A search of either register, as typed (`?q=&desde=&hasta=&funcionario=`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    pub from: String,
    pub to: String,
    pub official: String,
}

impl Search {
    /// The query string that repeats this search (for the downloads).
    pub fn query_string(&self) -> String {
        let pairs = [("q", &self.query), ("desde", &self.from), ("hasta", &self.to), ("funcionario", &self.official)];
        let encoded: Vec<String> = pairs
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| format!("{key}={}", crate::platform::text::percent_encode(value)))
            .collect();
        if encoded.is_empty() { String::new() } else { format!("?{}", encoded.join("&")) }
    }
}

/// What is wrong with a visit or an agenda act, as typed in the form or read from a file's line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VisitProblem {
    RegisteredOn,
    VisitDate,
    /// A visit registered before it happened, or a visit in the future.
    Future,
    Visitor,
    Document,
    Entity,
    Ruc,
    Official,
    Position,
    Place,
    EntryTime,
    ExitTime,
    Reason,
    Remarks,
    AgendaDate,
    AgendaTime,
    Subject,
    Participants,
    Represents,
    Lobbying,
}

/// Checks a document as `TYPE NUMBER`: DNI (8 digits), CE (9 to 12 digits), PAS (6 to 12 letters
/// or digits). Returns it tidied (`dni 4012…` → `DNI 4012…`).
#[cfg(feature = "ssr")]
pub fn tidy_document(text: &str) -> Option<String> {
    let mut parts = text.split_whitespace();
    let (kind, number) = (parts.next()?.to_uppercase(), parts.next()?.to_uppercase());
    if parts.next().is_some() {
        return None;
    }
    let digits = number.bytes().all(|b| b.is_ascii_digit());
    let ok = match kind.as_str() {
        "DNI" => number.len() == 8 && digits,
        "CE" => (9..=12).contains(&number.len()) && digits,
        "PAS" => (6..=12).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_alphanumeric()),
        _ => false,
    };
    ok.then(|| format!("{kind} {number}"))
}

/// A new visit's fields, checked: what the form and the file share. `today` is Lima's day; a visit
/// registered on a day after it happened is marked late.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewVisit {
    pub registered_on: String,
    pub visit_date: String,
    pub visitor: String,
    pub document: String,
    pub entity: String,
    pub entity_ruc: String,
    pub official: String,
    pub position: String,
    pub place: String,
    pub entry_time: String,
    pub exit_time: String,
    pub reason: String,
    pub remarks: String,
}

#[cfg(feature = "ssr")]
impl NewVisit {
    /// The problems of the typed visit (`officials`: the known ids), tidying it in place.
    pub fn check(&mut self, officials: &std::collections::HashSet<String>, today: &str) -> Vec<VisitProblem> {
        use crate::tramites::calendar::parse_day;
        use VisitProblem::*;
        for text in [
            &mut self.registered_on,
            &mut self.visit_date,
            &mut self.visitor,
            &mut self.document,
            &mut self.entity,
            &mut self.entity_ruc,
            &mut self.official,
            &mut self.position,
            &mut self.place,
            &mut self.entry_time,
            &mut self.exit_time,
            &mut self.reason,
            &mut self.remarks,
        ] {
            *text = text.trim().to_string();
        }
        let mut problems = Vec::new();
        let registered = parse_day(&self.registered_on);
        let visited = parse_day(&self.visit_date);
        if registered.is_none() {
            problems.push(RegisteredOn);
        }
        if visited.is_none() {
            problems.push(VisitDate);
        }
        if let (Some(registered), Some(visited)) = (registered, visited)
            && (registered < visited || self.registered_on.as_str() > today)
        {
            problems.push(Future);
        }
        let required = |text: &str, most| !text.is_empty() && one_line(text, most);
        match tidy_document(&self.document) {
            Some(document) => self.document = document,
            None => problems.push(Document),
        }
        for (ok, problem) in [
            (required(&self.visitor, 200), Visitor),
            (required(&self.entity, 200), Entity),
            (self.entity_ruc.is_empty() || is_ruc(&self.entity_ruc), Ruc),
            (officials.contains(&self.official), Official),
            (one_line(&self.position, 200), Position),
            (required(&self.place, 200), Place),
            (is_clock_time(&self.entry_time), EntryTime),
            (
                self.exit_time.is_empty() || (is_clock_time(&self.exit_time) && self.exit_time > self.entry_time),
                ExitTime,
            ),
            (required(&self.reason, 500), Reason),
            (one_line(&self.remarks, 500), Remarks),
        ] {
            if !ok {
                problems.push(problem);
            }
        }
        problems
    }

    pub fn late(&self) -> bool {
        self.registered_on > self.visit_date
    }
}

/// A new agenda act's fields, checked.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewAgendaEntry {
    pub official: String,
    pub date: String,
    pub time: String,
    pub place: String,
    pub subject: String,
    pub participants: String,
    pub represents: String,
    pub lobbying: bool,
}

#[cfg(feature = "ssr")]
impl NewAgendaEntry {
    pub fn check(&mut self, officials: &std::collections::HashSet<String>) -> Vec<VisitProblem> {
        use VisitProblem::*;
        for text in [
            &mut self.official,
            &mut self.date,
            &mut self.time,
            &mut self.place,
            &mut self.subject,
            &mut self.participants,
            &mut self.represents,
        ] {
            *text = text.trim().to_string();
        }
        let required = |text: &str, most| !text.is_empty() && one_line(text, most);
        let mut problems = Vec::new();
        for (ok, problem) in [
            (officials.contains(&self.official), Official),
            (crate::tramites::calendar::parse_day(&self.date).is_some(), AgendaDate),
            (is_clock_time(&self.time), AgendaTime),
            (required(&self.place, 200), Place),
            (required(&self.subject, 500), Subject),
            (required(&self.participants, 1000), Participants),
            (one_line(&self.represents, 500), Represents),
        ] {
            if !ok {
                problems.push(problem);
            }
        }
        problems
    }
}

/// `si`/`no` (and `sí`, `yes`, `no`, `1`, `0`) of the lobbying column.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "si" | "sí" | "yes" | "1" => Some(true),
        "no" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn a_visit_is_checked_and_marked_late() {
        let officials = std::collections::HashSet::from(["ana-ruiz".to_string()]);
        let mut visit = NewVisit {
            registered_on: "2026-03-05".into(),
            visit_date: "2026-03-04".into(),
            visitor: "Luis Soto".into(),
            document: " dni   40123456 ".into(),
            entity: "Constructora Andina SAC".into(),
            entity_ruc: "20131312955".into(),
            official: "ana-ruiz".into(),
            position: String::new(),
            place: "Despacho".into(),
            entry_time: "10:00".into(),
            exit_time: "09:30".into(),
            reason: "Reunión".into(),
            remarks: String::new(),
        };
        assert_eq!(visit.check(&officials, "2026-03-05"), vec![VisitProblem::ExitTime]);
        assert_eq!(visit.document, "DNI 40123456");
        assert!(visit.late());
        visit.exit_time = "11:00".into();
        visit.visit_date = "2026-03-06".into();
        assert_eq!(visit.check(&officials, "2026-03-05"), vec![VisitProblem::Future]);
        visit.official = "nadie".into();
        visit.entity_ruc = "20131312954".into();
        assert!(visit.check(&officials, "2026-03-05").contains(&VisitProblem::Official));
        assert!(visit.check(&officials, "2026-03-05").contains(&VisitProblem::Ruc));
        assert_eq!(tidy_document("PAS AB1234"), Some("PAS AB1234".into()));
        assert_eq!(tidy_document("DNI 4012345"), None);
        assert_eq!(tidy_document("RUC 20131312955"), None);
    }

    #[test]
    fn a_search_repeats_as_a_query() {
        let search = Search { query: "Pérez & co".into(), official: "ana-ruiz".into(), ..Default::default() };
        assert_eq!(search.query_string(), "?q=P%C3%A9rez%20%26%20co&funcionario=ana-ruiz");
        assert_eq!(Search::default().query_string(), "");
    }
}
