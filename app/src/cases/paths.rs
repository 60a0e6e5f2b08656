//! The pages and endpoints of cases: the reporter's follow-up and the office's case list.
use crate::paths::Page;

/// The reporter's follow-up with the receipt.
pub const FOLLOW_UP: Page = Page::new("/denuncia/seguimiento");
/// The integrity office's case list.
pub const OFFICE_CASES: Page = Page::new("/oficina/casos");
/// A case by its lookup token (derived from the receipt in the browser).
pub const API_FOLLOW_UP: &str = "/api/follow-up";
/// An attachment of a case, for the reporter.
pub const API_FOLLOW_UP_OBJECT: &str = "/api/follow-up/object";
/// A message from the reporter.
pub const API_FOLLOW_UP_MESSAGES: &str = "/api/follow-up/messages";
