//! The interest affidavits' pages and the transparency editor's form.
use crate::paths::Page;

/// The affidavits, searched by name and office (`?q=&funcionario=`): every version with its date.
pub const AFFIDAVITS: Page = Page::new("/integridad/declaraciones");
/// One affidavit (`?id=…`): its public sections.
pub const AFFIDAVIT: Page = Page::new("/integridad/declaracion");

/// Staff (transparency editor): a new affidavit or a new version of one.
pub const OFFICE: Page = Page::new("/oficina/declaraciones");
pub const OFFICE_POST: Page = Page::new("/oficina/declaraciones/registrar");
