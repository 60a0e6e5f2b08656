//! Participation's pages and the addresses its forms and the voting island post to. A poll is named
//! by `?consulta=<id>` on its pages and by a path segment in its files and API.
use crate::paths::Page;

/// The polls: open, upcoming and closed, with how anonymous voting works.
pub const POLLS: Page = Page::new("/participacion");
/// Voting in one poll (the island: eligibility, blind token, ballot).
pub const VOTE: Page = Page::new("/participacion/votar");
/// A closed poll's results, turnout, and the published ballots (find yours by its code).
pub const RESULTS: Page = Page::new("/participacion/resultados");

/// The island's requests and the published files, under `/participacion/consultas/{id}/…`.
pub const POLL_FILES: &str = "/participacion/consultas";
pub fn token_url(poll: &str) -> String {
    format!("{POLL_FILES}/{poll}/ficha")
}
pub fn cast_url(poll: &str) -> String {
    format!("{POLL_FILES}/{poll}/papeleta")
}
pub fn ballots_json(poll: &str) -> String {
    format!("{POLL_FILES}/{poll}/papeletas.json")
}
pub fn ballots_csv(poll: &str) -> String {
    format!("{POLL_FILES}/{poll}/papeletas.csv")
}
pub fn public_key(poll: &str) -> String {
    format!("{POLL_FILES}/{poll}/clave-publica.pem")
}

/// Staff (participation): the census import and the polls.
pub const OFFICE: Page = Page::new("/oficina/participacion");
pub const OFFICE_CENSUS_POST: Page = Page::new("/oficina/participacion/padron");
pub const OFFICE_POLL_POST: Page = Page::new("/oficina/participacion/consulta");
pub const OFFICE_QUESTION_POST: Page = Page::new("/oficina/participacion/pregunta");
