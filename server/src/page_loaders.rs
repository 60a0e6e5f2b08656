//! Page loaders: what a server-rendered page needs from storage, loaded before it renders, registered
//! by the page's path. One middleware looks the path up (whatever its language prefix), runs the
//! loader, and hands the page its data as Leptos context; the page reads it with `use_context`. A
//! capability adds a page with data by writing its loader and one line in [`crate::router`]'s list.
//!
//! Every page is server-rendered HTML, also when the site script swaps it in without a full load, so
//! the data always arrives with the page.

use crate::AppState;
use app::i18n::Locale;
use app::locale::split_path;
use app::paths::Page;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderMap, StatusCode};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What a page's render is given: contexts to provide, and the status and headers of its response.
pub struct Loaded {
    provide: Arc<dyn Fn() + Send + Sync>,
    status: StatusCode,
    headers: HeaderMap,
}

impl Loaded {
    /// Data for the page, provided as a context of type `T`.
    pub fn context<T: Clone + Send + Sync + 'static>(value: T) -> Self {
        Self {
            provide: Arc::new(move || leptos::prelude::provide_context(value.clone())),
            status: StatusCode::OK,
            headers: HeaderMap::new(),
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn with_header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }
}

/// A loader's outcome: the page renders with its data, or the loader answers instead (a redirect to
/// sign in, a failure).
pub enum Outcome {
    Render(Loaded),
    Respond(Response),
}

impl From<Loaded> for Outcome {
    fn from(loaded: Loaded) -> Self {
        Outcome::Render(loaded)
    }
}

/// What a loader is told about the request.
pub struct Request<'a> {
    pub state: &'a AppState,
    pub parts: &'a Parts,
    /// The page's language (from its path's prefix, else the deployment's default).
    pub locale: Locale,
    /// The language prefix of the path (`/en`, `/es`, or empty), for redirects in the same language.
    pub prefix: String,
}

impl Request<'_> {
    /// The last value of `name` in the query string (a name given twice counts once, as everywhere),
    /// at most 64 characters.
    pub fn query_value(&self, name: &str) -> Option<String> {
        self.query_text(name, 64)
    }

    /// [`Self::query_value`] for a longer value (a certificate's signed code), cut at `max_chars`.
    pub fn query_text(&self, name: &str, max_chars: usize) -> Option<String> {
        let query = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&self.parts.uri).ok()?;
        query.0.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value.chars().take(max_chars).collect())
    }
}

/// A loader's work in progress.
pub type LoaderFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;

/// `fn load_x<'a>(request: &'a Request<'a>) -> LoaderFuture<'a>`.
pub type Loader = for<'a> fn(&'a Request<'a>) -> LoaderFuture<'a>;

/// The loaders, by page.
#[derive(Clone, Default)]
pub struct Loaders(Arc<Vec<(Page, Loader)>>);

impl Loaders {
    pub fn new(loaders: Vec<(Page, Loader)>) -> Self {
        let mut pages: Vec<Page> = loaders.iter().map(|(page, _)| *page).collect();
        pages.sort_by_key(|page| page.path());
        pages.dedup();
        assert_eq!(pages.len(), loaders.len(), "one loader a page");
        Self(Arc::new(loaders))
    }

    fn find(&self, path: &str) -> Option<Loader> {
        self.0.iter().find(|(page, _)| page.path() == path).map(|(_, loader)| *loader)
    }
}

/// The page's data as the render finds it in the request (see `PageContext::provide`).
#[derive(Clone)]
pub struct Provide(Arc<dyn Fn() + Send + Sync>);

impl Provide {
    pub fn provide(&self) {
        (self.0)()
    }
}

/// The middleware: runs the loader registered for the request's page, if any.
pub async fn load(
    State((state, loaders)): State<(AppState, Loaders)>,
    request: http::Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> Response {
    let (locale, rest) = split_path(request.uri().path());
    let Some(loader) = loaders.find(rest) else { return next.run(request).await };
    let prefix = locale.map(|locale| format!("/{}", app::locale::url_prefix(locale))).unwrap_or_default();
    let locale = locale.unwrap_or(state.page_context.default_locale.0);
    let (mut parts, body) = request.into_parts();
    let outcome = loader(&Request { state: &state, parts: &parts, locale, prefix }).await;
    let loaded = match outcome {
        Outcome::Render(loaded) => loaded,
        Outcome::Respond(response) => return response,
    };
    parts.extensions.insert(Provide(loaded.provide));
    let mut response = next.run(http::Request::from_parts(parts, body)).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = loaded.status;
    }
    response.headers_mut().extend(loaded.headers);
    response
}

/// A loader's answer to a failure of storage: logged (never with request contents), `500`.
pub fn failed(what: &'static str, error: impl std::fmt::Display) -> Outcome {
    tracing::error!(%error, "{what}");
    Outcome::Respond(StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
