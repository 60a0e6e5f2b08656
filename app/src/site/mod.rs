//! The portal's own pages: home, privacy, and the page for a path that does not exist.
pub mod home;
pub mod not_found;
pub mod paths;
pub mod privacy;
