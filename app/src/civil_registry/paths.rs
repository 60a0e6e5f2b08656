//! The civil registry's pages and the addresses its forms post to.
use crate::paths::Page;

/// The catalogue's sheet of the service.
pub const SERVICE_CERTIFICATE: Page = Page::new("/tramites/pedir-partida");
/// The request form.
pub const REQUEST: Page = Page::new("/tramites/partidas");
pub const REQUEST_POST: Page = Page::new("/tramites/partidas/solicitar");
/// Following a request with its number and verification code (the form, then the request).
pub const FOLLOW: Page = Page::new("/tramites/partidas/solicitud");
pub const FOLLOW_POST: Page = Page::new("/tramites/partidas/consultar");
/// Paying a request's fee (card or cash), and downloading its certificate: number and code in the body.
pub const PAY_POST: Page = Page::new("/tramites/partidas/pagar");
pub const DOWNLOAD_POST: Page = Page::new("/tramites/partidas/certificado");
/// Checking a certificate's code (`?c=`, what its QR opens).
pub const VERIFY: Page = Page::new("/verificar");
/// The municipality's public key for certificates, PEM (SPKI), for checks without the portal.
pub const PUBLIC_KEY: &str = "/verificar/clave-publica.pem";

/// Staff (civil registry): requests, issuing and revoking, and the import of records.
pub const OFFICE: Page = Page::new("/oficina/registro-civil");
pub const OFFICE_ACTION_POST: Page = Page::new("/oficina/registro-civil/accion");
pub const OFFICE_IMPORT_POST: Page = Page::new("/oficina/registro-civil/importar");
