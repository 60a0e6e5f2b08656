//! Building blocks shared by pages and islands. The frame and the charts are server-rendered only.
#[cfg(feature = "ssr")]
pub mod chart;
#[cfg(feature = "ssr")]
pub mod field_problems;
#[cfg(feature = "ssr")]
pub mod footer;
pub mod format;
#[cfg(feature = "ssr")]
pub mod header;
pub mod islands;
#[cfg(feature = "ssr")]
pub mod layout;
pub mod page_link;
#[cfg(feature = "ssr")]
pub mod page_title;
#[cfg(feature = "ssr")]
pub mod table_scroll;
