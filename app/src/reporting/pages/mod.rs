//! Pages are rendered by the server; the form's island is compiled into the `report-form` bundle too.
#[cfg(any(feature = "ssr", feature = "browser-report-form"))]
pub mod form;
#[cfg(feature = "ssr")]
pub mod intro;
