//! Requests for quotation: the public pages, the bid API and files, and the committee's staff page.
use crate::paths::Page;

/// The requests for quotation, open and closed.
pub const TENDERS: Page = Page::new("/integridad/cotizaciones");
/// One request (`?numero=SC-2026-001`): items, deadline, the key's recipient; after the deadline the
/// hashes of the bids; after the opening the table, the award and the key.
pub const TENDER: Page = Page::new("/integridad/cotizacion");
/// The bid form (an island: encryption in the browser).
pub const BID: Page = Page::new("/integridad/cotizacion/ofertar");
/// `POST`: a sealed bid.
pub const API_BIDS: &str = "/api/bids";
/// Files of a tender: `/datos/cotizaciones/{number}/sha256.txt`, `…/{bid}.age`, `/datos/cotizaciones/{number}.json` (OCDS).
pub const FILES: &str = "/datos/cotizaciones";

/// Staff (procurement committee): a new request, the opening's results.
pub const OFFICE: Page = Page::new("/oficina/cotizaciones");
pub const OFFICE_TENDER_POST: Page = Page::new("/oficina/cotizaciones/nueva");
pub const OFFICE_OPENING_POST: Page = Page::new("/oficina/cotizaciones/apertura");
