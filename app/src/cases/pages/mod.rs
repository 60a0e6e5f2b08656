//! The reporter's follow-up (an island, compiled into the `follow-up` bundle too) and the office's case
//! list (server-rendered).
#[cfg(any(feature = "ssr", feature = "browser-follow-up"))]
pub mod follow_up;
#[cfg(feature = "ssr")]
pub mod office;
