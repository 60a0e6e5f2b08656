//! The front desk's forms as the server reads them: the filing form's fields and their checks, the
//! tracking form, and what each page is given to show (its view).

use super::{DocumentInfo, Expediente, ExpedienteSummary, IdType, Office, Procedure};

/// Each filed PDF is at most this large, and a filing or a correction carries at most
/// [`MAX_DOCUMENTS`] of them (the server's `[tramites]` section may lower both).
pub const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;
pub const MAX_DOCUMENTS: usize = 5;
pub const MAX_NAME: usize = 200;
pub const MAX_ADDRESS: usize = 300;
pub const MAX_SUBJECT: usize = 2_000;
pub const MAX_NOTE: usize = 4_000;

/// The filing form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilingFields {
    pub id_type: String,
    pub applicant_id: String,
    pub name: String,
    pub address: String,
    pub email: String,
    pub procedure: String,
    pub subject: String,
}

/// What can be wrong with a filing (and, line by line, with a row of the desk's CSV import).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilingProblem {
    IdTypeMissing,
    DniInvalid,
    RucInvalid,
    CeInvalid,
    NameMissing,
    NameTooLong,
    AddressMissing,
    AddressTooLong,
    EmailInvalid,
    ProcedureMissing,
    SubjectMissing,
    SubjectTooLong,
    DocumentMissing,
    DocumentNotPdf,
    DocumentTooLarge,
    TooManyDocuments,
}

impl FilingProblem {
    /// The id of the form field it is about, for the error summary's link.
    pub fn field(self) -> &'static str {
        use FilingProblem::*;
        match self {
            IdTypeMissing => "id_type",
            DniInvalid | RucInvalid | CeInvalid => "applicant_id",
            NameMissing | NameTooLong => "name",
            AddressMissing | AddressTooLong => "address",
            EmailInvalid => "email",
            ProcedureMissing => "procedure",
            SubjectMissing | SubjectTooLong => "subject",
            DocumentMissing | DocumentNotPdf | DocumentTooLarge | TooManyDocuments => "documents",
        }
    }
}

/// A RUC's check digit (SUNAT's weights, modulo 11) and its prefix (10 a person, 15/16/17 other
/// persons, 20 a company).
pub fn ruc_is_valid(ruc: &str) -> bool {
    let digits: Vec<u32> = ruc.chars().filter_map(|c| c.to_digit(10)).collect();
    if ruc.len() != 11 || digits.len() != 11 || !["10", "15", "16", "17", "20"].contains(&&ruc[..2]) {
        return false;
    }
    const WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(digit, weight)| digit * weight).sum();
    let check = match 11 - sum % 11 {
        10 => 0,
        11 => 1,
        check => check,
    };
    digits[10] == check
}

pub(crate) fn email_is_plausible(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

impl FilingFields {
    /// Trims every field (and removes spaces inside the document number).
    pub fn cleaned(mut self) -> Self {
        for field in [&mut self.id_type, &mut self.name, &mut self.address, &mut self.email, &mut self.procedure] {
            *field = field.trim().to_string();
        }
        self.applicant_id = self.applicant_id.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        self.subject = self.subject.trim().to_string();
        self
    }

    /// The problems of the typed fields (documents are checked as they arrive); `procedures` are the
    /// ones that may be chosen.
    pub fn check(&self, procedures: &[Procedure]) -> Vec<FilingProblem> {
        use FilingProblem::*;
        let mut problems = Vec::new();
        match IdType::parse(&self.id_type) {
            None => problems.push(IdTypeMissing),
            Some(IdType::Dni)
                if !(self.applicant_id.len() == 8 && self.applicant_id.bytes().all(|b| b.is_ascii_digit())) =>
            {
                problems.push(DniInvalid)
            }
            Some(IdType::Ruc) if !ruc_is_valid(&self.applicant_id) => problems.push(RucInvalid),
            Some(IdType::Ce)
                if !((9..=12).contains(&self.applicant_id.len())
                    && self.applicant_id.bytes().all(|b| b.is_ascii_alphanumeric())) =>
            {
                problems.push(CeInvalid)
            }
            Some(_) => {}
        }
        let length = |text: &str| text.chars().count();
        if self.name.is_empty() {
            problems.push(NameMissing);
        } else if length(&self.name) > MAX_NAME {
            problems.push(NameTooLong);
        }
        if self.address.is_empty() {
            problems.push(AddressMissing);
        } else if length(&self.address) > MAX_ADDRESS {
            problems.push(AddressTooLong);
        }
        if !email_is_plausible(&self.email) {
            problems.push(EmailInvalid);
        }
        if !procedures.iter().any(|procedure| procedure.code == self.procedure) {
            problems.push(ProcedureMissing);
        }
        if self.subject.is_empty() {
            problems.push(SubjectMissing);
        } else if length(&self.subject) > MAX_SUBJECT {
            problems.push(SubjectTooLong);
        }
        problems
    }
}

/// Whether `head` (a file's first bytes) and `tail` (its last ones) are a PDF's: the `%PDF-1.x`/`%PDF-2.0`
/// header at the start and the `%%EOF` marker in the last kilobyte, as PDF readers require.
pub fn looks_like_pdf(head: &[u8], tail: &[u8]) -> bool {
    let header = head.starts_with(b"%PDF-1.") || head.starts_with(b"%PDF-2.");
    let end = tail.windows(5).any(|window| window == b"%%EOF");
    header && end
}

/// A filed expediente's receipt: shown once, in the answer to the filing (the code never travels in a URL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilingReceipt {
    pub number: String,
    pub code: String,
    pub procedure: Procedure,
    pub filed_on: String,
    pub due: Option<String>,
    pub applicant_name: String,
    pub subject: String,
    pub documents: Vec<DocumentInfo>,
}

/// The filing page: the procedures to choose from, what was typed and its problems, or the receipt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilingView {
    pub procedures: Vec<Procedure>,
    pub fields: FilingFields,
    pub problems: Vec<FilingProblem>,
    /// Files were chosen in the refused form (a browser cannot be given them back).
    pub files_chosen: bool,
    pub receipt: Option<FilingReceipt>,
    pub busy: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackProblem {
    /// The number or the code is not filled in, or the number is not one.
    Missing,
    /// No expediente has this number with this code (the same answer for both).
    NotFound,
    /// Too many wrong lookups across the portal this minute.
    TooMany,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorrectionProblem {
    NoteMissing,
    NoteTooLong,
    Document(FilingProblem),
    /// The expediente is not observed (any more).
    NotObserved,
}

/// The tracking page: the form, or the expediente found with the number and code typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrackView {
    pub number: String,
    pub code: String,
    pub problem: Option<TrackProblem>,
    pub expediente: Option<Expediente>,
    /// The applicant's correction was received.
    pub corrected: bool,
    pub correction_problem: Option<CorrectionProblem>,
    pub correction_note: String,
}

/// A staff action on an expediente.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistryAction {
    Receive,
    Forward,
    Observe,
    Resolve,
    Archive,
}

impl RegistryAction {
    pub const ALL: [RegistryAction; 5] = [
        RegistryAction::Receive,
        RegistryAction::Forward,
        RegistryAction::Observe,
        RegistryAction::Resolve,
        RegistryAction::Archive,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RegistryAction::Receive => "receive",
            RegistryAction::Forward => "forward",
            RegistryAction::Observe => "observe",
            RegistryAction::Resolve => "resolve",
            RegistryAction::Archive => "archive",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.code() == code)
    }

    /// Whether the action may be taken in `state`.
    pub fn allowed_in(self, state: super::State) -> bool {
        use super::State::*;
        match self {
            RegistryAction::Receive => state == Filed,
            RegistryAction::Forward => matches!(state, Received | InProcess),
            RegistryAction::Observe => matches!(state, Received | InProcess),
            RegistryAction::Resolve => matches!(state, Received | InProcess),
            RegistryAction::Archive => matches!(state, Observed | Resolved | Received | InProcess),
        }
    }
}

/// Why a staff action was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionRefusal {
    UnknownAction,
    NotAllowedNow,
    UnknownOffice,
    NoteMissing,
    NoteTooLong,
    DaysInvalid,
    Document(FilingProblem),
}

/// The staff's page of one expediente.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryCaseView {
    pub username: String,
    pub expediente: Expediente,
    pub offices: Vec<Office>,
    pub done: Option<super::EventKind>,
    pub refused: Option<(RegistryAction, ActionRefusal)>,
    pub note: String,
}

/// A row of the desk's CSV import that was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportLineError {
    /// 1 is the header.
    pub line: usize,
    pub problem: ImportProblem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportProblem {
    /// The header is not the expected one.
    Header,
    /// A row has the wrong number of columns, or is not valid CSV.
    Columns,
    /// The filing date is not a `YYYY-MM-DD` day, or is in the future.
    Date,
    Field(FilingProblem),
    /// No file, or nothing in it.
    Empty,
    TooManyRows,
}

/// An expediente created by the import: its number and code, to hand to the applicant on paper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub line: usize,
    pub number: String,
    pub code: String,
    pub applicant_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub created: Vec<Imported>,
    pub errors: Vec<ImportLineError>,
}

/// The staff's list of expedientes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryListView {
    pub username: String,
    pub open: Vec<ExpedienteSummary>,
    pub closed: Vec<ExpedienteSummary>,
    pub import: Option<ImportOutcome>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub day: String,
    pub name: String,
    pub national: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HolidayRefusal {
    DayInvalid,
    NameMissing,
    Exists,
    NotFound,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HolidayDone {
    Added,
    Removed,
}

/// The staff's holiday calendar.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HolidaysView {
    pub username: String,
    pub holidays: Vec<Holiday>,
    pub refused: Option<HolidayRefusal>,
    pub typed_day: String,
    pub typed_name: String,
    pub done: Option<(HolidayDone, String)>,
    /// Open expedientes whose deadline the change moved.
    pub moved: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn procedure() -> Procedure {
        Procedure {
            code: "SG-01".into(),
            name: Default::default(),
            working_days: 30,
            silence: super::super::Silence::Negative,
            office: "MP".into(),
            legal_basis: String::new(),
        }
    }

    #[test]
    fn ruc_check_digits_are_checked() {
        assert!(ruc_is_valid("20131377224"), "a real company's RUC");
        assert!(ruc_is_valid("10467793549"));
        assert!(!ruc_is_valid("20131377225"));
        assert!(!ruc_is_valid("30131377224"));
        assert!(!ruc_is_valid("2013137722"));
    }

    #[test]
    fn a_filing_names_each_problem_once() {
        let fields = FilingFields {
            id_type: "dni".into(),
            applicant_id: "1234567".into(),
            email: "ana@example".into(),
            procedure: "XX".into(),
            ..Default::default()
        }
        .cleaned();
        use FilingProblem::*;
        assert_eq!(
            fields.check(&[procedure()]),
            [DniInvalid, NameMissing, AddressMissing, EmailInvalid, ProcedureMissing, SubjectMissing]
        );
        let good = FilingFields {
            id_type: "dni".into(),
            applicant_id: " 4567 8912 ".into(),
            name: "Ana Quispe".into(),
            address: "Av. Larco 400, Miraflores".into(),
            email: "ana@example.pe".into(),
            procedure: "SG-01".into(),
            subject: "Solicito copia del plano".into(),
        }
        .cleaned();
        assert_eq!(good.check(&[procedure()]), []);
        assert_eq!(good.applicant_id, "45678912");
    }

    #[test]
    fn a_pdf_has_its_header_and_its_end_marker() {
        assert!(looks_like_pdf(b"%PDF-1.7\n%\xe2\xe3", b"startxref\n123\n%%EOF\n"));
        assert!(!looks_like_pdf(b"<html>", b"%%EOF"));
        assert!(!looks_like_pdf(b"%PDF-1.4", b"truncated"));
    }
}
