//! Staff pages: sign-in, the staff home, and account management.
use crate::paths::Page;

/// The sign-in page.
pub const SIGN_IN: Page = Page::new("/oficina");
/// Where the sign-in form posts.
pub const SIGN_IN_POST: Page = Page::new("/oficina/entrar");
/// Where the sign-out form posts.
pub const SIGN_OUT_POST: Page = Page::new("/oficina/salir");
/// The staff home: who is signed in, and the pages their roles open.
pub const STAFF_HOME: Page = Page::new("/oficina/inicio");
/// Staff accounts, for account admins.
pub const ACCOUNTS: Page = Page::new("/oficina/cuentas");
/// Where the form that creates an account posts.
pub const ACCOUNTS_CREATE_POST: Page = Page::new("/oficina/cuentas/nueva");
/// Where the form that changes an account's roles, or disables or enables it, posts.
pub const ACCOUNTS_CHANGE_POST: Page = Page::new("/oficina/cuentas/cambiar");
