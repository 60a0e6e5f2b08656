//! The registers' hub, the officials' open data and the transparency editor's page for the officials.
use crate::paths::Page;

/// The hub: what each register holds, and the officials with links to their entries.
pub const HUB: Page = Page::new("/integridad");
/// Open data of the integrity registers: `/datos/integridad/{table}.{csv|json}`.
pub const OPEN_DATA: &str = "/datos/integridad";

/// Staff (transparency editor): the officials file.
pub const OFFICE: Page = Page::new("/oficina/integridad");
pub const OFFICE_OFFICIALS_POST: Page = Page::new("/oficina/integridad/funcionarios");
