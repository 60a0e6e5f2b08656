//! Civil registry: certified copies of the birth, marriage and death records this municipality keeps.
//! A neighbour names a record (its kind, number and date) and says who they are and how they are
//! related; a record under reserve (an adoption, a court order) is not issued online and the page says
//! why. The fee is paid through the treasury's payment provider; the civil registry's staff issue the
//! certificate, signed with the municipality's Ed25519 key (`seal`); its QR code carries the data and
//! the signature, which `/verificar` checks online and anyone can check offline with the published
//! public key. Every page is a plain HTML form: no WebAssembly.
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
pub mod seal;
#[cfg(feature = "ssr")]
pub mod storage;

use crate::i18n::{Locale, td_string};

/// The fee for one certified copy, in céntimos (the municipality's TUPA sets it; one place to change).
pub const FEE_CENTS: i64 = 1_000;

/// The kind of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Birth,
    Marriage,
    Death,
}

impl RecordKind {
    pub const ALL: [RecordKind; 3] = [RecordKind::Birth, RecordKind::Marriage, RecordKind::Death];

    /// As stored, typed in the import and written in a certificate's signed data.
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Birth => "nacimiento",
            RecordKind::Marriage => "matrimonio",
            RecordKind::Death => "defuncion",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        let code = code.trim().to_lowercase();
        let code = if code == "defunción" { "defuncion" } else { code.as_str() };
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            RecordKind::Birth => td_string!(locale, civil_registry.kind.birth),
            RecordKind::Marriage => td_string!(locale, civil_registry.kind.marriage),
            RecordKind::Death => td_string!(locale, civil_registry.kind.death),
        }
    }
}

/// Why a record is not issued online. A copy of it is given only in person, to whom the law allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reserve {
    /// An adoption: the original record is reserved (Ley 30311 and the RENIEC's rules).
    Adoption,
    /// A court or prosecutor ordered it reserved.
    CourtOrder,
    /// The record is being rectified or cancelled: no copy until that ends.
    UnderRectification,
}

impl Reserve {
    pub const ALL: [Reserve; 3] = [Reserve::Adoption, Reserve::CourtOrder, Reserve::UnderRectification];

    pub fn code(self) -> &'static str {
        match self {
            Reserve::Adoption => "adopcion",
            Reserve::CourtOrder => "mandato-judicial",
            Reserve::UnderRectification => "en-rectificacion",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reserve| reserve.code() == code.trim().to_lowercase())
    }

    /// Why it is not issued online, as the applicant reads it.
    pub fn reason(self, locale: Locale) -> &'static str {
        match self {
            Reserve::Adoption => td_string!(locale, civil_registry.reserve.adoption),
            Reserve::CourtOrder => td_string!(locale, civil_registry.reserve.court_order),
            Reserve::UnderRectification => td_string!(locale, civil_registry.reserve.rectification),
        }
    }
}

/// How the applicant is related to the person the record is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relationship {
    Holder,
    Parent,
    Child,
    Spouse,
    Sibling,
    Representative,
    Other,
}

impl Relationship {
    pub const ALL: [Relationship; 7] = [
        Relationship::Holder,
        Relationship::Parent,
        Relationship::Child,
        Relationship::Spouse,
        Relationship::Sibling,
        Relationship::Representative,
        Relationship::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Relationship::Holder => "titular",
            Relationship::Parent => "padre-madre",
            Relationship::Child => "hijo-hija",
            Relationship::Spouse => "conyuge",
            Relationship::Sibling => "hermano-hermana",
            Relationship::Representative => "representante",
            Relationship::Other => "otro",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|relationship| relationship.code() == code.trim())
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Relationship::Holder => td_string!(locale, civil_registry.relationship.holder),
            Relationship::Parent => td_string!(locale, civil_registry.relationship.parent),
            Relationship::Child => td_string!(locale, civil_registry.relationship.child),
            Relationship::Spouse => td_string!(locale, civil_registry.relationship.spouse),
            Relationship::Sibling => td_string!(locale, civil_registry.relationship.sibling),
            Relationship::Representative => td_string!(locale, civil_registry.relationship.representative),
            Relationship::Other => td_string!(locale, civil_registry.relationship.other),
        }
    }
}

/// A record of the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub kind: RecordKind,
    /// The record's number in the registry's books (número de acta).
    pub number: String,
    /// The day of the birth, marriage or death, `YYYY-MM-DD`.
    pub event_date: String,
    /// Whom it is about (both spouses for a marriage).
    pub names: String,
    pub reserve: Option<Reserve>,
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestState {
    /// Waiting for its fee.
    AwaitingPayment,
    /// Paid: the civil registry prepares the certificate.
    Paid,
    Issued,
    Revoked,
}

impl RequestState {
    pub fn code(self) -> &'static str {
        match self {
            RequestState::AwaitingPayment => "awaiting-payment",
            RequestState::Paid => "paid",
            RequestState::Issued => "issued",
            RequestState::Revoked => "revoked",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            RequestState::AwaitingPayment => td_string!(locale, civil_registry.state.awaiting_payment),
            RequestState::Paid => td_string!(locale, civil_registry.state.paid),
            RequestState::Issued => td_string!(locale, civil_registry.state.issued),
            RequestState::Revoked => td_string!(locale, civil_registry.state.revoked),
        }
    }
}

/// An issued certificate: its signed code (what the QR carries after `/verificar?c=`), and revocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub code: String,
    pub issued_at: String,
    pub issued_by: String,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
}

/// A request with its record, its latest payment and its certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: String,
    /// `RC-2026-000001`.
    pub number: String,
    pub record: Record,
    pub applicant_id_type: String,
    pub applicant_id: String,
    pub applicant_name: String,
    pub applicant_email: String,
    pub relationship: Relationship,
    pub fee: i64,
    pub created_at: String,
    pub paid: bool,
    /// The latest payment started for it, if any.
    pub payment: Option<crate::treasury::Payment>,
    pub certificate: Option<Certificate>,
}

impl Request {
    pub fn state(&self) -> RequestState {
        match &self.certificate {
            Some(certificate) if certificate.revoked_at.is_some() => RequestState::Revoked,
            Some(_) => RequestState::Issued,
            None if self.paid => RequestState::Paid,
            None => RequestState::AwaitingPayment,
        }
    }
}

/// The words of the certificate's PDF, which the server writes without a page render.
pub struct CertificateLabels {
    pub municipality: &'static str,
    pub title: &'static str,
    pub number: &'static str,
    pub record_number: &'static str,
    pub event_date: &'static str,
    pub names: &'static str,
    pub issued_on: &'static str,
    pub applicant: &'static str,
    pub check: &'static str,
    pub key_id: &'static str,
}

pub fn certificate_labels(locale: Locale) -> CertificateLabels {
    CertificateLabels {
        municipality: td_string!(locale, common.site.municipality),
        title: td_string!(locale, civil_registry.pdf.title),
        number: td_string!(locale, civil_registry.follow.number),
        record_number: td_string!(locale, civil_registry.request.record_number),
        event_date: td_string!(locale, civil_registry.request.event_date),
        names: td_string!(locale, civil_registry.follow.names),
        issued_on: td_string!(locale, civil_registry.verify.issued_on),
        applicant: td_string!(locale, civil_registry.follow.applicant),
        check: td_string!(locale, civil_registry.pdf.check),
        key_id: td_string!(locale, civil_registry.verify.key_id),
    }
}

/// A request number as people type it: `RC-2026-000042`, `rc 2026 42`, `2026-42`; `None` if it is not one.
pub fn normalize_request_number(text: &str) -> Option<String> {
    let text = text.trim();
    let rest = text.get(..2).filter(|head| head.eq_ignore_ascii_case("RC")).map_or(text, |_| &text[2..]);
    let rest = rest.trim_start_matches(['-', ' ']);
    crate::tramites::normalize_number(rest).map(|number| format!("RC-{number}"))
}

/// The columns of the records import, in order (its first line).
pub const CSV_HEADER: &str = "tipo,numero_acta,fecha,nombres,reserva";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_numbers_read_as_people_type_them() {
        assert_eq!(normalize_request_number("RC-2026-000042").as_deref(), Some("RC-2026-000042"));
        assert_eq!(normalize_request_number(" rc 2026 42").as_deref(), Some("RC-2026-000042"));
        assert_eq!(normalize_request_number("2026-7").as_deref(), Some("RC-2026-000007"));
        assert_eq!(normalize_request_number("RC-"), None);
        assert_eq!(normalize_request_number("XX-2026-1"), None);
    }

    #[test]
    fn codes_round_trip() {
        for kind in RecordKind::ALL {
            assert_eq!(RecordKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(RecordKind::parse("Defunción"), Some(RecordKind::Death));
        for reserve in Reserve::ALL {
            assert_eq!(Reserve::parse(reserve.code()), Some(reserve));
        }
        for relationship in Relationship::ALL {
            assert_eq!(Relationship::parse(relationship.code()), Some(relationship));
        }
    }
}
