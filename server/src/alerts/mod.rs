//! Alerts on the server: the public page's loader, the open data (the same alerts, with the review),
//! and the integrity office's review form.

use crate::AppState;
use crate::integrity::{columns, text_row};
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::{FormFields, staff_page};
use crate::staff::{IntegrityOffice, WebStaff, form_staff_with, no_store, page_staff_with, private};
use app::alerts::office::{AlertsOfficeView, ReviewFields, ReviewProblem};
use app::alerts::pages::{AlertsView, evidence_of};
use app::alerts::paths::{OFFICE, OFFICE_POST};
use app::alerts::storage::{self, AlertError};
use app::alerts::{Alert, Evidence, MAX_EXPLANATION};
use app::i18n::Locale;
use app::platform::audit::now_utc;
use app::platform::database::StorageError;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Form, Router};
use http::StatusCode;
use leptos::nonce::Nonce;
use statistics::table::DataTable;

/// The columns of `alertas.{csv|json}`: one row an alert.
pub const OPEN_DATA_COLUMNS: [&str; 16] = [
    "alerta",
    "regla",
    "cotizacion",
    "objeto",
    "ruc_proveedor",
    "proveedor",
    "funcionario_id",
    "funcionario",
    "cargo",
    "vinculo",
    "desde",
    "hasta",
    "evidencia",
    "enlace_evidencia",
    "revision",
    "revisado_el",
];

/// A request number as `?cotizacion=` gives it: the characters a number may hold, or nothing.
fn tender_filter(value: Option<String>) -> String {
    let value = value.unwrap_or_default();
    let value = value.trim();
    if app::procurement::fields::is_tender_number(value) { value.to_string() } else { String::new() }
}

/// The alerts now, of one request if `tender` is set.
async fn current(state: &AppState, tender: &str) -> Result<Vec<Alert>, StorageError> {
    let alerts = storage::alerts(&state.database, &now_utc()).await?;
    Ok(if tender.is_empty() { alerts } else { alerts.into_iter().filter(|a| a.tender == tender).collect() })
}

pub fn load_alerts<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let tender = tender_filter(request.query_value("cotizacion"));
        match current(request.state, &tender).await {
            Ok(alerts) => Loaded::context(AlertsView { alerts, tender }).into(),
            Err(error) => page_loaders::failed("computing alerts failed", error),
        }
    })
}

/// `/datos/integridad/alertas.{csv|json}` (`?cotizacion=` as on the page). Words in Spanish, links
/// absolute.
pub(crate) async fn open_data(state: &AppState, uri: &http::Uri) -> Result<DataTable, StorageError> {
    let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri).map(|q| q.0).unwrap_or_default();
    let tender = tender_filter(pairs.iter().rev().find(|(key, _)| key == "cotizacion").map(|(_, v)| v.clone()));
    let alerts = current(state, &tender).await?;
    let locale = Locale::es_PE;
    Ok(DataTable {
        view: "integridad-alertas".into(),
        columns: columns(&OPEN_DATA_COLUMNS),
        rows: alerts
            .into_iter()
            .map(|alert| {
                // Links in the default language: a file is read outside any page.
                let (evidence, link) = evidence_of(&alert, locale, "");
                let (explanation, reviewed_at) =
                    alert.review.clone().map(|r| (r.explanation, r.reviewed_at)).unwrap_or_default();
                let period = matches!(alert.evidence, Evidence::Visit { .. });
                text_row([
                    alert.key,
                    alert.rule.code().to_string(),
                    alert.tender,
                    alert.tender_title,
                    alert.supplier_ruc,
                    alert.supplier_name,
                    alert.official,
                    alert.official_name,
                    alert.position,
                    alert.tie.code().to_string(),
                    if period { alert.from } else { String::new() },
                    if period { alert.to } else { String::new() },
                    evidence,
                    format!("{}{link}", state.site_url),
                    explanation,
                    reviewed_at,
                ])
            })
            .collect(),
    })
}

pub fn load_office<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<IntegrityOffice>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        let chosen = request.query_text("alerta", 200).unwrap_or_default();
        match current(request.state, "").await {
            Ok(alerts) => {
                let form = ReviewFields { alert: chosen, explanation: String::new() };
                private(Loaded::context(AlertsOfficeView {
                    username: staff.username,
                    alerts,
                    form,
                    ..Default::default()
                }))
                .into()
            }
            Err(error) => page_loaders::failed("computing alerts failed", error),
        }
    })
}

/// `POST /oficina/alertas/revisar`: `alert`, `explanation`, `prefix`.
async fn review(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let fields = FormFields(fields);
    let prefix = fields.prefix();
    let staff = match form_staff_with::<IntegrityOffice>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    // One more than the most, so that a longer text is refused rather than cut.
    let typed =
        ReviewFields { alert: fields.get("alert", 200), explanation: fields.get("explanation", MAX_EXPLANATION + 1) };
    let mut view = AlertsOfficeView { username: staff.username.clone(), ..Default::default() };
    let mut problems = typed.check();
    let status = if !problems.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        match storage::review(&state.database, &staff.username, &typed.alert, &typed.explanation).await {
            Ok(version) => {
                view.done = Some((typed.alert.clone(), version));
                StatusCode::OK
            }
            Err(AlertError::NoAlert) => {
                problems.push(ReviewProblem::Unknown);
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Err(AlertError::Explanation) => {
                problems.push(ReviewProblem::Explanation);
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Err(AlertError::Storage(error)) => return server_error("recording a review failed", error),
        }
    };
    if view.done.is_none() {
        view.form = typed;
        view.problems = problems;
    }
    view.alerts = match current(&state, "").await {
        Ok(alerts) => alerts,
        Err(error) => return server_error("computing alerts failed", error),
    };
    staff_page(&state, OFFICE, prefix, nonce, status, view).await
}

pub fn routes() -> Router<AppState> {
    Router::new().route(OFFICE_POST.path(), post(review)).layer(axum::middleware::from_fn(no_store))
}
