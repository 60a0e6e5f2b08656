//! The treasury's pages, the addresses its forms post to, and the provider's notification endpoint.
use crate::paths::Page;

/// The taxpayer's statement: the form (taxpayer code and check value), then the statement itself.
pub const STATEMENT: Page = Page::new("/tributos");
pub const STATEMENT_POST: Page = Page::new("/tributos/estado-de-cuenta");
/// Starting a payment of chosen items (card or cash).
pub const PAY_POST: Page = Page::new("/tributos/pagar");
/// A payment's page (`?id=`): where the card checkout returns, and where a cash code is shown.
pub const PAYMENT: Page = Page::new("/tributos/pago");
/// A paid payment's printable receipt (`?id=`), or the one a verification code names (`?codigo=`).
pub const RECEIPT: Page = Page::new("/tributos/recibo");
/// The same receipt as a PDF (`?id=…&idioma=es|en`).
pub const RECEIPT_PDF: &str = "/tributos/recibo.pdf";
/// The catalogue's sheet of the service.
pub const SERVICE_PAY: Page = Page::new("/tramites/pagar-tributos");
/// Signed notifications from the payment provider.
pub const API_NOTIFICATIONS: &str = "/api/pagos/notificaciones";

/// Staff (treasury): payments, reconciliation, refunds, and the import of tax items.
pub const OFFICE: Page = Page::new("/oficina/tributos");
pub const OFFICE_IMPORT_POST: Page = Page::new("/oficina/tributos/importar");
