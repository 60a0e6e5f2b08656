//! Staff sign-in.
use crate::paths::Page;

/// The sign-in page.
pub const SIGN_IN: Page = Page::new("/oficina");
/// Where the sign-in form posts.
pub const SIGN_IN_POST: Page = Page::new("/oficina/entrar");
/// Where the sign-out form posts.
pub const SIGN_OUT_POST: Page = Page::new("/oficina/salir");
