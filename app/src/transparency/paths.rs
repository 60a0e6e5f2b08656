//! The transparency portal's pages.
use crate::paths::Page;

/// Central Alerta incident statistics.
pub const STATISTICS: Page = Page::new("/transparencia");
/// The security modules' attentions.
pub const MODULES: Page = Page::new("/transparencia/modulos");
/// How the integrity office handles complaints.
pub const COMPLAINTS: Page = Page::new("/transparencia/denuncias");
/// The open data sets and the API.
pub const OPEN_DATA: Page = Page::new("/transparencia/datos");
