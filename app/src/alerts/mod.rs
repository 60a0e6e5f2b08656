//! Alerts that join the integrity registers: an award to a supplier that an official of the committee
//! or of the requesting area declared in their interest affidavit, and a visit by a supplier's
//! representative to one of them while the request was open. Alerts are not stored: they are computed
//! from the registers each time they are read (`rules.rs`), so a corrected register corrects its
//! alerts; what is stored is the integrity office's reviewed explanation of each, by the alert's key,
//! every version kept. An alert is not an accusation: the page says so, states the rules, and links the
//! evidence.
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;

use crate::affidavits::Section;
use crate::i18n::{Locale, td_string};

/// Which rule raised an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// The awarded supplier's RUC is in the official's latest affidavit.
    DeclaredInterest,
    /// The supplier's representative visited the official during the request.
    Visit,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::DeclaredInterest => "interes-declarado",
            Rule::Visit => "visita",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Rule::DeclaredInterest => td_string!(locale, alerts.rule.declared),
            Rule::Visit => td_string!(locale, alerts.rule.visit),
        }
    }
}

/// How the official is tied to the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tie {
    /// A member of its committee.
    Committee,
    /// An official of the requesting area (its organic unit), in office during the request.
    Area,
}

impl Tie {
    pub fn code(self) -> &'static str {
        match self {
            Tie::Committee => "comite",
            Tie::Area => "area-usuaria",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Tie::Committee => td_string!(locale, alerts.tie.committee),
            Tie::Area => td_string!(locale, alerts.tie.area),
        }
    }
}

/// What an alert rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// An entry of the official's latest affidavit with the supplier's RUC. `public` is false for the
    /// employer of a relative who is not published: then `name` is the supplier's, as awarded, and
    /// nothing typed about the relative is shown.
    Declared { affidavit: String, section: Section, name: String, public: bool },
    /// A visit in the registry by someone representing the supplier.
    Visit { id: String, date: String, visitor: String, entity: String, reason: String },
}

/// The integrity office's reviewed explanation of an alert (the latest version).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Review {
    pub explanation: String,
    /// UTC, RFC 3339.
    pub reviewed_at: String,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// Stable while the registers that raise it stand: `interes-declarado/{tender}/{official}/{section}`
    /// or `visita/{tender}/{visit}`. Reviews are kept by it.
    pub key: String,
    pub rule: Rule,
    pub tender: String,
    pub tender_title: String,
    pub supplier_ruc: String,
    pub supplier_name: String,
    pub official: String,
    pub official_name: String,
    pub position: String,
    pub tie: Tie,
    /// The request's period in Lima days: its publication to its opening (or today, before it).
    pub from: String,
    pub to: String,
    pub evidence: Evidence,
    pub review: Option<Review>,
}

/// An explanation's most characters.
pub const MAX_EXPLANATION: usize = 4000;
