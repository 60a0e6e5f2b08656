//! The front desk's pages and the addresses its forms post to.
use crate::paths::Page;

/// The catalogue of services.
pub const CATALOGUE: Page = Page::new("/tramites");
/// A service's sheet (what it is for, who, requirements, cost, time, channels, legal basis).
pub const SERVICE_FILE: Page = Page::new("/tramites/presentar-documento");
pub const SERVICE_TRACK: Page = Page::new("/tramites/consultar-expediente");
/// The filing form of the virtual front desk.
pub const FILE: Page = Page::new("/tramites/mesa-de-partes");
pub const FILE_POST: Page = Page::new("/tramites/mesa-de-partes/enviar");
/// Following an expediente with its number and verification code.
pub const TRACK: Page = Page::new("/tramites/expediente");
pub const TRACK_POST: Page = Page::new("/tramites/expediente/consultar");
pub const CORRECT_POST: Page = Page::new("/tramites/expediente/subsanar");
pub const DOCUMENT_POST: Page = Page::new("/tramites/expediente/documento");

/// Staff (document registry): the expedientes, one expediente (`?numero=`), and the holiday calendar.
pub const REGISTRY: Page = Page::new("/oficina/expedientes");
pub const REGISTRY_CASE: Page = Page::new("/oficina/expedientes/detalle");
pub const REGISTRY_ACTION_POST: Page = Page::new("/oficina/expedientes/accion");
pub const REGISTRY_IMPORT_POST: Page = Page::new("/oficina/expedientes/importar");
pub const REGISTRY_DOCUMENT: Page = Page::new("/oficina/expedientes/documento");
pub const HOLIDAYS: Page = Page::new("/oficina/feriados");
pub const HOLIDAYS_POST: Page = Page::new("/oficina/feriados/cambiar");

/// Open data of the front desk: `/datos/expedientes/{por-mes|tiempo-de-atencion}.{csv|json}`.
pub const OPEN_DATA: &str = "/datos/expedientes/{file}";
