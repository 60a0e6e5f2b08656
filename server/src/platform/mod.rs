//! Mechanisms the capabilities share: the sealed-upload transport (attachment slices over a WebSocket
//! or PUT, with resume), proof of work, and portal-wide rate limits.
pub mod proof_of_work;
pub mod rate_limit;
pub mod uploads;
