//! The server's integration tests, one module per subject, in one test binary: as eight binaries each
//! compiled the dependencies' generic code again and linked the whole server again.
//! One subject alone: `cargo test -p server --features app/ssr --test integration crash::`.

mod alerts;
mod civil_registry;
mod common;
mod council;
mod crash;
mod hostile;
mod http_baseline;
mod integrity_registers;
mod memory;
mod officers;
mod participation;
mod procurement;
mod request_log;
mod startup;
mod submissions;
mod tramites;
mod transparency;
