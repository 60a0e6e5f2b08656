//! The anti-corruption button: the report form and its fields and checks, encryption in the browser,
//! the report pages, and how reports and the office's keys are stored.
pub mod form;
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;
#[cfg(feature = "hydrate")]
pub mod submit;
