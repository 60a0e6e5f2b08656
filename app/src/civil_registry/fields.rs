//! The request form's fields and checks, and what each page shows.

use super::seal::{CertificateData, SealError};
use super::{Certificate, RecordKind, Relationship, Request, Reserve};
use crate::tramites::IdType;
use crate::tramites::calendar::parse_day;
use crate::tramites::fields::{MAX_NAME, email_is_plausible};
use crate::treasury::pages::PayProblem;

/// The longest record number the registry uses, with room to spare.
pub const MAX_RECORD_NUMBER: usize = 30;

/// The request form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestFields {
    pub kind: String,
    pub record_number: String,
    pub event_date: String,
    pub id_type: String,
    pub applicant_id: String,
    pub name: String,
    pub email: String,
    pub relationship: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestProblem {
    KindMissing,
    RecordNumberMissing,
    DateInvalid,
    IdTypeMissing,
    DniInvalid,
    CeInvalid,
    NameMissing,
    NameTooLong,
    EmailInvalid,
    RelationshipMissing,
    /// No record of this kind has this number and date (the same answer whichever is wrong).
    RecordNotFound,
    /// The record is under reserve: not issued online.
    Reserved(Reserve),
    /// Too many requests for records that do not exist, portal-wide, this minute.
    TooMany,
}

impl RequestProblem {
    /// The id of the form field it is about, for the error summary's link.
    pub fn field(self) -> &'static str {
        use RequestProblem::*;
        match self {
            KindMissing => "kind",
            RecordNumberMissing | RecordNotFound | Reserved(_) | TooMany => "record_number",
            DateInvalid => "event_date",
            IdTypeMissing => "id_type",
            DniInvalid | CeInvalid => "applicant_id",
            NameMissing | NameTooLong => "name",
            EmailInvalid => "email",
            RelationshipMissing => "relationship",
        }
    }
}

impl RequestFields {
    /// Trims every field; the document and record numbers lose inner spaces and go upper case.
    pub fn cleaned(mut self) -> Self {
        for field in [&mut self.kind, &mut self.event_date, &mut self.id_type, &mut self.name, &mut self.email] {
            *field = field.trim().to_string();
        }
        self.relationship = self.relationship.trim().to_string();
        let compact = |text: &str| text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        self.applicant_id = compact(&self.applicant_id);
        self.record_number = compact(&self.record_number);
        self
    }

    /// The problems of the typed fields (whether the record exists is the storage's to say).
    pub fn check(&self, today: time::Date) -> Vec<RequestProblem> {
        use RequestProblem::*;
        let mut problems = Vec::new();
        if RecordKind::parse(&self.kind).is_none() {
            problems.push(KindMissing);
        }
        if self.record_number.is_empty() || self.record_number.chars().count() > MAX_RECORD_NUMBER {
            problems.push(RecordNumberMissing);
        }
        if parse_day(&self.event_date).is_none_or(|day| day > today) {
            problems.push(DateInvalid);
        }
        match IdType::parse(&self.id_type) {
            Some(IdType::Dni)
                if !(self.applicant_id.len() == 8 && self.applicant_id.bytes().all(|b| b.is_ascii_digit())) =>
            {
                problems.push(DniInvalid)
            }
            Some(IdType::Ce)
                if !((9..=12).contains(&self.applicant_id.len())
                    && self.applicant_id.bytes().all(|b| b.is_ascii_alphanumeric())) =>
            {
                problems.push(CeInvalid)
            }
            Some(IdType::Dni | IdType::Ce) => {}
            // A certificate is asked for by a person: a RUC is not an identity document here.
            Some(IdType::Ruc) | None => problems.push(IdTypeMissing),
        }
        if self.name.is_empty() {
            problems.push(NameMissing);
        } else if self.name.chars().count() > MAX_NAME {
            problems.push(NameTooLong);
        }
        if !email_is_plausible(&self.email) {
            problems.push(EmailInvalid);
        }
        if Relationship::parse(&self.relationship).is_none() {
            problems.push(RelationshipMissing);
        }
        problems
    }
}

/// The request form's page: the form again with its problems, or nothing yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestView {
    pub fields: RequestFields,
    pub problems: Vec<RequestProblem>,
    /// The database could not take it: try again.
    pub busy: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowProblem {
    Missing,
    /// No request has this number with this code (the same answer for both).
    NotFound,
    TooMany,
}

/// The follow-up page: the lookup form, or the request found (and just made: then its code is shown).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowView {
    pub number: String,
    /// The verification code, carried in the page's forms (pay, download) once it was right.
    pub code: String,
    pub request: Option<Request>,
    /// The request was made in this answer: show the number and code to keep.
    pub created: bool,
    pub problem: Option<FollowProblem>,
    pub pay_problem: Option<PayProblem>,
    pub payments_on: bool,
}

/// A code whose signature is the municipality's: what it says, and the certificate as issued (`None`:
/// not in this portal's records, which a valid signature should never be).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub data: CertificateData,
    pub certificate: Option<Certificate>,
}

/// What `/verificar` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyOutcome {
    Valid(Box<Verified>),
    Invalid(SealError),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyView {
    pub input: String,
    pub outcome: Option<VerifyOutcome>,
    /// The municipality's public key, PEM (SPKI), and its id.
    pub public_key_pem: String,
    pub key_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> RequestFields {
        RequestFields {
            kind: "nacimiento".into(),
            record_number: " a-1042 ".into(),
            event_date: "2019-05-04".into(),
            id_type: "dni".into(),
            applicant_id: "4567 8912".into(),
            name: "Rosa Rojas".into(),
            email: "rosa@example.pe".into(),
            relationship: "padre-madre".into(),
        }
        .cleaned()
    }

    #[test]
    fn a_good_form_passes_and_each_field_is_checked() {
        let today = time::macros::date!(2026 - 12 - 03);
        assert_eq!(good().check(today), vec![]);
        assert_eq!(good().record_number, "A-1042");
        let problems = |change: fn(&mut RequestFields)| {
            let mut fields = good();
            change(&mut fields);
            fields.check(today)
        };
        assert_eq!(problems(|f| f.kind = "bautizo".into()), vec![RequestProblem::KindMissing]);
        assert_eq!(problems(|f| f.event_date = "2027-01-01".into()), vec![RequestProblem::DateInvalid]);
        assert_eq!(problems(|f| f.applicant_id = "123".into()), vec![RequestProblem::DniInvalid]);
        assert_eq!(problems(|f| f.id_type = "ruc".into()), vec![RequestProblem::IdTypeMissing]);
        assert_eq!(problems(|f| f.email = "rosa".into()), vec![RequestProblem::EmailInvalid]);
        assert_eq!(problems(|f| f.relationship = String::new()), vec![RequestProblem::RelationshipMissing]);
        assert_eq!(problems(|f| f.record_number = "X".repeat(31)), vec![RequestProblem::RecordNumberMissing]);
    }
}
