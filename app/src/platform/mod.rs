//! Mechanisms the capabilities share, named for what they do rather than for the first capability that
//! used them: the database, file storage, the audit chain and, in the browser, the sealed-upload
//! transport (proof of work, encrypted slices over a WebSocket or PUT, resume) that complaints and
//! follow-up messages use, and sealed bids will.
/// Attachment uploads: `POST` opens one; `…/{upload}/{index}?offset=N` (`PUT`) and `…/{upload}/socket`
/// (WebSocket) carry its slices.
pub const API_UPLOADS: &str = "/api/uploads";
/// A proof-of-work challenge, which every sealed submission pays (a report, a follow-up lookup or
/// message). Its path predates the transport's own home and stays for the browsers that have it.
pub const API_CHALLENGE: &str = "/api/reports/challenge";

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod csv_rows;
#[cfg(feature = "ssr")]
pub mod database;
#[cfg(feature = "ssr")]
pub mod files;
pub mod problem;
#[cfg(feature = "hydrate")]
pub mod sealed_upload;
pub mod text;
