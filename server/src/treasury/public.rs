//! The neighbour's side: the statement (taxpayer code and check value, posted), starting a payment
//! (a card checkout at the provider, by redirect, or a cash code), the payment's page and its receipt.
//! The browser's return from the checkout proves nothing: the page shows what the provider's signed
//! notification, or the portal's own status query to the provider, said.

use super::provider::ChargeRequest;
use super::settle;
use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::prefix_of;
use app::treasury::pages::{PayProblem, PaymentView, StatementProblem, StatementView};
use app::treasury::paths::{PAYMENT, STATEMENT};
use app::treasury::storage::{self, PaymentRefusal};
use app::treasury::{Method, Payment, PaymentStatus, Statement};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use http::StatusCode;
use leptos::nonce::Nonce;
use leptos::prelude::provide_context;

fn today() -> time::Date {
    app::tramites::storage::today_in_lima()
}

async fn render(
    state: &AppState,
    prefix: &str,
    nonce: Option<Nonce>,
    status: StatusCode,
    view: StatementView,
) -> Response {
    let page = format!("{prefix}{STATEMENT}");
    let provide = move || provide_context(view.clone());
    state.page_context.render_with(&page, nonce, status, provide).await
}

/// The statement for a taxpayer code and check value, counting a wrong pair against the portal-wide
/// budget (a slot taken before trying, given back by a right pair, as for expedientes).
async fn lookup(
    state: &AppState,
    taxpayer: &str,
    check: &str,
) -> Result<Result<Statement, StatementProblem>, Response> {
    if taxpayer.trim().is_empty() || check.trim().is_empty() {
        return Ok(Err(StatementProblem::Missing));
    }
    let budget = &state.treasury.wrong_lookups;
    if !budget.try_acquire() {
        return Ok(Err(StatementProblem::TooMany));
    }
    let rate = state.treasury.config.monthly_interest_basis_points;
    match storage::statement(&state.database, taxpayer, check, today(), rate).await {
        Ok(Some(statement)) => {
            budget.release();
            Ok(Ok(statement))
        }
        Ok(None) => Ok(Err(StatementProblem::NotFound)),
        Err(error) => {
            budget.release();
            Err(server_error("reading a statement failed", error))
        }
    }
}

fn status_of(problem: StatementProblem) -> StatusCode {
    match problem {
        StatementProblem::TooMany => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

#[derive(serde::Deserialize)]
pub struct StatementForm {
    #[serde(default)]
    taxpayer: String,
    #[serde(default)]
    check: String,
    #[serde(default)]
    prefix: String,
}

/// `POST /tributos/estado-de-cuenta`: `taxpayer`, `check`, `prefix`.
pub async fn statement(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    Form(form): Form<StatementForm>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let prefix = prefix_of(&form.prefix);
    let payments_on = state.treasury.provider.is_some();
    let view = match lookup(&state, &form.taxpayer, &form.check).await {
        Err(response) => return response,
        Ok(Ok(statement)) => StatementView {
            taxpayer: statement.taxpayer.clone(),
            check: form.check.trim().to_string(),
            statement: Some(statement),
            payments_on,
            ..Default::default()
        },
        Ok(Err(problem)) => {
            let view = StatementView {
                taxpayer: form.taxpayer.chars().take(20).collect(),
                problem: Some(problem),
                ..Default::default()
            };
            return render(&state, prefix, nonce, status_of(problem), view).await;
        }
    };
    render(&state, prefix, nonce, StatusCode::OK, view).await
}

/// `POST /tributos/pagar`: `taxpayer`, `check`, `item` (repeated), `method`, `prefix`.
pub async fn pay(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let value = |name: &str| fields.iter().rev().find(|(key, _)| key == name).map_or("", |(_, value)| value.as_str());
    let prefix = prefix_of(value("prefix"));
    let items: Vec<String> =
        fields.iter().filter(|(key, _)| key == "item").map(|(_, value)| value.clone()).take(200).collect();
    let statement = match lookup(&state, value("taxpayer"), value("check")).await {
        Err(response) => return response,
        Ok(Ok(statement)) => statement,
        Ok(Err(problem)) => {
            let view = StatementView { problem: Some(problem), ..Default::default() };
            return render(&state, prefix, nonce, status_of(problem), view).await;
        }
    };
    let payments_on = state.treasury.provider.is_some();
    // The statement again, with what was chosen and why it could not be paid.
    let check = value("check").trim().to_string();
    let refuse = async |statement: Statement, status, problem: PayProblem| {
        let view = StatementView {
            taxpayer: statement.taxpayer.clone(),
            check: check.clone(),
            statement: Some(statement),
            pay_problem: Some(problem),
            chosen: items.clone(),
            payments_on,
            ..Default::default()
        };
        render(&state, prefix, nonce.clone(), status, view).await
    };
    if state.treasury.provider.is_none() {
        return refuse(statement, StatusCode::SERVICE_UNAVAILABLE, PayProblem::Unavailable).await;
    }
    let Some(method) = Method::parse(value("method")) else {
        return refuse(statement, StatusCode::UNPROCESSABLE_ENTITY, PayProblem::MethodMissing).await;
    };
    let payment = match storage::create_payment(&state.database, &statement, &items, method).await {
        Ok(Ok(payment)) => payment,
        Ok(Err(refusal)) => {
            let problem = match refusal {
                PaymentRefusal::NothingChosen => PayProblem::NothingChosen,
                PaymentRefusal::NotPayable => PayProblem::NotPayable,
            };
            return refuse(statement, StatusCode::UNPROCESSABLE_ENTITY, problem).await;
        }
        Err(error) => return server_error("starting a payment failed", error),
    };
    let description = format!("Municipalidad de Miraflores: tributos de {}", statement.taxpayer);
    match open_charge(&state, &payment, description, prefix).await {
        Ok(Some(checkout)) => Redirect::to(&checkout).into_response(),
        Ok(None) => Redirect::to(&format!("{prefix}{PAYMENT}?id={}", payment.id)).into_response(),
        Err(ChargeFailure::Storage(response)) => response,
        Err(ChargeFailure::ProviderDown) => {
            let statement = match lookup(&state, value("taxpayer"), value("check")).await {
                Ok(Ok(statement)) => statement,
                _ => statement,
            };
            refuse(statement, StatusCode::SERVICE_UNAVAILABLE, PayProblem::ProviderDown).await
        }
    }
}

/// Why a charge could not be opened.
pub(crate) enum ChargeFailure {
    /// The provider could not be reached or refused; the payment is marked failed, nothing was charged.
    ProviderDown,
    /// The database failed: the answer to send.
    Storage(Response),
}

/// Creates the provider's charge for a new `payment` and records it: `Some(checkout address)` for a
/// card, `None` for a cash code (shown on the payment's page). Browsers come back to the payment's page.
pub(crate) async fn open_charge(
    state: &AppState,
    payment: &Payment,
    description: String,
    prefix: &str,
) -> Result<Option<String>, ChargeFailure> {
    let Some(provider) = state.treasury.provider.clone() else { return Err(ChargeFailure::ProviderDown) };
    let treasury = &state.treasury;
    let method = payment.method;
    let request = ChargeRequest {
        kind: method.code().into(),
        amount_cents: payment.amount as u64,
        currency: "PEN".into(),
        reference: payment.id.clone(),
        description,
        return_url: Some(format!("{}{prefix}{PAYMENT}?id={}", treasury.public_url, payment.id)),
        notify_url: format!("{}{}", treasury.public_url, app::treasury::paths::API_NOTIFICATIONS),
        expires_in_seconds: (method == Method::Cash).then_some(u64::from(treasury.config.cash_code_hours) * 3600),
    };
    // The payment's id is the idempotency key: a retry after a timeout gets the same charge, never a second.
    let key = format!("charge-{}", payment.id);
    let created = tokio::task::spawn_blocking(move || {
        let mut last = None;
        for attempt in 0..3u64 {
            match provider.create_charge(&request, &key) {
                Ok(charge) => return Ok(charge),
                Err(super::provider::ProviderError::Unavailable(error)) => {
                    last = Some(super::provider::ProviderError::Unavailable(error));
                    std::thread::sleep(std::time::Duration::from_millis(300 * (attempt + 1)));
                }
                Err(error) => return Err(error),
            }
        }
        Err(last.expect("three attempts"))
    })
    .await
    .map_err(|error| super::provider::ProviderError::Unavailable(error.to_string()))
    .and_then(|result| result);
    let charge = match created {
        Ok(charge) => charge,
        Err(error) => {
            tracing::warn!(%error, "creating a charge failed");
            if let Err(error) = storage::mark_failed(&state.database, &payment.id).await {
                return Err(ChargeFailure::Storage(server_error("marking a payment failed", error)));
            }
            return Err(ChargeFailure::ProviderDown);
        }
    };
    let expires_at = charge.expires_at.map(settle::rfc3339);
    if let Err(error) =
        storage::record_charge(&state.database, &payment.id, &charge.id, charge.cip.as_deref(), expires_at.as_deref())
            .await
    {
        return Err(ChargeFailure::Storage(server_error("recording a charge failed", error)));
    }
    Ok(match method {
        Method::Card => charge.checkout_url,
        Method::Cash => None,
    })
}

/// `/tributos/pago?id=…`: the payment as the provider last said. A pending one with a charge is
/// asked about first (a status query, server to provider).
pub fn load_payment<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let Some(id) = request.query_value("id") else {
            return Loaded::context(()).with_status(StatusCode::NOT_FOUND).into();
        };
        let state = request.state;
        let rate = state.treasury.config.monthly_interest_basis_points;
        let payment = match storage::payment(&state.database, &id, today(), rate).await {
            Ok(Some(payment)) => payment,
            Ok(None) => return Loaded::context(()).with_status(StatusCode::NOT_FOUND).into(),
            Err(error) => return page_loaders::failed("reading a payment failed", error),
        };
        let payment = if payment.status == PaymentStatus::Pending && payment.provider_charge.is_some() {
            settle::query_and_apply(state, payment.provider_charge.as_deref().unwrap_or_default()).await;
            match storage::payment(&state.database, &id, today(), rate).await {
                Ok(Some(payment)) => payment,
                _ => payment,
            }
        } else {
            payment
        };
        let loaded = Loaded::context(PaymentView { payment, receipt: false });
        crate::staff::private(loaded).into()
    })
}

/// `/tributos/recibo?id=…`: a paid payment's receipt; `?codigo=…`: the receipt a verification code
/// belongs to (how a printed or downloaded receipt is checked).
pub fn load_receipt<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let by_code = match request.query_value("codigo") {
            Some(code) => match storage::payment_by_receipt(&request.state.database, &code).await {
                Ok(found) => found,
                Err(error) => return page_loaders::failed("finding a receipt failed", error),
            },
            None => None,
        };
        let Some(id) = by_code.or_else(|| request.query_value("id")) else {
            return Loaded::context(()).with_status(StatusCode::NOT_FOUND).into();
        };
        let rate = request.state.treasury.config.monthly_interest_basis_points;
        match storage::payment(&request.state.database, &id, today(), rate).await {
            Ok(Some(payment)) if payment.status == PaymentStatus::Paid => {
                crate::staff::private(Loaded::context(PaymentView { payment, receipt: true })).into()
            }
            Ok(_) => Loaded::context(()).with_status(StatusCode::NOT_FOUND).into(),
            Err(error) => page_loaders::failed("reading a payment failed", error),
        }
    })
}
