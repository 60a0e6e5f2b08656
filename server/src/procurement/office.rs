//! The procurement committee's page (`/oficina/cotizaciones`, role `procurement-committee`): a new
//! request for quotation, and the opening's results after the deadline.

use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use crate::platform::server_error;
use crate::staff::web::{FormFields, staff_page};
use crate::staff::{ProcurementCommittee, WebStaff, form_staff_with, page_staff_with, private};
use app::participation::fields::parse_soles;
use app::platform::database::StorageError;
use app::procurement::Opening;
use app::procurement::fields::{OpeningFields, OpeningProblem, TenderFields, key_of};
use app::procurement::office::{ProcurementDone, ProcurementOfficeView};
use app::procurement::paths::OFFICE;
use app::procurement::storage::{self, ProcurementError, now_utc};
use axum::extract::State;
use axum::response::Response;
use axum::{Extension, Form};
use http::StatusCode;
use leptos::nonce::Nonce;

async fn fill(state: &AppState, view: &mut ProcurementOfficeView) -> Result<(), StorageError> {
    view.officials = app::integrity::storage::officials(&state.database).await?;
    view.tenders = storage::tenders(&state.database).await?;
    view.now = now_utc();
    Ok(())
}

pub fn load_office<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let staff = match page_staff_with::<ProcurementCommittee>(request).await {
            Ok(staff) => staff,
            Err(outcome) => return outcome,
        };
        let mut view = ProcurementOfficeView { username: staff.username, ..Default::default() };
        match fill(request.state, &mut view).await {
            Ok(()) => private(Loaded::context(view)).into(),
            Err(error) => page_loaders::failed("loading tenders failed", error),
        }
    })
}

async fn answer(
    state: &AppState,
    prefix: &str,
    nonce: Option<Nonce>,
    status: StatusCode,
    mut view: ProcurementOfficeView,
) -> Response {
    if let Err(error) = fill(state, &mut view).await {
        return server_error("loading tenders failed", error);
    }
    staff_page(state, OFFICE, prefix, nonce, status, view).await
}

/// `POST /oficina/cotizaciones/nueva`.
pub async fn create_tender(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let committee: Vec<String> = fields
        .iter()
        .filter(|(name, _)| name == "committee")
        .map(|(_, v)| v.chars().take(80).collect())
        .take(50)
        .collect();
    let fields = FormFields(fields);
    let prefix = fields.prefix();
    let staff = match form_staff_with::<ProcurementCommittee>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let known = match app::integrity::storage::officials(&state.database).await {
        Ok(officials) => officials.into_iter().map(|o| o.id).collect(),
        Err(error) => return server_error("reading officials failed", error),
    };
    let typed = TenderFields {
        number: fields.get("number", 50),
        title: fields.get("title", 400),
        area: fields.get("area", 300),
        estimated: fields.get("estimated", 30),
        deadline: fields.get("deadline", 30),
        recipient: fields.get("recipient", 100),
        threshold: fields.get("threshold", 5),
        committee,
        items: fields.get("items", 100_000),
    };
    let tender = match typed.check(&known, &now_utc()) {
        Ok(tender) => tender,
        Err(problems) => {
            let view = ProcurementOfficeView { username: staff.username, form: typed, problems, ..Default::default() };
            return answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, view).await;
        }
    };
    match storage::create(&state.database, &staff.username, &tender).await {
        Ok(()) => {
            let done = Some(ProcurementDone::Tender(tender.number.clone()));
            answer(
                &state,
                prefix,
                nonce,
                StatusCode::OK,
                ProcurementOfficeView { username: staff.username, done, ..Default::default() },
            )
            .await
        }
        Err(ProcurementError::Exists) => {
            let view = ProcurementOfficeView {
                username: staff.username,
                form: typed,
                problems: vec![app::procurement::fields::TenderProblem::Exists],
                ..Default::default()
            };
            answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, view).await
        }
        Err(error) => server_error("publishing a tender failed", error),
    }
}

/// `POST /oficina/cotizaciones/apertura`: the key (checked against the tender's recipient), the
/// comparison table, the award.
pub async fn publish_opening(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let fields = FormFields(fields);
    let prefix = fields.prefix();
    let staff = match form_staff_with::<ProcurementCommittee>(&state, nonce.clone(), staff, prefix, OFFICE).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let typed = OpeningFields {
        tender: fields.get("opening_tender", 40),
        secret_key: fields.get("secret_key", 2000),
        comparison: fields.get("comparison", 200_001),
        award_ruc: fields.get("award_ruc", 20),
        award_name: fields.get("award_name", 300),
        award_amount: fields.get("award_amount", 30),
        award_reasons: fields.get("award_reasons", 4001),
    };
    let mut problems = typed.check_award();
    let tender = match storage::tender(&state.database, &typed.tender).await {
        Ok(tender) => tender,
        Err(error) => return server_error("reading a tender failed", error),
    };
    let key = match &tender {
        None => {
            problems.insert(0, OpeningProblem::NoTender);
            None
        }
        Some(tender) => {
            let key = key_of(&typed.secret_key, &tender.recipient);
            if key.is_none() {
                problems.insert(0, OpeningProblem::Key);
            }
            key
        }
    };
    let refuse = |problems: Vec<OpeningProblem>, form: OpeningFields| ProcurementOfficeView {
        username: staff.username.clone(),
        opening_form: form,
        opening_problems: problems,
        ..Default::default()
    };
    let (Some(key), true) = (key, problems.is_empty()) else {
        return answer(&state, prefix, nonce, StatusCode::UNPROCESSABLE_ENTITY, refuse(problems, typed)).await;
    };
    let opening = Opening {
        opened_at: String::new(),
        secret_key: key,
        comparison: typed.comparison.trim().to_string(),
        award_ruc: typed.award_ruc.trim().to_string(),
        award_name: typed.award_name.trim().to_string(),
        award_cents: parse_soles(&typed.award_amount).unwrap_or_default(),
        award_reasons: typed.award_reasons.trim().to_string(),
    };
    match storage::publish_opening(&state.database, &staff.username, &typed.tender, &opening).await {
        Ok(()) => {
            let done = Some(ProcurementDone::Opening(typed.tender.clone()));
            answer(
                &state,
                prefix,
                nonce,
                StatusCode::OK,
                ProcurementOfficeView { username: staff.username.clone(), done, ..Default::default() },
            )
            .await
        }
        Err(ProcurementError::NotClosed) => {
            answer(&state, prefix, nonce, StatusCode::CONFLICT, refuse(vec![OpeningProblem::NotClosed], typed)).await
        }
        Err(ProcurementError::AlreadyOpened) => {
            answer(&state, prefix, nonce, StatusCode::CONFLICT, refuse(vec![OpeningProblem::AlreadyOpened], typed))
                .await
        }
        Err(ProcurementError::NoTender) => {
            answer(
                &state,
                prefix,
                nonce,
                StatusCode::UNPROCESSABLE_ENTITY,
                refuse(vec![OpeningProblem::NoTender], typed),
            )
            .await
        }
        Err(error) => server_error("publishing an opening failed", error),
    }
}
