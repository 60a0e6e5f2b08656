//! The alerts' pages.
use crate::paths::Page;

/// Every alert (`?cotizacion=` for one request's), with the rules stated and each review beside it.
pub const ALERTS: Page = Page::new("/integridad/alertas");

/// Staff (integrity office): a reviewed explanation for an alert (`?alerta=` chooses one).
pub const OFFICE: Page = Page::new("/oficina/alertas");
pub const OFFICE_POST: Page = Page::new("/oficina/alertas/revisar");

/// The alerts as open data: `{OPEN_DATA}.csv` and `.json` (`?cotizacion=` as on the page).
pub const OPEN_DATA: &str = "/datos/integridad/alertas";
