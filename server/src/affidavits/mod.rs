//! Interest affidavits on the server: the public pages' loaders, the open data (public sections only:
//! the private relatives are never read here), and the transparency editor's form.

use crate::AppState;
use crate::integrity::{columns, text_row};
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::{FormFields, staff_page};
use crate::staff::{TransparencyEditor, WebStaff, form_staff_with, no_store, page_staff_with, private};
use app::affidavits::fields::AffidavitFields;
use app::affidavits::office::AffidavitsOfficeView;
use app::affidavits::pages::{AffidavitView, AffidavitsView};
use app::affidavits::paths::{OFFICE, OFFICE_POST};
use app::affidavits::storage;
use app::affidavits::{Section, format_share};
use app::integrity::storage::officials;
use app::platform::database::StorageError;
use app::tramites::calendar::format_iso;
use app::tramites::storage::today_in_lima;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Form, Router};
use http::StatusCode;
use leptos::nonce::Nonce;
use statistics::table::DataTable;

/// The columns of `declaraciones.{csv|json}`: one row a public entry.
pub const OPEN_DATA_COLUMNS: [&str; 14] = [
    "funcionario_id",
    "funcionario",
    "cargo",
    "area",
    "version",
    "tipo",
    "fecha_presentacion",
    "seccion",
    "nombre",
    "ruc",
    "detalle",
    "parentesco",
    "participacion",
    "desde_hasta",
];

pub(crate) async fn open_data(state: &AppState) -> Result<DataTable, StorageError> {
    let rows = storage::public_entries(&state.database).await?;
    Ok(DataTable {
        view: "integridad-declaraciones".into(),
        columns: columns(&OPEN_DATA_COLUMNS),
        rows: rows
            .into_iter()
            .map(|(summary, section, entry)| {
                let period = if entry.start_date.is_empty() {
                    String::new()
                } else {
                    format!("{}/{}", entry.start_date, entry.end_date)
                };
                text_row([
                    summary.official,
                    summary.official_name,
                    summary.position,
                    summary.area,
                    summary.version.to_string(),
                    summary.kind,
                    summary.presented_on,
                    section.code().to_string(),
                    entry.name,
                    entry.ruc,
                    entry.detail,
                    entry.relationship,
                    entry.share_bp.map(format_share).unwrap_or_default(),
                    period,
                ])
            })
            .collect(),
    })
}

pub fn load_affidavits<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let query: String = request.query_text("q", 200).unwrap_or_default().trim().to_string();
        let official = request.query_value("funcionario").unwrap_or_default();
        let official =
            if app::platform::text::is_slug(official.trim()) { official.trim().to_string() } else { String::new() };
        let database = &request.state.database;
        match (storage::search(database, &query, &official).await, officials(database).await) {
            (Ok(affidavits), Ok(officials)) => {
                Loaded::context(AffidavitsView { affidavits, officials, query, official }).into()
            }
            (Err(error), _) | (_, Err(error)) => page_loaders::failed("listing affidavits failed", error),
        }
    })
}

pub fn load_affidavit<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let id = request.query_value("id").unwrap_or_default();
        let database = &request.state.database;
        let affidavit = match storage::affidavit(database, id.trim()).await {
            Ok(Some(affidavit)) => affidavit,
            Ok(None) => return Loaded::context(AffidavitView::default()).with_status(StatusCode::NOT_FOUND).into(),
            Err(error) => return page_loaders::failed("reading an affidavit failed", error),
        };
        match storage::search(database, "", &affidavit.summary.official).await {
            Ok(versions) => Loaded::context(AffidavitView { affidavit: Some(affidavit), versions }).into(),
            Err(error) => page_loaders::failed("reading an affidavit failed", error),
        }
    })
}

async fn fill(state: &AppState, view: &mut AffidavitsOfficeView) -> Result<(), StorageError> {
    view.officials = officials(&state.database).await?;
    view.recent = storage::search(&state.database, "", "").await?.into_iter().take(20).collect();
    if view.form.presented_on.is_empty() {
        view.form.presented_on = format_iso(today_in_lima());
    }
    Ok(())
}

pub fn load_office<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<TransparencyEditor>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        let mut view = AffidavitsOfficeView { username: staff.username, ..Default::default() };
        match fill(request.state, &mut view).await {
            Ok(()) => private(Loaded::context(view)).into(),
            Err(error) => page_loaders::failed("loading affidavits failed", error),
        }
    })
}

/// `POST /oficina/declaraciones/registrar`: `official`, `kind`, `presented_on`, one text box a section
/// (named by its code), `prefix`.
async fn add(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let fields = FormFields(fields);
    let prefix = fields.prefix();
    let staff = match form_staff_with::<TransparencyEditor>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let known = match officials(&state.database).await {
        Ok(officials) => officials.into_iter().map(|o| o.id).collect(),
        Err(error) => return server_error("reading officials failed", error),
    };
    let typed = AffidavitFields {
        official: fields.get("official", 80),
        kind: fields.get("kind", 20),
        presented_on: fields.get("presented_on", 20),
        // A section's box: up to 100 lines of a few hundred characters.
        sections: Section::ALL.map(|section| fields.get(section.code(), 60_000)),
    };
    let mut view = AffidavitsOfficeView { username: staff.username.clone(), ..Default::default() };
    let status = match typed.check(&known, &format_iso(today_in_lima())) {
        Err(problems) => {
            view.form = typed;
            view.problems = problems;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(affidavit) => match storage::add(&state.database, &staff.username, &affidavit).await {
            Ok((id, version)) => {
                let name = match app::integrity::storage::official(&state.database, &affidavit.official).await {
                    Ok(official) => official.map(|o| o.name).unwrap_or_default(),
                    Err(error) => return server_error("reading an official failed", error),
                };
                view.done = Some((id, name, version));
                StatusCode::OK
            }
            Err(error) => return server_error("registering an affidavit failed", error),
        },
    };
    if let Err(error) = fill(&state, &mut view).await {
        return server_error("loading affidavits failed", error);
    }
    staff_page(&state, OFFICE, prefix, nonce, status, view).await
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(OFFICE_POST.path(), post(add))
        .layer(axum::middleware::from_fn(no_store))
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
}
