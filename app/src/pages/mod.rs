//! One module a page. A page is added with the issue that makes it work: no placeholders.
pub mod follow_up;
pub mod home;
pub mod not_found;
pub mod office;
pub mod privacy;
pub mod report;
pub mod report_form;
pub mod transparency;
