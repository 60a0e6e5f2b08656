//! The portal's own pages.
use crate::paths::Page;

pub const HOME: Page = Page::new("/");
pub const PRIVACY: Page = Page::new("/privacidad");
