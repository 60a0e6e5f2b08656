//! Building blocks shared by every page.
pub mod chart;
pub mod footer;
pub mod header;
pub mod layout;
pub mod page_link;
pub mod page_title;
