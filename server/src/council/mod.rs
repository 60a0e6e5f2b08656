//! The council's server side: the public pages' loaders, the minutes' download, the open data
//! (`/datos/concejo/…`, shaped on Popolo and Open Civic Data), and the council secretary's forms and
//! imports (`office.rs`).

mod office;
mod open_data;

use crate::AppState;
use crate::page_loaders::{Loaded, LoaderFuture, Request};
use crate::staff::no_store;
use app::council::pages::{CouncillorView, Search, SessionView, SessionsView};
use app::council::paths::{
    MINUTES, OFFICE_ITEM_POST, OFFICE_MEMBERS_POST, OFFICE_SESSION_POST, OFFICE_VOTES_POST, OPEN_DATA,
};
use app::council::storage;
use app::platform::files::FileStore;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::StatusCode;
pub use office::load_office;
pub use open_data::resources as open_data_resources;

/// The council's own state: where approved minutes are kept.
pub struct Council {
    /// Minutes PDFs: `data_dir/council-minutes/`.
    pub store: FileStore,
}

impl Council {
    /// Opens the minutes store and removes files no session refers to (a crash between storing and
    /// committing).
    pub async fn open(
        config: &crate::config::PortalConfig,
        database: &app::platform::database::Database,
    ) -> Result<Self, String> {
        let dir = config.site.data_dir.join("council-minutes");
        let store = FileStore::open_with_extension(&dir, ".pdf")
            .await
            .map_err(|e| format!("cannot open the minutes store under {}: {e}", dir.display()))?;
        let referenced = storage::referenced_minutes(database).await.map_err(|e| e.to_string())?;
        store.sweep(&referenced).await.map_err(|e| e.to_string())?;
        Ok(Self { store })
    }
}

fn failed(what: &'static str, error: impl std::fmt::Display) -> crate::page_loaders::Outcome {
    crate::page_loaders::failed(what, error)
}

/// (session, member) of every councillor present, for the search by councillor.
async fn present(state: &AppState) -> Result<Vec<(String, String)>, app::platform::database::StorageError> {
    Ok(storage::attendance(&state.database)
        .await?
        .into_iter()
        .filter(|row| row.4 == app::council::Attendance::Present)
        .map(|(session, _, member, _, _)| (session, member))
        .collect())
}

pub fn load_sessions<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let value = |name: &str| request.query_value(name).unwrap_or_default().trim().to_string();
        let day = |text: String| if app::tramites::calendar::parse_day(&text).is_some() { text } else { String::new() };
        let search = Search {
            from: day(value("desde")),
            to: day(value("hasta")),
            topic: value("tema"),
            member: value("regidor"),
        };
        let database = &request.state.database;
        let (sessions, members, present) =
            match (storage::sessions(database).await, storage::members(database).await, present(request.state).await) {
                (Ok(sessions), Ok(members), Ok(present)) => (sessions, members, present),
                (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => {
                    return failed("listing sessions failed", error);
                }
            };
        let sessions = search.apply(sessions, &present);
        Loaded::context(SessionsView { sessions, members, search }).into()
    })
}

pub fn load_session<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let number = request.query_value("numero").unwrap_or_default();
        let database = &request.state.database;
        let (sessions, votes, attendance) = match (
            storage::sessions(database).await,
            storage::votes(database).await,
            storage::attendance(database).await,
        ) {
            (Ok(s), Ok(v), Ok(a)) => (s, v, a),
            (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => {
                return failed("reading a session failed", error);
            }
        };
        let Some(session) = sessions.into_iter().find(|s| s.number == number.trim()) else {
            return Loaded::context(SessionView::default()).with_status(StatusCode::NOT_FOUND).into();
        };
        let votes = votes.into_iter().filter(|v| v.session == session.number).collect();
        let attendance = attendance
            .into_iter()
            .filter(|row| row.0 == session.number)
            .map(|(_, _, member, name, status)| (member, name, status))
            .collect();
        Loaded::context(SessionView { session: Some(session), attendance, votes }).into()
    })
}

pub fn load_councillor<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let id = request.query_value("id").unwrap_or_default();
        let database = &request.state.database;
        let (members, votes, attendance) = match (
            storage::members(database).await,
            storage::votes(database).await,
            storage::attendance(database).await,
        ) {
            (Ok(m), Ok(v), Ok(a)) => (m, v, a),
            (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => {
                return failed("reading a councillor failed", error);
            }
        };
        let Some(member) = members.into_iter().find(|m| m.id == id.trim()) else {
            return Loaded::context(CouncillorView::default()).with_status(StatusCode::NOT_FOUND).into();
        };
        let mut votes: Vec<_> = votes.into_iter().filter(|v| v.member == member.id).collect();
        votes.reverse();
        let mut attendance: Vec<_> = attendance
            .into_iter()
            .filter(|row| row.2 == member.id)
            .map(|(session, date, _, _, status)| (session, date, status))
            .collect();
        attendance.reverse();
        Loaded::context(CouncillorView { member: Some(member), attendance, votes }).into()
    })
}

/// `GET /concejo/actas/{number}.pdf`: a session's approved minutes.
async fn minutes(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(number) = file.strip_suffix(".pdf") else { return StatusCode::NOT_FOUND.into_response() };
    let name = match storage::minutes(&state.database, number).await {
        Ok(Some(name)) => name,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return crate::platform::server_error("reading a session's minutes failed", error),
    };
    let Some(path) = state.council.store.local_path(&name) else { return StatusCode::NOT_FOUND.into_response() };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (http::header::CONTENT_TYPE, "application/pdf".to_string()),
                (http::header::CONTENT_DISPOSITION, format!("inline; filename=\"acta-{number}.pdf\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => crate::platform::server_error("reading a session's minutes failed", error),
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(OFFICE_MEMBERS_POST.path(), post(office::import_members))
        .route(OFFICE_VOTES_POST.path(), post(office::import_votes))
        .route(OFFICE_SESSION_POST.path(), post(office::save_session))
        .route(OFFICE_ITEM_POST.path(), post(office::add_item))
        .layer(axum::middleware::from_fn(no_store))
        .route(&format!("{MINUTES}/{{file}}"), get(minutes))
        .route(&format!("{OPEN_DATA}/{{file}}"), get(open_data::table))
        .layer(axum::extract::DefaultBodyLimit::max(app::tramites::fields::MAX_DOCUMENT_BYTES as usize + 64 * 1024))
}
