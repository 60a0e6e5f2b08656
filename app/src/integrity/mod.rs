//! Public integrity registers: who influences the municipality's decisions and whom it pays. This
//! module holds what the registers share: the officials they name (with their organic unit, which a
//! tender's requesting area is matched to), the hub page that links the registers, and the
//! transparency editor's page for the officials file. The registers are capabilities of their own:
//! `visits` (visits and official agendas), `affidavits` (interest affidavits).
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;

/// The officials file's header.
pub const OFFICIALS_HEADER: &str = "id,nombre,cargo,area,inicio,fin";

/// An official the registers name: the visited, the declarant, the committee member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Official {
    /// A short slug (`carlos-rojas`): the key every register uses.
    pub id: String,
    pub name: String,
    pub position: String,
    /// The organic unit (`Gerencia de Obras Públicas`).
    pub area: String,
    pub start_date: String,
    pub end_date: Option<String>,
}
