//! The portal's HTTP server, as a library so that tests can build the same router the binary runs.
#![recursion_limit = "256"]

// Capabilities: each exposes its routes, its page loaders, its open data and its commands.
pub mod affidavits;
pub mod alerts;
pub mod cases;
pub mod civil_registry;
pub mod council;
pub mod integrity;
pub mod participation;
pub mod procurement;
pub mod reporting;
pub mod staff;
pub mod tramites;
pub mod transparency;
pub mod treasury;
pub mod visits;
// Neutral homes: configuration, security headers, rendering, and mechanisms capabilities share.
pub mod config;
pub mod demo;
pub mod file_times;
pub mod page_loaders;
pub mod platform;
pub mod render_owner;
pub mod security;

use app::locale::DefaultLocale;
use app::platform::database::Database;
use app::reporting::form::{FormTicketSource, ReportSettings, SubmissionOutcome};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use config::PortalConfig;
use http::StatusCode;
use leptos::config::LeptosOptions;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use reporting::Submissions;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// What request handlers share.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub database: Database,
    pub page_context: PageContext,
    pub submissions: Arc<Submissions>,
    /// The cases capability's own state (the follow-up's lookup budget).
    pub cases: Arc<cases::Cases>,
    /// The front desk's own state (its document store, the lookup budget).
    pub tramites: Arc<tramites::Tramites>,
    /// Treasury's own state (the payment provider, the lookup budget).
    pub treasury: Arc<treasury::Treasury>,
    /// The civil registry's signing key and what is published of it.
    pub civil_registry: Arc<civil_registry::CivilRegistry>,
    /// The council's minutes store.
    pub council: Arc<council::Council>,
    /// The sealed bids' store.
    pub procurement: Arc<procurement::Procurement>,
    /// Participation's budget of wrong eligibility attempts and its settings.
    pub participation: Arc<participation::Participation>,
    /// The incident counts in memory, following imports.
    pub cubes: Arc<app::transparency::storage::CubeCache>,
    /// The portal's public URL without a trailing slash, for absolute links in open-data metadata.
    pub site_url: String,
}

impl AppState {
    /// Opens the database (migrations, office keys) and the object store for `config`.
    pub async fn open(config: &PortalConfig) -> Result<Self, String> {
        let database = open_database(config).await.map_err(|e| e.to_string())?;
        let submissions = Submissions::open(config, &database)
            .await
            .map_err(|e| format!("cannot open the object store under {}: {e}", config.site.data_dir.display()))?;
        let referenced =
            app::reporting::storage::reports::referenced_objects(&database).await.map_err(|e| e.to_string())?;
        let swept = submissions.sealed.store.sweep(&referenced).await.map_err(|e| e.to_string())?;
        if swept > 0 {
            tracing::warn!(swept, "removed attachment files that no report refers to (an interrupted submission)");
        }
        let leptos_options = leptos_options(config);
        let page_context = PageContext {
            default_locale: DefaultLocale(config.default_locale()),
            database: database.clone(),
            settings: submissions.settings.clone(),
            form_tickets: submissions.form_tickets.clone(),
            site_scripts: site_scripts(&leptos_options),
            leptos_options: leptos_options.clone(),
            secure_cookies: config.site.public_url.starts_with("https://"),
        };
        let site_url = config.site.public_url.trim_end_matches('/').to_string();
        let tramites = tramites::Tramites::open(config, &database).await?;
        let council = council::Council::open(config, &database).await?;
        let procurement = procurement::Procurement::open(config, &database).await?;
        Ok(Self {
            leptos_options,
            database,
            page_context,
            cases: Arc::new(cases::Cases {
                lookups: platform::rate_limit::GlobalRateLimit::new(config.follow_up.lookups_per_minute),
            }),
            tramites: Arc::new(tramites),
            treasury: Arc::new(treasury::Treasury::new(config)),
            civil_registry: Arc::new(civil_registry::CivilRegistry::open(config)?),
            participation: Arc::new(participation::Participation::new(config)),
            council: Arc::new(council),
            procurement: Arc::new(procurement),
            submissions: Arc::new(submissions),
            cubes: Arc::default(),
            site_url,
        })
    }
}

/// The upload and challenge handlers take the sealed-upload transport, which reporting's state holds.
impl axum::extract::FromRef<AppState> for Arc<platform::SealedTransport> {
    fn from_ref(state: &AppState) -> Self {
        state.submissions.sealed.clone()
    }
}

/// What every server render of a page is given.
#[derive(Clone)]
pub struct PageContext {
    pub default_locale: DefaultLocale,
    pub database: Database,
    pub settings: ReportSettings,
    /// Issues the plain report form's ticket on each render of the form.
    pub form_tickets: Arc<reporting::form_ticket::FormTickets>,
    pub leptos_options: LeptosOptions,
    /// The site script and the page bundles, by URL.
    pub site_scripts: app::ui::islands::SiteScripts,
    /// Whether cookies get `Secure` (the portal is reached over HTTPS).
    pub secure_cookies: bool,
}

impl PageContext {
    /// Provides the context inside a render: called by Leptos for every page.
    fn provide(&self) {
        render_owner::record();
        provide_context(self.default_locale);
        provide_context(self.database.clone());
        provide_context(self.settings.clone());
        provide_context(self.site_scripts.clone());
        let tickets = self.form_tickets.clone();
        provide_context(FormTicketSource(Arc::new(move || tickets.issue())));
        // Use the nonce the security middleware put in the CSP header, so the scripts match it.
        let parts = use_context::<http::request::Parts>();
        if let Some(nonce) = parts.as_ref().and_then(|parts| parts.extensions.get::<Nonce>().cloned()) {
            provide_context(nonce);
        }
        // The page's data, from its loader (`page_loaders`).
        if let Some(data) = parts.as_ref().and_then(|parts| parts.extensions.get::<page_loaders::Provide>().cloned()) {
            data.provide();
        }
    }

    /// Renders the page at `path` with a submission's outcome (the no-JavaScript form path). A form
    /// shown again keeps `ticket`, its form ticket, when that is still good (it keeps its age).
    pub async fn render(
        &self,
        path: &str,
        nonce: Option<Nonce>,
        outcome: Option<SubmissionOutcome>,
        ticket: Option<String>,
        status: StatusCode,
    ) -> axum::response::Response {
        let provide = move || {
            if let Some(outcome) = outcome.clone() {
                provide_context(outcome);
            }
            if let Some(ticket) = ticket.clone() {
                provide_context(FormTicketSource(Arc::new(move || ticket.clone())));
            }
        };
        self.render_with(path, nonce, status, provide).await
    }

    /// Renders the page at `path` as the answer to a form's `POST`, with `provide` adding what the
    /// page shows (the form's outcome, the page's data) to its context.
    pub async fn render_with(
        &self,
        path: &str,
        nonce: Option<Nonce>,
        status: StatusCode,
        provide: impl Fn() + Clone + Send + Sync + 'static,
    ) -> axum::response::Response {
        let context = self.clone();
        let options = self.leptos_options.clone();
        let handler = leptos_axum::render_app_to_stream_with_context(
            move || {
                context.provide();
                provide();
            },
            move || app::shell(options.clone()),
        );
        let mut request = http::Request::builder().uri(path).body(axum::body::Body::empty()).expect("valid request");
        if let Some(nonce) = nonce {
            request.extensions_mut().insert(nonce);
        }
        let slot = render_owner::RenderOwner::default();
        request.extensions_mut().insert(slot.clone());
        let mut response = render_owner::bind_response(slot, handler(request)).await;
        *response.status_mut() = status;
        response
    }
}

/// The name `scripts/lib/build.sh` gives the stylesheet (`pkg/portal.css`, hashed in a release site).
const SITE_OUTPUT_NAME: &str = "portal";
/// The site script's name (`pkg/site.js`), from `frontend/site.js`.
const SITE_SCRIPT_NAME: &str = "site";
/// The file in the site directory naming the content hashes of the browser files.
const SITE_HASH_FILE: &str = "hash.txt";

/// Where the built site is (the configured directory, else `target/site`, where the build writes it)
/// and whether its browser files carry content hashes: they do when the site's `hash.txt` is there,
/// as in every release build. Decided at start rather than at compile time, so one binary serves any
/// site the build script wrote.
pub fn leptos_options(config: &PortalConfig) -> LeptosOptions {
    let site_root = config.site.assets_dir.clone().unwrap_or_else(|| PathBuf::from("target/site"));
    // Leptos joins this to the executable's directory; an absolute path replaces it.
    let hash_file =
        std::path::absolute(site_root.join(SITE_HASH_FILE)).unwrap_or_else(|_| site_root.join(SITE_HASH_FILE));
    LeptosOptions::builder()
        .output_name(SITE_OUTPUT_NAME)
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.site.address)
        .hash_files(hash_file.is_file())
        .hash_file(hash_file.to_string_lossy().to_string().into())
        .build()
}

/// The URLs of the site script and of each page bundle's glue and WebAssembly: content-hashed names
/// when the site's `hash.txt` lists them (`site.js: <hash>`, `report-form.wasm: <hash>`, …), the
/// plain names of a development build otherwise.
pub fn site_scripts(options: &LeptosOptions) -> app::ui::islands::SiteScripts {
    use app::ui::islands::{Bundle, BundleFiles, SiteScripts};
    let hashes = if options.hash_files { std::fs::read_to_string(options.hash_file.as_ref()).ok() } else { None };
    let hashes: Vec<(String, String)> = hashes
        .iter()
        .flat_map(|text| text.lines())
        .filter_map(|line| line.split_once(':'))
        .map(|(file, hash)| (file.trim().to_string(), hash.trim().to_string()))
        .collect();
    let pkg = format!("/{}", options.site_pkg_dir);
    let url = |name: &str, extension: &str, unhashed: &str| {
        let key = format!("{name}.{extension}");
        match hashes.iter().find(|(file, _)| *file == key) {
            Some((_, hash)) => format!("{pkg}/{name}.{hash}.{extension}"),
            None => format!("{pkg}/{unhashed}"),
        }
    };
    SiteScripts {
        site_js: url(SITE_SCRIPT_NAME, "js", &format!("{SITE_SCRIPT_NAME}.js")),
        bundles: Bundle::ALL
            .into_iter()
            .map(|bundle| {
                let name = bundle.name();
                let files = BundleFiles {
                    js: url(name, "js", &format!("{name}.js")),
                    wasm: url(name, "wasm", &format!("{name}_bg.wasm")),
                };
                (name, files)
            })
            .collect(),
    }
}

/// Opens the database (applying migrations) and records the configured office keys: fails on storage,
/// or on keys that contradict the stored ones.
pub async fn open_database(config: &PortalConfig) -> Result<Database, app::reporting::storage::office_keys::KeyError> {
    let database = Database::open(&config.database.url, config.database.max_connections).await?;
    let summary = app::reporting::storage::office_keys::sync_configured_keys(
        &database,
        &config.configured_keys(),
        &today_in_lima(),
    )
    .await?;
    if !summary.added.is_empty() || !summary.retired.is_empty() || !summary.reactivated.is_empty() {
        let (added, retired, reactivated) = (&summary.added, &summary.retired, &summary.reactivated);
        tracing::info!(?added, ?retired, ?reactivated, "integrity office keys updated");
    }
    // Key changes are made by editing the configuration, so the server records them as it applies them.
    let changes =
        [("key_add", &summary.added), ("key_retire", &summary.retired), ("key_reactivate", &summary.reactivated)];
    for (action, key_ids) in changes {
        for key_id in key_ids {
            let action = app::platform::audit::Action {
                capability: app::platform::audit::Capability::Reporting,
                actor: "system",
                action,
                subject: key_id,
                detail: "",
            };
            app::platform::audit::append(&database, &action).await?;
        }
    }
    Ok(database)
}

/// Today's date in Lima (UTC-5 all year: Peru keeps no daylight saving time), `YYYY-MM-DD`.
pub fn today_in_lima() -> String {
    app::tramites::calendar::format_iso(app::tramites::storage::today_in_lima())
}

/// The day before `day` (both `YYYY-MM-DD`); `day` itself if it is not a date.
pub fn day_before(day: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(day, format)
        .ok()
        .and_then(|date| date.previous_day())
        .and_then(|date| date.format(format).ok())
        .unwrap_or_else(|| day.to_string())
}

/// Every page that loads data before it renders, with its loader: one line a page.
fn page_loaders() -> page_loaders::Loaders {
    use app::{cases::paths as cases_paths, transparency::paths as transparency_paths};
    page_loaders::Loaders::new(vec![
        (cases_paths::OFFICE_CASES, cases::office_web::load_case_list),
        (app::staff::paths::STAFF_HOME, staff::load_home),
        (app::staff::paths::ACCOUNTS, staff::load_accounts),
        (transparency_paths::STATISTICS, transparency::load_incidents),
        (transparency_paths::MODULES, transparency::load_modules),
        (transparency_paths::COMPLAINTS, transparency::load_complaints),
        (transparency_paths::OPEN_DATA, transparency::load_open_data),
        (app::tramites::paths::FILE, tramites::load_filing),
        (app::tramites::paths::REGISTRY, tramites::load_registry),
        (app::tramites::paths::REGISTRY_CASE, tramites::load_case),
        (app::tramites::paths::HOLIDAYS, tramites::load_holidays),
        (app::treasury::paths::PAYMENT, treasury::load_payment),
        (app::treasury::paths::RECEIPT, treasury::load_receipt),
        (app::treasury::paths::OFFICE, treasury::load_office),
        (app::civil_registry::paths::VERIFY, civil_registry::load_verify),
        (app::civil_registry::paths::OFFICE, civil_registry::load_office),
        (app::participation::paths::POLLS, participation::load_polls),
        (app::participation::paths::VOTE, participation::load_vote),
        (app::participation::paths::RESULTS, participation::load_results),
        (app::participation::paths::OFFICE, participation::load_office),
        (app::council::paths::SESSIONS, council::load_sessions),
        (app::council::paths::SESSION, council::load_session),
        (app::council::paths::COUNCILLOR, council::load_councillor),
        (app::council::paths::OFFICE, council::load_office),
        (app::integrity::paths::HUB, integrity::load_hub),
        (app::integrity::paths::OFFICE, integrity::load_office),
        (app::visits::paths::VISITS, visits::load_visits),
        (app::visits::paths::AGENDAS, visits::load_agendas),
        (app::visits::paths::OFFICE, visits::load_office),
        (app::affidavits::paths::AFFIDAVITS, affidavits::load_affidavits),
        (app::affidavits::paths::AFFIDAVIT, affidavits::load_affidavit),
        (app::affidavits::paths::OFFICE, affidavits::load_office),
        (app::procurement::paths::TENDERS, procurement::load_tenders),
        (app::procurement::paths::TENDER, procurement::load_tender),
        (app::procurement::paths::BID, procurement::load_bid),
        (app::procurement::paths::OFFICE, procurement::load_office),
        (app::alerts::paths::ALERTS, alerts::load_alerts),
        (app::alerts::paths::OFFICE, alerts::load_office),
    ])
}

/// The whole application: Leptos pages, static files, health check, and the layers every response
/// passes through.
pub fn router(config: &PortalConfig, state: AppState) -> Router {
    render_owner::init_executor();
    let page_context = state.page_context.clone();
    // Runs inside every server render: hands the pages what they need from the server.
    let context = move || page_context.provide();
    let options = state.leptos_options.clone();
    let shell = move || app::shell(options.clone());
    let routes = generate_route_list(app::App);
    // The provider's origin is read once, at start, and kept for the life of the process.
    let payment_origin =
        security::origin_of(&config.payments.provider_url).map(|origin| &*Box::leak(origin.into_boxed_str()));
    let security = security::SecurityOptions { hsts: config.site.public_url.starts_with("https://"), payment_origin };

    let pages = Router::new()
        .route("/healthz", get(health))
        .leptos_routes_with_context(&state, routes, context.clone(), shell)
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, app::shell))
        .layer(axum::middleware::from_fn(render_owner::bind))
        .layer(axum::middleware::from_fn_with_state((state.clone(), page_loaders()), page_loaders::load))
        .merge(staff::routes(state.submissions.body_limit()))
        .merge(cases::office_routes(state.submissions.body_limit()))
        .merge(transparency::routes())
        .merge(tramites::routes(state.tramites.body_limit()))
        .merge(treasury::routes())
        .merge(civil_registry::routes())
        .merge(participation::routes())
        .merge(council::routes())
        .merge(integrity::routes())
        .merge(visits::routes())
        .merge(affidavits::routes())
        .merge(procurement::routes())
        .merge(alerts::routes())
        .layer(request_log());
    // Submissions are merged outside the request log: when a report arrived is not written anywhere.
    Router::new()
        .merge(platform::routes(state.submissions.body_limit()))
        .merge(reporting::routes(&state.submissions))
        .merge(cases::follow_up_routes(state.submissions.body_limit()))
        .merge(participation::vote_routes())
        .merge(procurement::bid_routes())
        .merge(pages)
        .layer(axum::middleware::from_fn(api_routing_problems))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(axum::middleware::from_fn(move |request, next| security::security_headers(security, request, next)))
        .with_state(state)
}

/// The API's own routing refusals (a method a route does not take, a path it does not have) carry a
/// problem code like every other API refusal, instead of axum's empty body; headers such as `Allow` stay.
async fn api_routing_problems(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let code = match response.status() {
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_FOUND if !response.headers().contains_key(http::header::CONTENT_TYPE) => "not_found",
        _ => return response,
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    parts.headers.remove(http::header::CONTENT_LENGTH);
    let body = serde_json::json!({ "error": code }).to_string();
    axum::response::Response::from_parts(parts, axum::body::Body::from(body))
}

async fn health(State(database): State<Database>) -> (StatusCode, &'static str) {
    match database.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Request logging that names the method, the path (no query string) and the outcome, and never the
/// client's address or user agent: the portal must not be able to tell who visited.
fn request_log() -> TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    impl Fn(&http::Request<axum::body::Body>) -> tracing::Span + Clone,
    tower_http::trace::DefaultOnRequest,
    tower_http::trace::DefaultOnResponse,
> {
    TraceLayer::new_for_http()
        .make_span_with(|request: &http::Request<axum::body::Body>| {
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        })
        .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO))
}

/// The listener the portal serves on, with `TCP_NODELAY` on every accepted connection. A page streams
/// in several writes; with Nagle's algorithm the later ones waited for the client's delayed ACK, 40 ms
/// a page (a keep-alive client got about 100 pages a second from 4 connections; with it, 4,900).
pub fn without_nagle(
    listener: tokio::net::TcpListener,
) -> impl axum::serve::Listener<Io = tokio::net::TcpStream, Addr = std::net::SocketAddr> {
    axum::serve::ListenerExt::tap_io(listener, |stream: &mut tokio::net::TcpStream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY could not be set on a connection");
        }
    })
}
