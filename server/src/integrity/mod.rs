//! The integrity registers' shared part on the server: the hub's loader, the officials file (the
//! transparency editor's page) and the officials' open data.

use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::{staff_import, staff_page};
use crate::staff::{TransparencyEditor, WebStaff, no_store, page_staff_with, private};
use crate::transparency::{not_found, server_error as open_data_error, split_file, table_response};
use app::integrity::import::{LineProblem, parse_officials};
use app::integrity::pages::{HubView, IntegrityOfficeView};
use app::integrity::paths::{OFFICE, OFFICE_OFFICIALS_POST, OPEN_DATA};
use app::integrity::storage;
use axum::Extension;
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use http::StatusCode;
use leptos::nonce::Nonce;
use statistics::table::{Column, DataTable, Value};

pub fn load_hub<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        match storage::officials(&request.state.database).await {
            Ok(officials) => Loaded::context(HubView { officials }).into(),
            Err(error) => page_loaders::failed("listing officials failed", error),
        }
    })
}

pub fn load_office<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<TransparencyEditor>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        match storage::officials(&request.state.database).await {
            Ok(officials) => {
                private(Loaded::context(IntegrityOfficeView { username: staff.username, officials, import: None }))
                    .into()
            }
            Err(error) => page_loaders::failed("listing officials failed", error),
        }
    })
}

/// `POST /oficina/integridad/funcionarios` (multipart): `file`, `prefix`. All lines or none.
async fn import_officials(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let (staff, prefix, file) =
        match staff_import::<TransparencyEditor>(&state, nonce.clone(), staff, multipart, OFFICE).await {
            Ok(read) => read,
            Err(response) => return response,
        };
    let parsed = String::from_utf8(file).map_err(|_| vec![(1, LineProblem::Columns)]).and_then(|t| parse_officials(&t));
    let (status, import) = match parsed {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, Err(errors)),
        Ok(officials) => match storage::import_officials(&state.database, &staff.username, &officials).await {
            Ok(count) => (StatusCode::OK, Ok(count)),
            Err(error) => return server_error("importing officials failed", error),
        },
    };
    let officials = match storage::officials(&state.database).await {
        Ok(officials) => officials,
        Err(error) => return server_error("listing officials failed", error),
    };
    let view = IntegrityOfficeView { username: staff.username, officials, import: Some(import) };
    staff_page(&state, OFFICE, prefix, nonce, status, view).await
}

/// Columns of an open-data table whose headings are its keys.
pub(crate) fn columns(keys: &[&str]) -> Vec<Column> {
    keys.iter().map(|key| Column { key: (*key).into(), heading: (*key).into(), on_page: true }).collect()
}

pub(crate) fn text_row<const N: usize>(cells: [String; N]) -> Vec<Value> {
    cells.into_iter().map(Value::Text).collect()
}

/// `GET /datos/integridad/{table}.{csv|json}`: the officials, each register's table (the visits and
/// agendas honour the page's search: `?q=&desde=&hasta=&funcionario=`) and the alerts
/// (`?cotizacion=`).
async fn table(State(state): State<AppState>, Path(file): Path<String>, uri: http::Uri) -> Response {
    let Some((name, format)) = split_file(&file) else { return not_found(&file) };
    let table = match name {
        "funcionarios" => match storage::officials(&state.database).await {
            Ok(officials) => DataTable {
                view: "integridad-funcionarios".into(),
                columns: columns(&["id", "nombre", "cargo", "area", "inicio", "fin"]),
                rows: officials
                    .into_iter()
                    .map(|o| text_row([o.id, o.name, o.position, o.area, o.start_date, o.end_date.unwrap_or_default()]))
                    .collect(),
            },
            Err(error) => return open_data_error("listing officials failed", error),
        },
        "visitas" | "agendas" => match crate::visits::open_data(&state, name, &uri).await {
            Ok(table) => table,
            Err(error) => return open_data_error("reading the visits registry failed", error),
        },
        "declaraciones" => match crate::affidavits::open_data(&state).await {
            Ok(table) => table,
            Err(error) => return open_data_error("reading affidavits failed", error),
        },
        "alertas" => match crate::alerts::open_data(&state, &uri).await {
            Ok(table) => table,
            Err(error) => return open_data_error("computing alerts failed", error),
        },
        _ => return not_found(&file),
    };
    table_response(&table, format, &format!("integridad-{name}"), serde_json::Value::Null)
}

/// The registers' tables in the open-data catalogue (`datapackage.json`).
pub fn open_data_resources(site: &str) -> Vec<serde_json::Value> {
    let resource = |name: &str, fields: &[&str]| {
        serde_json::json!({
            "name": format!("integridad-{name}"),
            "path": format!("{site}{OPEN_DATA}/{name}.csv"),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "schema": {"fields": fields.iter().map(|f| serde_json::json!({"name": f, "type": "string"})).collect::<Vec<_>>()},
        })
    };
    vec![
        resource("funcionarios", &["id", "nombre", "cargo", "area", "inicio", "fin"]),
        resource("visitas", &app::visits::pages::VISIT_COLUMNS),
        resource("agendas", &app::visits::pages::AGENDA_COLUMNS),
        resource("declaraciones", &crate::affidavits::OPEN_DATA_COLUMNS),
        resource("alertas", &crate::alerts::OPEN_DATA_COLUMNS),
    ]
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(OFFICE_OFFICIALS_POST.path(), post(import_officials))
        .layer(axum::middleware::from_fn(no_store))
        .route(&format!("{OPEN_DATA}/{{file}}"), get(table))
        .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024))
}
