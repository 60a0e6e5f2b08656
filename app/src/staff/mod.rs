//! Staff accounts: one sign-in (a password and an authenticator code, lockout, sessions) for every
//! department, and roles that say what each account may do. Each staff route states the [`Role`] it
//! needs; an account holds any number of roles.
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
