//! The front desk's server side: the filing form and its receipt, tracking with a number and a
//! verification code, the applicant's corrections, the document registry's pages and actions, the
//! holiday calendar, the desk's CSV import, and the open data of expedientes.

pub(crate) mod forms;
mod open_data;
mod public;
mod registry;

use crate::AppState;
use crate::platform::rate_limit::GlobalRateLimit;
use crate::staff::no_store;
use app::platform::files::FileStore;
use app::tramites::paths::{
    CORRECT_POST, DOCUMENT_POST, FILE_POST, HOLIDAYS_POST, OPEN_DATA, REGISTRY_ACTION_POST, REGISTRY_DOCUMENT,
    REGISTRY_IMPORT_POST, TRACK_POST,
};
use axum::Router;
use axum::routing::{get, post};
pub use forms::DocumentLimits;
pub use open_data::resources as open_data_resources;
pub use public::load_filing;
pub use registry::{load_case, load_holidays, load_registry};

/// `[tramites]` in `Leptos.toml`; every key has a default, so the section may be left out.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TramitesConfig {
    /// Lookups with a wrong number or code, per minute across the whole portal. Past it every lookup
    /// waits for the next minute, so codes cannot be guessed even by many clients together (a correct
    /// lookup is never what the limit counts).
    #[serde(default = "default_wrong_lookups_per_minute")]
    pub wrong_lookups_per_minute: u32,
    /// The largest PDF a filing, a correction or a response may carry, in bytes.
    #[serde(default = "default_max_document_bytes")]
    pub max_document_bytes: u64,
    /// How many PDFs a filing or a correction may carry.
    #[serde(default = "default_max_documents")]
    pub max_documents: usize,
}

fn default_wrong_lookups_per_minute() -> u32 {
    60
}

fn default_max_document_bytes() -> u64 {
    app::tramites::fields::MAX_DOCUMENT_BYTES
}

fn default_max_documents() -> usize {
    app::tramites::fields::MAX_DOCUMENTS
}

impl Default for TramitesConfig {
    fn default() -> Self {
        Self {
            wrong_lookups_per_minute: default_wrong_lookups_per_minute(),
            max_document_bytes: default_max_document_bytes(),
            max_documents: default_max_documents(),
        }
    }
}

impl TramitesConfig {
    pub(crate) fn check(&self, problem: &mut impl FnMut(&str, String)) {
        if self.wrong_lookups_per_minute == 0 {
            problem("tramites.wrong_lookups_per_minute", "must be greater than 0".into());
        }
        if !(1..=app::tramites::fields::MAX_DOCUMENT_BYTES).contains(&self.max_document_bytes) {
            let most = app::tramites::fields::MAX_DOCUMENT_BYTES;
            problem("tramites.max_document_bytes", format!("must be from 1 to {most} (the pages say 10 MB)"));
        }
        if !(1..=app::tramites::fields::MAX_DOCUMENTS).contains(&self.max_documents) {
            problem("tramites.max_documents", format!("must be from 1 to {}", app::tramites::fields::MAX_DOCUMENTS));
        }
    }
}

/// What the front desk's handlers share.
pub struct Tramites {
    /// Filed PDFs: `data_dir/documents/`.
    pub store: FileStore,
    pub wrong_lookups: GlobalRateLimit,
    pub limits: DocumentLimits,
}

impl Tramites {
    /// Opens the document store, removes documents no expediente refers to (a crash between storing and
    /// committing), and preloads the national holidays of last year to two years ahead.
    pub async fn open(
        config: &crate::config::PortalConfig,
        database: &app::platform::database::Database,
    ) -> Result<Self, String> {
        let dir = config.site.data_dir.join("documents");
        let store = FileStore::open_with_extension(&dir, ".pdf")
            .await
            .map_err(|e| format!("cannot open the document store under {}: {e}", dir.display()))?;
        let referenced = app::tramites::storage::referenced_objects(database).await.map_err(|e| e.to_string())?;
        let swept = store.sweep(&referenced).await.map_err(|e| e.to_string())?;
        if swept > 0 {
            tracing::warn!(swept, "removed filed documents that no expediente refers to (an interrupted filing)");
        }
        let year = app::tramites::storage::today_in_lima().year();
        let added = app::tramites::storage::seed_national_holidays(database, year - 1..=year + 2)
            .await
            .map_err(|e| e.to_string())?;
        if added > 0 {
            tracing::info!(added, "preloaded national holidays");
        }
        let settings = &config.tramites;
        Ok(Self {
            store,
            wrong_lookups: GlobalRateLimit::new(settings.wrong_lookups_per_minute),
            limits: DocumentLimits { max_bytes: settings.max_document_bytes, max_count: settings.max_documents },
        })
    }

    /// The largest body a form of the front desk may have: its documents and some room for the fields.
    pub fn body_limit(&self) -> usize {
        (self.limits.max_bytes as usize).saturating_mul(self.limits.max_count) + 1024 * 1024
    }
}

/// The front desk's routes: the public forms, the staff's forms and downloads, and open data.
pub fn routes(body_limit: usize) -> Router<AppState> {
    let public = Router::new()
        .route(FILE_POST.path(), post(public::file))
        .route(TRACK_POST.path(), post(public::track))
        .route(CORRECT_POST.path(), post(public::correct))
        .route(DOCUMENT_POST.path(), post(public::document))
        .layer(axum::middleware::from_fn(no_store));
    let staff = Router::new()
        .route(REGISTRY_ACTION_POST.path(), post(registry::act))
        .route(REGISTRY_IMPORT_POST.path(), post(registry::import))
        .route(REGISTRY_DOCUMENT.path(), get(registry::document))
        .route(HOLIDAYS_POST.path(), post(registry::holidays))
        .layer(axum::middleware::from_fn(no_store));
    Router::new()
        .merge(public)
        .merge(staff)
        .route(OPEN_DATA, get(open_data::table))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
}

/// A PDF download: `Content-Disposition: attachment` with its file name, so it is saved, never shown
/// inline by the portal's origin.
pub(crate) async fn pdf_download(store: &FileStore, object: &str, file_name: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    match crate::platform::download(store, object, None).await {
        Ok(mut response) => {
            let headers = response.headers_mut();
            headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/pdf"));
            let ascii: String = file_name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || "._- ".contains(c) { c } else { '_' })
                .collect();
            let disposition = format!(
                "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
                crate::staff::percent_encode(file_name)
            );
            if let Ok(value) = http::HeaderValue::from_str(&disposition) {
                headers.insert(http::header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(error) => {
            tracing::error!(%error, "reading a filed document failed");
            http::StatusCode::NOT_FOUND.into_response()
        }
    }
}
