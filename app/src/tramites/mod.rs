//! Trámites: the virtual front desk (mesa de partes). A neighbour files a document for a procedure and
//! gets an expediente number with a verification code; with both they follow its timeline and answer
//! observations; the document registry receives, forwards, observes, resolves and archives, against
//! time limits in working days (`calendar`). Every page is a plain HTML form: no WebAssembly.
#[cfg(feature = "ssr")]
pub mod calendar;
#[cfg(feature = "ssr")]
pub mod catalogue;
#[cfg(feature = "ssr")]
pub mod fields;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;

use crate::i18n::Locale;

/// What the applicant may take a procedure's silence to mean once its time limit passes unanswered
/// (Ley 27444, TUO arts. 37–38).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Silence {
    /// Approved: the applicant may act as if the request were granted.
    Positive,
    /// Refused: the applicant may appeal, or keep waiting for an answer.
    Negative,
}

impl Silence {
    pub fn code(self) -> &'static str {
        match self {
            Silence::Positive => "positive",
            Silence::Negative => "negative",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Silence::Positive, Silence::Negative].into_iter().find(|silence| silence.code() == code)
    }
}

/// Text kept in both languages, as stored (procedure and office names).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bilingual {
    pub es: String,
    pub en: String,
}

impl Bilingual {
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::es_PE => &self.es,
            Locale::en => &self.en,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Office {
    pub code: String,
    pub name: Bilingual,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Procedure {
    pub code: String,
    pub name: Bilingual,
    pub working_days: u32,
    pub silence: Silence,
    /// The office that handles it first.
    pub office: String,
    pub legal_basis: String,
}

/// The applicant's identity document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdType {
    /// Documento Nacional de Identidad: 8 digits.
    Dni,
    /// Registro Único de Contribuyentes (a company or a self-employed person): 11 digits with a check digit.
    Ruc,
    /// Carné de extranjería (foreign resident's card): 9 to 12 letters and digits.
    Ce,
}

impl IdType {
    pub const ALL: [IdType; 3] = [IdType::Dni, IdType::Ruc, IdType::Ce];

    pub fn code(self) -> &'static str {
        match self {
            IdType::Dni => "dni",
            IdType::Ruc => "ruc",
            IdType::Ce => "ce",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code.trim().to_ascii_lowercase())
    }
}

/// Where an expediente is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Filed online, not yet received by the front desk.
    Filed,
    /// Received by the front desk (or entered there from paper).
    Received,
    /// Forwarded to an office that works on it.
    InProcess,
    /// Observed: the applicant must correct something by a date; the clock stops meanwhile.
    Observed,
    Resolved,
    Archived,
}

impl State {
    pub const ALL: [State; 6] =
        [State::Filed, State::Received, State::InProcess, State::Observed, State::Resolved, State::Archived];

    pub fn code(self) -> &'static str {
        match self {
            State::Filed => "filed",
            State::Received => "received",
            State::InProcess => "in_process",
            State::Observed => "observed",
            State::Resolved => "resolved",
            State::Archived => "archived",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.code() == code)
    }

    pub fn is_open(self) -> bool {
        !matches!(self, State::Resolved | State::Archived)
    }
}

/// A step of an expediente's timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Filed,
    Received,
    Forwarded,
    Observed,
    Corrected,
    Resolved,
    Archived,
}

impl EventKind {
    pub const ALL: [EventKind; 7] = [
        EventKind::Filed,
        EventKind::Received,
        EventKind::Forwarded,
        EventKind::Observed,
        EventKind::Corrected,
        EventKind::Resolved,
        EventKind::Archived,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Filed => "filed",
            EventKind::Received => "received",
            EventKind::Forwarded => "forwarded",
            EventKind::Observed => "observed",
            EventKind::Corrected => "corrected",
            EventKind::Resolved => "resolved",
            EventKind::Archived => "archived",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// A filed PDF, as lists show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentInfo {
    pub id: String,
    pub file_name: String,
    pub size: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub position: u32,
    pub kind: EventKind,
    pub on_day: String,
    /// The office holding the expediente after this step.
    pub office: Office,
    pub note: String,
    /// For an observation: working days to correct it.
    pub days: Option<u32>,
    pub documents: Vec<DocumentInfo>,
}

/// Where an expediente stands against its time limit, on the day it is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub limit: u32,
    pub days_left: i64,
    /// The last day of the limit (`YYYY-MM-DD`), unless an open observation stops the clock.
    pub due: Option<String>,
    /// The last day to answer an open observation.
    pub correct_by: Option<String>,
    /// The day to answer an open observation has passed.
    pub correction_late: bool,
    /// The limit passed with no answer: the procedure's silence applies.
    pub overdue: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expediente {
    pub number: String,
    pub procedure: Procedure,
    pub id_type: IdType,
    pub applicant_id: String,
    pub applicant_name: String,
    pub applicant_address: String,
    pub applicant_email: String,
    pub subject: String,
    pub online: bool,
    pub filed_on: String,
    pub state: State,
    pub office: Office,
    pub closed_on: Option<String>,
    pub events: Vec<Event>,
    pub deadline: Deadline,
}

/// An expediente in the staff's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpedienteSummary {
    pub number: String,
    pub procedure: Procedure,
    pub applicant_name: String,
    pub filed_on: String,
    pub state: State,
    pub office: Office,
    pub deadline: Deadline,
}

/// An expediente number as people type it: `2026-000042`, `2026-42`, ` 2026 42 `; `None` if it is not one.
pub fn normalize_number(text: &str) -> Option<String> {
    let text = text.trim();
    let (year, seq) = text.split_once(['-', ' ', '/'])?;
    let (year, seq) = (year.trim(), seq.trim());
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if seq.is_empty() || seq.len() > 6 || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seq: u32 = seq.parse().ok()?;
    let year: i32 = year.parse().ok()?;
    (seq > 0).then(|| format_number(year, seq))
}

pub fn format_number(year: i32, seq: u32) -> String {
    format!("{year}-{seq:06}")
}

/// The verification code's letters: no 0/O, 1/I/L, so a code read aloud or copied from paper is typed
/// right. Ten of them carry 49 bits.
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const CODE_LENGTH: usize = 10;

/// A verification code as typed (any case, spaces or hyphens): its letters, upper case.
pub fn normalize_code(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// `ABCDE-FGHJK`: the code as the receipt prints it.
pub fn format_code(code: &str) -> String {
    if code.len() == CODE_LENGTH { format!("{}-{}", &code[..5], &code[5..]) } else { code.to_string() }
}

/// The columns of the front desk's CSV import, in order (its first line).
pub const CSV_HEADER: &str = "fecha,procedimiento,tipo_documento,documento,nombre,direccion,correo,asunto";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_codes_read_as_people_type_them() {
        assert_eq!(normalize_number("2026-42").as_deref(), Some("2026-000042"));
        assert_eq!(normalize_number(" 2026 000042 ").as_deref(), Some("2026-000042"));
        assert_eq!(normalize_number("2026/7").as_deref(), Some("2026-000007"));
        assert_eq!(normalize_number("2026-0"), None);
        assert_eq!(normalize_number("26-42"), None);
        assert_eq!(normalize_number("2026-1234567"), None);
        assert_eq!(normalize_number("x"), None);
        assert_eq!(normalize_code(" abcde-fghjk "), "ABCDEFGHJK");
        assert_eq!(format_code("ABCDEFGHJK"), "ABCDE-FGHJK");
    }
}
