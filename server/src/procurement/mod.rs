//! Requests for quotation on the server: the pages' loaders, the sealed bid (`POST /api/bids`: proof of
//! work, a well-formed age file to one recipient, the deadline by this server's clock, stored as
//! ciphertext only), the files published at the deadline (`sha256.txt` and each ciphertext), the OCDS
//! release package, and the committee's forms (`office.rs`).

mod bids;
pub mod ocds;
mod office;

use crate::AppState;
use crate::page_loaders::{Loaded, LoaderFuture, Request};
use app::platform::files::FileStore;
use app::procurement::pages::{BidView, TenderView, TendersView};
use app::procurement::paths::{API_BIDS, FILES, OFFICE_OPENING_POST, OFFICE_TENDER_POST};
use app::procurement::storage::{self, now_utc};
use app::procurement::{Bid, Stage};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::StatusCode;
pub use office::load_office;

/// The most a bid's ciphertext may be: the document with its files (at most
/// `envelope::bid::MAX_ATTACHMENT_BYTES`, a third more in base64), padded, plus age's 16 bytes a
/// 64 KiB chunk.
pub const MAX_BID_BYTES: u64 = 9 * 1024 * 1024;

/// Procurement's own state: where the bids' ciphertexts are kept.
pub struct Procurement {
    /// `data_dir/bids/`, `.age` files.
    pub store: FileStore,
}

impl Procurement {
    /// Opens the bids' store and removes files no bid refers to (a crash between storing and
    /// committing).
    pub async fn open(
        config: &crate::config::PortalConfig,
        database: &app::platform::database::Database,
    ) -> Result<Self, String> {
        let dir = config.site.data_dir.join("bids");
        let store = FileStore::open_with_extension(&dir, ".age")
            .await
            .map_err(|e| format!("cannot open the bids' store under {}: {e}", dir.display()))?;
        let referenced = storage::bid_objects(database).await.map_err(|e| e.to_string())?;
        store.sweep(&referenced.into_iter().collect()).await.map_err(|e| e.to_string())?;
        Ok(Self { store })
    }
}

fn failed(what: &'static str, error: impl std::fmt::Display) -> crate::page_loaders::Outcome {
    crate::page_loaders::failed(what, error)
}

pub fn load_tenders<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        match storage::tenders(&request.state.database).await {
            Ok(tenders) => Loaded::context(TendersView { tenders, now: now_utc() }).into(),
            Err(error) => failed("listing tenders failed", error),
        }
    })
}

/// The bids a tender shows: none while it is open.
async fn published_bids(
    state: &AppState,
    tender: &app::procurement::Tender,
    now: &str,
) -> Result<Vec<(Bid, String)>, app::platform::database::StorageError> {
    if tender.stage(now) == Stage::Open {
        return Ok(Vec::new());
    }
    storage::bids(&state.database, &tender.number).await
}

pub fn load_tender<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let number = request.query_value("numero").unwrap_or_default();
        let database = &request.state.database;
        let tender = match storage::tender(database, number.trim()).await {
            Ok(Some(tender)) => tender,
            Ok(None) => return Loaded::context(TenderView::default()).with_status(StatusCode::NOT_FOUND).into(),
            Err(error) => return failed("reading a tender failed", error),
        };
        let now = now_utc();
        let bids = match published_bids(request.state, &tender, &now).await {
            Ok(bids) => bids.into_iter().map(|(bid, _)| bid).collect(),
            Err(error) => return failed("reading bids failed", error),
        };
        let officials = match app::integrity::storage::officials(database).await {
            Ok(officials) => officials,
            Err(error) => return failed("reading officials failed", error),
        };
        let committee = tender
            .committee
            .iter()
            .map(|id| officials.iter().find(|o| o.id == *id).map_or(id.clone(), |o| o.name.clone()))
            .collect();
        Loaded::context(TenderView { tender: Some(tender), now, bids, committee }).into()
    })
}

pub fn load_bid<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let number = request.query_value("numero").unwrap_or_default();
        match storage::tender(&request.state.database, number.trim()).await {
            Ok(Some(tender)) => {
                Loaded::context(BidView { tender: Some(tender), now: now_utc(), max_bid_bytes: MAX_BID_BYTES }).into()
            }
            Ok(None) => Loaded::context(BidView::default()).with_status(StatusCode::NOT_FOUND).into(),
            Err(error) => failed("reading a tender failed", error),
        }
    })
}

/// `GET /datos/cotizaciones/{number}.json`: the tender as an OCDS release package.
async fn ocds_file(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(number) = file.strip_suffix(".json") else { return StatusCode::NOT_FOUND.into_response() };
    let tender = match storage::tender(&state.database, number).await {
        Ok(Some(tender)) => tender,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return crate::platform::server_error("reading a tender failed", error),
    };
    let now = now_utc();
    let bids = match published_bids(&state, &tender, &now).await {
        Ok(bids) => bids.into_iter().map(|(bid, _)| bid).collect::<Vec<_>>(),
        Err(error) => return crate::platform::server_error("reading bids failed", error),
    };
    axum::Json(ocds::release_package(&state.site_url, &tender, &bids, &now)).into_response()
}

/// `GET /datos/cotizaciones/{number}/{file}`: after the deadline, `sha256.txt` (the list, as
/// `sha256sum` writes it) and each bid's ciphertext by its SHA-256 (`{sha256}.age`).
async fn tender_file(State(state): State<AppState>, Path((number, file)): Path<(String, String)>) -> Response {
    let tender = match storage::tender(&state.database, &number).await {
        Ok(Some(tender)) => tender,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return crate::platform::server_error("reading a tender failed", error),
    };
    let now = now_utc();
    if tender.stage(&now) == Stage::Open {
        // Nothing of the bids is shown before the deadline, not even how many there are.
        return StatusCode::NOT_FOUND.into_response();
    }
    let bids = match storage::bids(&state.database, &number).await {
        Ok(bids) => bids,
        Err(error) => return crate::platform::server_error("reading bids failed", error),
    };
    if file == "sha256.txt" {
        let list: String = bids.iter().map(|(bid, _)| format!("{}  {}.age\n", bid.sha256, bid.sha256)).collect();
        return ([(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], list).into_response();
    }
    let Some((_, object)) = bids.iter().find(|(bid, _)| format!("{}.age", bid.sha256) == file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(path) = state.procurement.store.local_path(object) else { return StatusCode::NOT_FOUND.into_response() };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (http::header::CONTENT_TYPE, "application/octet-stream".to_string()),
                (http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => crate::platform::server_error("reading a bid failed", error),
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(OFFICE_TENDER_POST.path(), post(office::create_tender))
        .route(OFFICE_OPENING_POST.path(), post(office::publish_opening))
        .layer(axum::middleware::from_fn(crate::staff::no_store))
        .route(&format!("{FILES}/{{file}}"), get(ocds_file))
        .route(&format!("{FILES}/{{number}}/{{file}}"), get(tender_file))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
}

/// `POST /api/bids`: merged outside the request log (when a bid arrived is kept in its row, which the
/// page publishes after the deadline; a log would add the address of nobody, but there is no need).
pub fn bid_routes() -> Router<AppState> {
    Router::new()
        .route(API_BIDS, post(bids::submit))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BID_BYTES as usize + 16 * 1024))
}
