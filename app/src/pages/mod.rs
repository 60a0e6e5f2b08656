//! One module a page. A page is added with the issue that makes it work: no placeholders.
//! Pages are rendered by the server only; a page's islands (its interactive parts) are compiled into
//! the browser bundle that hydrates them too, and only into that one.
#[cfg(any(feature = "ssr", feature = "browser-follow-up"))]
pub mod follow_up;
#[cfg(feature = "ssr")]
pub mod home;
#[cfg(feature = "ssr")]
pub mod not_found;
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod privacy;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(any(feature = "ssr", feature = "browser-report-form"))]
pub mod report_form;
#[cfg(feature = "ssr")]
pub mod transparency;
