//! Staff accounts: one sign-in (a password and an authenticator code, lockout, sessions) for every
//! department, and roles that say what each account may do. Each staff route states the [`Role`] it
//! needs; an account holds any number of roles.
#[cfg(feature = "ssr")]
pub mod accounts;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;

use serde::{Deserialize, Serialize};

/// What a staff account may do: one role per kind of work in the municipality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The integrity office: reads and answers whistleblower cases. Granted only with the server's
    /// command line, never through the portal (see [`Role::portal_grantable`]).
    IntegrityOfficer,
    /// The front desk (mesa de partes): filed documents and case tracking.
    DocumentRegistry,
    /// Taxes, fees and payments.
    Treasury,
    /// Civil registry certificates.
    CivilRegistry,
    /// Neighbourhood votes and consultations.
    Participation,
    /// Council sessions, agendas, votes and minutes.
    CouncilSecretary,
    /// Requests for quotation and sealed bids.
    ProcurementCommittee,
    /// Visits registry, official agendas and interest affidavits.
    TransparencyEditor,
    /// Creates staff accounts, sets their roles, disables them. Sees no case and no case metadata.
    AccountAdmin,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::IntegrityOfficer,
        Role::DocumentRegistry,
        Role::Treasury,
        Role::CivilRegistry,
        Role::Participation,
        Role::CouncilSecretary,
        Role::ProcurementCommittee,
        Role::TransparencyEditor,
        Role::AccountAdmin,
    ];

    /// The role's name where it is stored and typed (`server staff add --role integrity-officer`).
    pub fn code(self) -> &'static str {
        match self {
            Role::IntegrityOfficer => "integrity-officer",
            Role::DocumentRegistry => "document-registry",
            Role::Treasury => "treasury",
            Role::CivilRegistry => "civil-registry",
            Role::Participation => "participation",
            Role::CouncilSecretary => "council-secretary",
            Role::ProcurementCommittee => "procurement-committee",
            Role::TransparencyEditor => "transparency-editor",
            Role::AccountAdmin => "account-admin",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code.trim())
    }

    /// Whether an account admin may grant or remove this role through the portal. The integrity
    /// officer's is not: whoever could grant it could read every whistleblower's case, so it takes the
    /// server's command line, and the portal also refuses to change any account that holds it.
    pub fn portal_grantable(self) -> bool {
        self != Role::IntegrityOfficer
    }
}

/// Why an account admin's change was refused, as the API's problem code and the page's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminRefusal {
    BadUsername,
    WeakPassword,
    UnknownRole,
    NoRole,
    Exists,
    NotFound,
    /// Granting or removing the integrity officer's role, or changing an account that holds it: the
    /// server's command line only.
    IntegrityOfficerRole,
    CannotDisableSelf,
    NothingToChange,
}

impl AdminRefusal {
    pub fn code(self) -> &'static str {
        match self {
            AdminRefusal::BadUsername => "bad_username",
            AdminRefusal::WeakPassword => "weak_password",
            AdminRefusal::UnknownRole => "unknown_role",
            AdminRefusal::NoRole => "no_role",
            AdminRefusal::Exists => "exists",
            AdminRefusal::NotFound => "not_found",
            AdminRefusal::IntegrityOfficerRole => "integrity_officer_role",
            AdminRefusal::CannotDisableSelf => "cannot_disable_self",
            AdminRefusal::NothingToChange => "nothing_to_change",
        }
    }
}

/// The staff home's data: who is signed in, and their roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffHome {
    pub username: String,
    pub roles: Vec<Role>,
}

/// The page a staff member lands on after signing in: the integrity office's case list for an
/// officer (their daily work), the staff home for everyone else.
pub fn landing(roles: &[Role]) -> crate::paths::Page {
    if roles.contains(&Role::IntegrityOfficer) { crate::cases::paths::OFFICE_CASES } else { paths::STAFF_HOME }
}

/// A role as the reader's language names it.
pub fn role_label(locale: crate::i18n::Locale, role: Role) -> &'static str {
    use crate::i18n::td_string;
    match role {
        Role::IntegrityOfficer => td_string!(locale, staff.role.integrity_officer),
        Role::DocumentRegistry => td_string!(locale, staff.role.document_registry),
        Role::Treasury => td_string!(locale, staff.role.treasury),
        Role::CivilRegistry => td_string!(locale, staff.role.civil_registry),
        Role::Participation => td_string!(locale, staff.role.participation),
        Role::CouncilSecretary => td_string!(locale, staff.role.council_secretary),
        Role::ProcurementCommittee => td_string!(locale, staff.role.procurement_committee),
        Role::TransparencyEditor => td_string!(locale, staff.role.transparency_editor),
        Role::AccountAdmin => td_string!(locale, staff.role.account_admin),
    }
}

/// A signed-in staff member on a page their roles do not open: the page says so and shows nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingRole {
    pub username: String,
    pub role: Role,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_from_its_code_and_serialises_as_it() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{}\"", role.code()));
        }
        assert_eq!(Role::parse("officer"), None);
        assert!(!Role::IntegrityOfficer.portal_grantable());
        assert!(Role::ALL.iter().filter(|role| !role.portal_grantable()).count() == 1);
    }
}
