//! The reporting channel's pages and endpoints.
use crate::paths::Page;

/// The query parameter that tells the form its result page was reloaded (see the server's `reloaded`).
pub const RELOADED_PARAMETER: &str = "recargada";

/// What the channel is, how it protects the reporter, and the way in.
pub const REPORT: Page = Page::new("/denuncia");
/// The report form (and the receipt).
pub const REPORT_FORM: Page = Page::new("/denuncia/formulario");
/// Where the plain form posts (the path without JavaScript); also under `/en` and `/es`.
pub const PLAIN_SUBMIT: Page = Page::new("/denuncia/enviar");
/// A report encrypted in the browser.
pub const API_REPORTS: &str = "/api/reports";
