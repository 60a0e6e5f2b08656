//! The app crate's integration tests (storage on SQLite and PostgreSQL), one module per subject, in one
//! test binary: each binary links the whole crate and its dependencies again.

mod alerts;
mod civil_registry;
mod common;
mod council;
mod incidents;
mod integrity_registers;
mod migrations;
mod participation;
mod storage;
mod tramites;
mod treasury;
