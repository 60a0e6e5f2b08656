//! The council's pages, its files and the addresses its staff forms post to.
use crate::paths::Page;

/// The sessions, searched by date, topic and councillor (`?desde=&hasta=&tema=&regidor=`).
pub const SESSIONS: Page = Page::new("/concejo");
/// One session (`?numero=015-2026`).
pub const SESSION: Page = Page::new("/concejo/sesion");
/// One councillor (`?id=maria-paz`): attendance and votes.
pub const COUNCILLOR: Page = Page::new("/concejo/regidor");
/// A session's approved minutes: `/concejo/actas/{number}.pdf`.
pub const MINUTES: &str = "/concejo/actas";
pub fn minutes_url(number: &str) -> String {
    format!("{MINUTES}/{number}.pdf")
}
/// Open data: `/datos/concejo/{sesiones|puntos|asistencia|votos|regidores}.{csv|json}`.
pub const OPEN_DATA: &str = "/datos/concejo";

/// Staff (council secretary): members, sessions, items with their votes, minutes, imports.
pub const OFFICE: Page = Page::new("/oficina/concejo");
pub const OFFICE_MEMBERS_POST: Page = Page::new("/oficina/concejo/regidores");
pub const OFFICE_VOTES_POST: Page = Page::new("/oficina/concejo/votaciones");
pub const OFFICE_SESSION_POST: Page = Page::new("/oficina/concejo/sesion");
pub const OFFICE_ITEM_POST: Page = Page::new("/oficina/concejo/punto");
