//! Staff accounts: sign-in with a password and an authenticator code, sessions, lockout.
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod storage;
