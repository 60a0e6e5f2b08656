//! The visits registry's and the agendas' pages, downloads, and the transparency editor's forms.
use crate::paths::Page;

/// The visits, searched (`?q=&desde=&hasta=&funcionario=`).
pub const VISITS: Page = Page::new("/integridad/visitas");
/// The official agendas, searched the same way.
pub const AGENDAS: Page = Page::new("/integridad/agendas");
/// What a search found, as a file: `/datos/integridad/{visitas|agendas}.{csv|json}` with the same query.
pub fn download(table: &str, format: &str, query: &str) -> String {
    format!("{}/{table}.{format}{query}", crate::integrity::paths::OPEN_DATA)
}

/// Staff (transparency editor): the door's register, agenda acts, imports.
pub const OFFICE: Page = Page::new("/oficina/visitas");
pub const OFFICE_VISIT_POST: Page = Page::new("/oficina/visitas/registrar");
pub const OFFICE_EXIT_POST: Page = Page::new("/oficina/visitas/salida");
pub const OFFICE_AGENDA_POST: Page = Page::new("/oficina/visitas/agenda");
pub const OFFICE_IMPORT_VISITS_POST: Page = Page::new("/oficina/visitas/importar");
pub const OFFICE_IMPORT_AGENDA_POST: Page = Page::new("/oficina/visitas/importar-agenda");
