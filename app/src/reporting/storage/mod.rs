//! Reports as stored (group commit), and the integrity office's keys over time.
pub mod office_keys;
pub mod reports;
