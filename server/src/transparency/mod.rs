//! The transparency portal's server side: the statistics each page renders (loaded by a middleware
//! before rendering, like the officers' case list), and the open-data API: every view and table as
//! CSV and JSON, the full incident data set streamed in time order, and `datapackage.json`.
//!
//! Read API (documented on `/transparencia/datos` and in the README):
//! - `GET /datos/incidencias/{vista}.{csv|json}` — vista: resumen, canal, tipo, subtipo, zona, modulo,
//!   mes; filters `desde`, `hasta` (YYYY-MM), `zona`, `tipo`, `canal`, `modulo`; `idioma=es|en`.
//! - `GET /datos/denuncias/{tabla}.{csv|json}` — tabla: por-mes, por-categoria, tiempo-de-acuse.
//! - `GET /datos/incidencias.csv`, `GET /datos/incidencias.json` — every incident.
//! - `GET /datos/datapackage.json` — Frictionless Data Package describing all of the above.

pub mod import;

use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Outcome, Request};
use app::transparency::storage as incidents;
use app::transparency::{
    ComplaintsView, StatisticsKind, StatisticsView, TransparencyPage, TransparencyView, complaints,
};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode, header};
use statistics::{Channel, Cube, DataTable, Filter, FilterQuery, Language, Month, Overview, View};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/datos/incidencias/{file}", get(incident_view))
        .route("/datos/denuncias/{file}", get(complaint_table))
        .route("/datos/incidencias.csv", get(full_csv))
        .route("/datos/incidencias.json", get(full_json))
        .route("/datos/datapackage.json", get(datapackage))
}

/// The default period of each page: the latest year with data (January to the last month) for
/// incidents, and the months the modules have worked for the modules.
fn default_period(cube: &Cube, kind: StatisticsKind) -> Option<(Month, Month)> {
    let (first, last) = cube.data_range()?;
    Some(match kind {
        StatisticsKind::Incidents => (Month::new(last.year(), 1).expect("January").max(first), last),
        StatisticsKind::Modules => cube.module_range().unwrap_or((first, last)),
    })
}

/// The overview of a query on one page, and what was wrong with the query.
fn overview_for(
    cube: &Cube,
    kind: StatisticsKind,
    query: &FilterQuery,
) -> (Option<Overview>, Vec<statistics::FilterProblem>) {
    let Some(default) = default_period(cube, kind) else { return (None, Vec::new()) };
    let (mut filter, problems) = Filter::resolve(query, default);
    if kind == StatisticsKind::Modules {
        filter.channel = Some(Channel::SecurityModule);
    }
    (Some(cube.overview(&filter)), problems)
}

/// `/transparencia`: the incident statistics the query asks for.
pub fn load_incidents<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(statistics(request, StatisticsKind::Incidents))
}

/// `/transparencia/modulos`: the security modules' statistics the query asks for.
pub fn load_modules<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(statistics(request, StatisticsKind::Modules))
}

/// A statistics page's view, computed from the counts in memory.
async fn statistics(request: &Request<'_>, kind: StatisticsKind) -> Outcome {
    let started = std::time::Instant::now();
    let (query, _) = read_query(&request.parts.uri);
    let state = request.state;
    match state.cubes.cube(&state.database).await {
        Ok(cube) => {
            let (overview, problems) = overview_for(&cube, kind, &query);
            let page = TransparencyPage::Statistics(Box::new(StatisticsView { kind, query, problems, overview }));
            loaded(state, page, started)
        }
        Err(error) => page_loaders::failed("loading statistics failed", error),
    }
}

/// `/transparencia/denuncias`: how complaints were handled, from the cases' metadata.
pub fn load_complaints<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let started = std::time::Instant::now();
        match complaints_view(request.state, request.locale).await {
            Ok(view) => loaded(request.state, TransparencyPage::Complaints(view), started),
            Err(error) => page_loaders::failed("loading complaint statistics failed", error),
        }
    })
}

/// `/transparencia/datos`: the period the data sets cover.
pub fn load_open_data<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let started = std::time::Instant::now();
        let state = request.state;
        match state.cubes.cube(&state.database).await {
            Ok(cube) => loaded(state, TransparencyPage::OpenData { data_range: cube.data_range() }, started),
            Err(error) => page_loaders::failed("loading statistics failed", error),
        }
    })
}

fn loaded(state: &AppState, page: TransparencyPage, started: std::time::Instant) -> Outcome {
    let view = TransparencyView { site_url: state.site_url.clone(), page };
    Loaded::context(view)
        .with_header(http::HeaderName::from_static("server-timing"), server_timing(started.elapsed()))
        .into()
}

/// How long the statistics took (loading the counts if they changed, and computing the view), as a
/// `Server-Timing` header: browsers' developer tools show it, and the benchmark reads it.
fn server_timing(duration: std::time::Duration) -> HeaderValue {
    HeaderValue::from_str(&format!("stats;dur={:.3}", duration.as_secs_f64() * 1000.0)).expect("ASCII header")
}

async fn complaints_view(
    state: &AppState,
    locale: app::i18n::Locale,
) -> Result<ComplaintsView, app::platform::database::StorageError> {
    let facts = incidents::complaint_facts(&state.database).await?;
    Ok(complaints::build(&facts, locale, &crate::today_in_lima()))
}

#[derive(serde::Deserialize, Default)]
struct LanguageQuery {
    #[serde(default)]
    idioma: Option<String>,
}

fn language_of(query: &LanguageQuery) -> Language {
    match query.idioma.as_deref() {
        Some("en") => Language::English,
        _ => Language::Spanish,
    }
}

fn locale_of(language: Language) -> app::i18n::Locale {
    match language {
        Language::Spanish => app::i18n::Locale::es_PE,
        Language::English => app::i18n::Locale::en,
    }
}

pub(crate) enum Format {
    Csv,
    Json,
}

pub(crate) fn split_file(file: &str) -> Option<(&str, Format)> {
    if let Some(name) = file.strip_suffix(".csv") {
        Some((name, Format::Csv))
    } else {
        file.strip_suffix(".json").map(|name| (name, Format::Json))
    }
}

/// The filter and language a query string asks for, read the same way by the pages and the API: a
/// name given twice counts once (its last value, as a form sends it last), unknown names are ignored,
/// and a query that is not even `name=value` pairs asks for nothing.
fn read_query(uri: &http::Uri) -> (FilterQuery, LanguageQuery) {
    let pairs: Vec<(String, String)> = Query::try_from_uri(uri).map(|Query(pairs)| pairs).unwrap_or_default();
    let last = |name: &str| pairs.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value.clone());
    let filter = FilterQuery {
        from: last("desde"),
        to: last("hasta"),
        zone: last("zona"),
        incident_type: last("tipo"),
        channel: last("canal"),
        module: last("modulo"),
    };
    (filter, LanguageQuery { idioma: last(app::transparency::LANGUAGE_PARAMETER) })
}

/// An API error: `{"error": code, "message": text}` (and any `extra` fields), as every open-data
/// answer that is not data.
fn api_problem(status: StatusCode, code: &str, message: String, extra: serde_json::Value) -> Response {
    let mut body = serde_json::json!({"error": code, "message": message});
    if let (Some(object), serde_json::Value::Object(extra)) = (body.as_object_mut(), extra) {
        object.extend(extra);
    }
    (status, axum::Json(body)).into_response()
}

pub(crate) fn not_found(what: &str) -> Response {
    api_problem(StatusCode::NOT_FOUND, "not_found", format!("no such data: {what}"), serde_json::Value::Null)
}

pub(crate) fn server_error(what: &'static str, error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "{what}");
    let message = "the data could not be read; try again later".to_string();
    api_problem(StatusCode::INTERNAL_SERVER_ERROR, "server_error", message, serde_json::Value::Null)
}

/// A table as a download: CSV (UTF-8 with BOM, so spreadsheet programs read the accents) or JSON.
pub(crate) fn table_response(table: &DataTable, format: Format, filename: &str, extra: serde_json::Value) -> Response {
    match format {
        Format::Csv => {
            let body = format!("\u{feff}{}", table.to_csv());
            let disposition = format!("attachment; filename=\"{filename}.csv\"");
            let mut response = ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], body).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("ASCII file name"));
            response
        }
        Format::Json => {
            let columns: Vec<serde_json::Value> =
                table.columns.iter().map(|c| serde_json::json!({"key": c.key, "heading": c.heading})).collect();
            let mut body = serde_json::json!({"view": table.view, "columns": columns, "rows": table.to_json_rows()});
            if let (Some(object), serde_json::Value::Object(extra)) = (body.as_object_mut(), extra) {
                object.extend(extra);
            }
            axum::Json(body).into_response()
        }
    }
}

async fn incident_view(State(state): State<AppState>, Path(file): Path<String>, uri: http::Uri) -> Response {
    let (filter, language) = read_query(&uri);
    let Some((name, format)) = split_file(&file) else { return not_found(&file) };
    let Some(view) = View::parse(name) else { return not_found(&file) };
    let started = std::time::Instant::now();
    let cube = match state.cubes.cube(&state.database).await {
        Ok(cube) => cube,
        Err(error) => return server_error("loading statistics failed", error),
    };
    let (overview, problems) = overview_for(&cube, StatisticsKind::Incidents, &filter);
    if !problems.is_empty() {
        let locale = locale_of(language_of(&language));
        let listed: Vec<serde_json::Value> = problems
            .iter()
            .map(|p| {
                let message = app::transparency::filter_problem_text(locale, *p);
                serde_json::json!({"code": p.code(), "fields": p.fields(), "message": message})
            })
            .collect();
        let messages: Vec<&str> = problems.iter().map(|p| app::transparency::filter_problem_text(locale, *p)).collect();
        let extra = serde_json::json!({"problems": listed});
        return api_problem(StatusCode::BAD_REQUEST, "invalid_filter", messages.join("; "), extra);
    }
    let Some(overview) = overview else { return not_found("no incidents have been imported") };
    let table = overview.table(view, language_of(&language));
    let filter = serde_json::to_value(overview.filter).unwrap_or_default();
    let filename = format!("incidencias-{}-{}-{}", view.code(), overview.filter.from, overview.filter.to);
    let mut response = table_response(&table, format, &filename, serde_json::json!({"filter": filter}));
    response.headers_mut().insert("server-timing", server_timing(started.elapsed()));
    response
}

async fn complaint_table(State(state): State<AppState>, Path(file): Path<String>, uri: http::Uri) -> Response {
    let (_, language) = read_query(&uri);
    let Some((name, format)) = split_file(&file) else { return not_found(&file) };
    let view = match complaints_view(&state, locale_of(language_of(&language))).await {
        Ok(view) => view,
        Err(error) => return server_error("loading complaint statistics failed", error),
    };
    let Some(table) = view.tables.iter().find(|t| t.view == name) else { return not_found(&file) };
    let period = serde_json::json!({"from": view.from, "to": view.to, "threshold": statistics::suppression::THRESHOLD});
    table_response(table, format, &format!("denuncias-{name}"), period)
}

/// Records per database read while streaming the full data set.
const PAGE: i64 = 5_000;

/// Streams every incident, page by page, through `write` (which appends a record to a chunk).
fn stream_incidents(
    state: AppState,
    head: String,
    tail: &'static str,
    write: fn(&statistics::IncidentRecord, bool, &mut String),
) -> axum::body::Body {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut last: Option<(String, String)> = None;
        let mut first = true;
        let mut chunk = head;
        loop {
            let page =
                incidents::incidents_after(&state.database, last.as_ref().map(|(t, i)| (t.as_str(), i.as_str())), PAGE)
                    .await;
            let page = match page {
                Ok(page) => page,
                Err(error) => {
                    tracing::error!(%error, "streaming the incident data set failed");
                    let _ = sender.send(Err(std::io::Error::other("database error"))).await;
                    return;
                }
            };
            let Some(tail_record) = page.last() else { break };
            last = Some((tail_record.occurred_at.clone(), tail_record.id.clone()));
            for record in &page {
                write(record, first, &mut chunk);
                first = false;
            }
            if sender.send(Ok(std::mem::take(&mut chunk))).await.is_err() {
                return; // the client went away
            }
        }
        chunk.push_str(tail);
        let _ = sender.send(Ok(chunk)).await;
    });
    axum::body::Body::from_stream(futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx)))
}

fn attachment(body: axum::body::Body, content_type: &'static str, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("ASCII file name"));
    response
}

async fn full_csv(State(state): State<AppState>) -> Response {
    let header = format!("{}\r\n", statistics::record::CSV_HEADER.join(","));
    let body = stream_incidents(state, header, "", |record, _, chunk| {
        record.write_csv(chunk).expect("writing to a String");
    });
    attachment(body, "text/csv; charset=utf-8", "incidencias.csv")
}

async fn full_json(State(state): State<AppState>) -> Response {
    let body = stream_incidents(state, "[".to_string(), "]\n", |record, first, chunk| {
        if !first {
            chunk.push(',');
        }
        let object = serde_json::json!({
            "id": record.id,
            "fecha_hora": record.occurred_at,
            "canal": record.channel.code(),
            "tipo": record.incident_type.code(),
            "subtipo": record.subtype.map(|s| s.code()),
            "zona": record.zone.0,
            "modulo": record.module.map(|m| m.code()),
        });
        chunk.push_str(&object.to_string());
        chunk.push('\n');
    });
    attachment(body, "application/json", "incidencias.json")
}

/// The Frictionless Data Package: every resource with its Table Schema, codes as enum constraints.
async fn datapackage(State(state): State<AppState>) -> Response {
    let site = state.site_url.as_str();
    let codes = |codes: Vec<&str>| serde_json::json!({"enum": codes});
    let field = |name: &str, kind: &str, description: &str| serde_json::json!({"name": name, "type": kind, "description": description});
    let view_schema = |with_share: bool| {
        let mut fields = vec![
            field("codigo", "string", "Stable code of the row (channel, type, zone number, month YYYY-MM…)"),
            field("nombre", "string", "Label in the language asked for (idioma=es|en)"),
            serde_json::json!({"name": "incidencias", "type": "integer", "constraints": {"minimum": 0}}),
        ];
        if with_share {
            let share = "Share of the period's total (of module attentions in the module view), one decimal";
            fields.push(field("porcentaje", "number", share));
        }
        fields.push(field(
            "anio_anterior",
            "integer",
            "Same months a year earlier; empty when the data do not reach back",
        ));
        fields.push(field("variacion", "number", "Change against a year earlier, percent, one decimal"));
        serde_json::json!({"fields": fields})
    };
    let complaint_schema = serde_json::json!({"fields": [
        {"name": "codigo", "type": "string"},
        {"name": "nombre", "type": "string"},
        {"name": "denuncias", "type": "string", "description": "A count of 10 or more, or \"x\": hidden, because it is \
            under 10 or so that one under 10 cannot be worked out or narrowed to fewer than 10 possible values"}
    ]});
    let mut resources = vec![serde_json::json!({
        "name": "incidencias",
        "title": "Incidencias de la Central Alerta Miraflores",
        "path": format!("{site}/datos/incidencias.csv"),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "primaryKey": ["id"],
            "fields": [
                {"name": "id", "type": "string", "description": "The source system's record id"},
                {"name": "fecha_hora", "type": "datetime", "format": "%Y-%m-%dT%H:%M", "description": "Local time in Lima (UTC-5)"},
                {"name": "canal", "type": "string", "constraints": codes(Channel::codes())},
                {"name": "tipo", "type": "string", "constraints": codes(statistics::IncidentType::codes())},
                {"name": "subtipo", "type": "string", "constraints": codes(statistics::Subtype::codes())},
                {"name": "zona", "type": "integer", "constraints": {"minimum": 1, "maximum": statistics::Zone::COUNT}},
                {
                    "name": "modulo",
                    "type": "string",
                    "constraints": codes(statistics::Module::codes()),
                    "description": "Only for canal=modulo"
                }
            ]
        }
    })];
    for view in View::ALL.into_iter().filter(|v| *v != View::Summary) {
        resources.push(serde_json::json!({
            "name": format!("incidencias-por-{}", view.code()),
            "path": format!("{site}/datos/incidencias/{}.csv", view.code()),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "schema": view_schema(view != View::Month),
        }));
    }
    for table in ["por-mes", "por-categoria", "tiempo-de-acuse"] {
        resources.push(serde_json::json!({
            "name": format!("denuncias-{table}"),
            "path": format!("{site}/datos/denuncias/{table}.csv"),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "schema": complaint_schema,
        }));
    }
    resources.extend(crate::tramites::open_data_resources(site));
    resources.extend(crate::council::open_data_resources(site));
    resources.extend(crate::integrity::open_data_resources(site));
    axum::Json(serde_json::json!({
        "profile": "data-package",
        "name": "miraflores-transparencia",
        "title": "Transparencia — Municipalidad de Miraflores",
        "homepage": format!("{site}/transparencia/datos"),
        "licenses": [{
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0"
        }],
        "resources": resources,
    }))
    .into_response()
}
