//! Public statistics for the transparency portal: what an incident record is ([`catalogue`],
//! [`record`]), the pre-aggregated counts every view is computed from ([`cube`]), the tables that pages
//! and downloads share ([`table`]), number formats ([`format`]), small-cell protection for the
//! complaint statistics ([`suppression`]) and, with the `generate` feature, a seeded generator of
//! realistic Central Alerta data ([`generate`]).
//!
//! No I/O here: the app stores and loads, the server imports and serves. The crate also runs in the
//! browser, where hydrated pages format the same tables.

pub mod catalogue;
pub mod cube;
pub mod format;
#[cfg(feature = "generate")]
pub mod generate;
pub mod record;
#[cfg(feature = "protection")]
pub mod suppression;
pub mod table;

pub use catalogue::{Channel, IncidentType, Language, Module, Month, Subtype, Zone};
pub use cube::{Count, Cube, CubeCell, Filter, FilterProblem, FilterQuery, Overview};
pub use record::IncidentRecord;
pub use table::{DataTable, Value, View};
