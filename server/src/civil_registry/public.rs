//! The neighbour's side: the request (`POST /tramites/partidas/solicitar`, answered with the request's
//! number and code, or the form again with its problems), following it, paying its fee and
//! downloading its certificate (number and code in the body, never in a URL), and `/verificar`.

use super::certificate_pdf;
use crate::AppState;
use crate::page_loaders::{Loaded, LoaderFuture, Request as PageRequest};
use crate::platform::server_error;
use crate::staff::web::prefix_of;
use crate::treasury::public::{ChargeFailure, open_charge};
use app::civil_registry::fields::{
    FollowProblem, FollowView, RequestFields, RequestProblem, RequestView, Verified, VerifyOutcome, VerifyView,
};
use app::civil_registry::paths::{FOLLOW, REQUEST, VERIFY};
use app::civil_registry::seal;
use app::civil_registry::storage::{self, Applicant};
use app::civil_registry::{RecordKind, Relationship, Request, RequestState, normalize_request_number};
use app::i18n::Locale;
use app::paths::Page;
use app::treasury::pages::PayProblem;
use app::treasury::{Method, PaymentStatus};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use http::StatusCode;
use leptos::nonce::Nonce;
use leptos::prelude::provide_context;

async fn render<T: Clone + Send + Sync + 'static>(
    state: &AppState,
    page: Page,
    prefix: &str,
    nonce: Option<Nonce>,
    status: StatusCode,
    view: T,
) -> Response {
    let page = format!("{prefix}{page}");
    let provide = move || provide_context(view.clone());
    state.page_context.render_with(&page, nonce, status, provide).await
}

#[derive(serde::Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    record_number: String,
    #[serde(default)]
    event_date: String,
    #[serde(default)]
    id_type: String,
    #[serde(default)]
    applicant_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    relationship: String,
    #[serde(default)]
    prefix: String,
}

/// `POST /tramites/partidas/solicitar`. A record that is not found counts against the portal-wide
/// budget of wrong lookups (as a wrong expediente code does), so the books cannot be walked.
pub async fn request(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    Form(form): Form<RequestForm>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let prefix = prefix_of(&form.prefix);
    let clip = |text: String| text.chars().take(300).collect::<String>();
    let fields = RequestFields {
        kind: clip(form.kind),
        record_number: clip(form.record_number),
        event_date: clip(form.event_date),
        id_type: clip(form.id_type),
        applicant_id: clip(form.applicant_id),
        name: clip(form.name),
        email: clip(form.email),
        relationship: clip(form.relationship),
    }
    .cleaned();
    let today = app::tramites::storage::today_in_lima();
    let refuse = async |fields: RequestFields, status, problems: Vec<RequestProblem>| {
        render(&state, REQUEST, prefix, nonce.clone(), status, RequestView { fields, problems, busy: false }).await
    };
    let problems = fields.check(today);
    if !problems.is_empty() {
        return refuse(fields, StatusCode::UNPROCESSABLE_ENTITY, problems).await;
    }
    let kind = RecordKind::parse(&fields.kind).unwrap_or(RecordKind::Birth);
    let budget = &state.tramites.wrong_lookups;
    if !budget.try_acquire() {
        return refuse(fields, StatusCode::TOO_MANY_REQUESTS, vec![RequestProblem::TooMany]).await;
    }
    let record = match storage::find_record(&state.database, kind, &fields.record_number, &fields.event_date).await {
        Ok(Some(record)) => {
            budget.release();
            record
        }
        Ok(None) => {
            return refuse(fields, StatusCode::UNPROCESSABLE_ENTITY, vec![RequestProblem::RecordNotFound]).await;
        }
        Err(error) => {
            budget.release();
            return server_error("finding a civil record failed", error);
        }
    };
    if let Some(reserve) = record.reserve {
        return refuse(fields, StatusCode::UNPROCESSABLE_ENTITY, vec![RequestProblem::Reserved(reserve)]).await;
    }
    let applicant = Applicant {
        id_type: fields.id_type.to_ascii_lowercase(),
        id: fields.applicant_id.clone(),
        name: fields.name.clone(),
        email: fields.email.clone(),
        relationship: Relationship::parse(&fields.relationship).unwrap_or(Relationship::Other),
    };
    let requested = match storage::request(&state.database, &record, &applicant, today.year()).await {
        Ok(requested) => requested,
        Err(error) => {
            tracing::error!(%error, "storing a certificate request failed");
            let view = RequestView { fields, problems: Vec::new(), busy: true };
            return render(&state, REQUEST, prefix, nonce, StatusCode::SERVICE_UNAVAILABLE, view).await;
        }
    };
    let request = match storage::load(&state.database, &requested.number).await {
        Ok(Some(request)) => request,
        Ok(None) => return server_error("a certificate request could not be read back", "missing"),
        Err(error) => return server_error("reading a certificate request failed", error),
    };
    let view = FollowView {
        number: request.number.clone(),
        code: requested.code,
        request: Some(request),
        created: true,
        payments_on: state.treasury.provider.is_some(),
        ..Default::default()
    };
    render(&state, FOLLOW, prefix, nonce, StatusCode::CREATED, view).await
}

#[derive(serde::Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    prefix: String,
}

/// The request for a number and code, counting a wrong pair against the portal-wide budget (a slot
/// taken before trying, given back by a right pair). A pending payment is asked about first.
async fn lookup(state: &AppState, number: &str, code: &str) -> Result<Result<Request, FollowProblem>, Response> {
    let code = app::tramites::normalize_code(code);
    let Some(number) = normalize_request_number(number).filter(|_| !code.is_empty()) else {
        return Ok(Err(FollowProblem::Missing));
    };
    let budget = &state.tramites.wrong_lookups;
    if !budget.try_acquire() {
        return Ok(Err(FollowProblem::TooMany));
    }
    let request = match storage::find_with_code(&state.database, &number, &code).await {
        Ok(Some(request)) => request,
        Ok(None) => return Ok(Err(FollowProblem::NotFound)),
        Err(error) => {
            budget.release();
            return Err(server_error("reading a certificate request failed", error));
        }
    };
    budget.release();
    let pending = request.payment.as_ref().filter(|payment| payment.status == PaymentStatus::Pending);
    if let Some(charge) = pending.and_then(|payment| payment.provider_charge.clone()) {
        crate::treasury::settle::query_and_apply(state, &charge).await;
        return match storage::load(&state.database, &number).await {
            Ok(Some(request)) => Ok(Ok(request)),
            Ok(None) => Ok(Err(FollowProblem::NotFound)),
            Err(error) => Err(server_error("reading a certificate request failed", error)),
        };
    }
    Ok(Ok(request))
}

/// The follow-up page for a lookup already made (each lookup spends the budget once, so a handler
/// never looks up twice).
async fn answer_lookup(
    state: &AppState,
    form: &LookupForm,
    nonce: Option<Nonce>,
    found: Result<Request, FollowProblem>,
    pay_problem: Option<(StatusCode, PayProblem)>,
) -> Response {
    let prefix = prefix_of(&form.prefix);
    match found {
        Err(problem) => {
            let status = match problem {
                FollowProblem::TooMany => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let view = FollowView {
                number: form.number.chars().take(30).collect(),
                problem: Some(problem),
                ..Default::default()
            };
            render(state, FOLLOW, prefix, nonce, status, view).await
        }
        Ok(request) => {
            let (status, pay_problem) = match pay_problem {
                Some((status, problem)) => (status, Some(problem)),
                None => (StatusCode::OK, None),
            };
            let view = FollowView {
                number: request.number.clone(),
                code: app::tramites::normalize_code(&form.code),
                request: Some(request),
                pay_problem,
                payments_on: state.treasury.provider.is_some(),
                ..Default::default()
            };
            render(state, FOLLOW, prefix, nonce, status, view).await
        }
    }
}

/// `POST /tramites/partidas/consultar`: `number`, `code`, `prefix`.
pub async fn follow(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    Form(form): Form<LookupForm>,
) -> Response {
    match lookup(&state, &form.number, &form.code).await {
        Err(response) => response,
        Ok(found) => answer_lookup(&state, &form, nonce.map(|Extension(nonce)| nonce), found, None).await,
    }
}

/// `POST /tramites/partidas/pagar`: `number`, `code`, `method`, `prefix`. The fee is paid once, ever:
/// a second payment that the provider confirms is refunded as a duplicate.
pub async fn pay(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    Form(form): Form<LookupForm>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let prefix = prefix_of(&form.prefix);
    let request = match lookup(&state, &form.number, &form.code).await {
        Err(response) => return response,
        Ok(Err(problem)) => return answer_lookup(&state, &form, nonce, Err(problem), None).await,
        Ok(Ok(request)) => request,
    };
    let refused = |status, problem| Some((status, problem));
    let problem = if request.state() != RequestState::AwaitingPayment {
        refused(StatusCode::CONFLICT, PayProblem::NotPayable)
    } else if state.treasury.provider.is_none() {
        refused(StatusCode::SERVICE_UNAVAILABLE, PayProblem::Unavailable)
    } else if Method::parse(&form.method).is_none() {
        refused(StatusCode::UNPROCESSABLE_ENTITY, PayProblem::MethodMissing)
    } else {
        None
    };
    if problem.is_some() {
        return answer_lookup(&state, &form, nonce, Ok(request), problem).await;
    }
    let method = Method::parse(&form.method).unwrap_or(Method::Card);
    let payment = match app::treasury::storage::create_fee_payment(
        &state.database,
        &request.id,
        &request.number,
        request.fee,
        method,
    )
    .await
    {
        Ok(payment) => payment,
        Err(error) => return server_error("starting a fee payment failed", error),
    };
    let description = format!("Municipalidad de Miraflores: copia certificada, solicitud {}", request.number);
    let pay_problem = match open_charge(&state, &payment, description, prefix).await {
        Ok(Some(checkout)) => return Redirect::to(&checkout).into_response(),
        Ok(None) => None,
        Err(ChargeFailure::Storage(response)) => return response,
        Err(ChargeFailure::ProviderDown) => Some((StatusCode::SERVICE_UNAVAILABLE, PayProblem::ProviderDown)),
    };
    // The request again with its new payment (a cash code to show, or the failed charge): read by
    // number, the code having been checked above.
    match storage::load(&state.database, &request.number).await {
        Ok(Some(request)) => answer_lookup(&state, &form, nonce, Ok(request), pay_problem).await,
        Ok(None) => server_error("a certificate request could not be read back", "missing"),
        Err(error) => server_error("reading a certificate request failed", error),
    }
}

/// `POST /tramites/partidas/certificado`: `number`, `code`, `language`: the certificate as a PDF.
pub async fn download(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    Form(form): Form<LookupForm>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let request = match lookup(&state, &form.number, &form.code).await {
        Err(response) => return response,
        Ok(Ok(request)) if request.state() == RequestState::Issued => request,
        // Not issued (or revoked), or not found: the request's page says where it stands.
        Ok(found) => return answer_lookup(&state, &form, nonce, found, None).await,
    };
    let locale = if form.language == "en" { Locale::en } else { Locale::es_PE };
    let code = request.certificate.as_ref().map(|certificate| certificate.code.clone()).unwrap_or_default();
    let verify_url = format!("{}{VERIFY}?c={code}", state.site_url);
    let bytes = certificate_pdf::certificate(&request, locale, &verify_url, &state.civil_registry.key_id);
    crate::platform::pdf::attachment(bytes, &format!("certificado-{}.pdf", request.number))
}

/// `/verificar?c=…`: the code's signature checked against the municipality's key, and the
/// certificate's standing (issued or revoked). A code that does not check is `422`.
pub fn load_verify<'a>(request: &'a PageRequest<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let registry = &request.state.civil_registry;
        let mut view = VerifyView {
            public_key_pem: registry.public_pem.clone(),
            key_id: registry.key_id.clone(),
            ..Default::default()
        };
        let input = request.query_text("c", 4_000).unwrap_or_default();
        if input.trim().is_empty() {
            return Loaded::context(view).into();
        }
        view.input = input;
        let code = seal::code_in(&view.input);
        let (status, outcome) = match seal::open(&code, &registry.verifying) {
            Ok(data) => match storage::certificate(&request.state.database, &data.number).await {
                Ok(certificate) => (StatusCode::OK, VerifyOutcome::Valid(Box::new(Verified { data, certificate }))),
                Err(error) => return crate::page_loaders::failed("reading a certificate failed", error),
            },
            Err(error) => (StatusCode::UNPROCESSABLE_ENTITY, VerifyOutcome::Invalid(error)),
        };
        view.outcome = Some(outcome);
        Loaded::context(view).with_status(status).into()
    })
}
