//! The reporter's follow-up: whoever holds a receipt derives its lookup token in the browser and
//! presents it here (never the receipt itself). The server keeps only the token's SHA-256, so it
//! finds the case by hashing what it is given.
//!
//! - `POST /api/follow-up` [`FollowUpRequest`]: a solved proof-of-work challenge and the token →
//!   [`FollowUpCase`] (status, days, deadlines, the messages' age files). Lookups are counted against a
//!   portal-wide limit per minute; no address is looked at.
//! - `POST /api/follow-up/object` [`FollowUpObjectRequest`] → an attachment's age file.
//! - `POST /api/follow-up/messages`: a further message from the reporter (see `encrypted`).
//!
//! A token that opens no case gets `404 {"error":"not_found"}` whether it is malformed, wrong or
//! unknown: there is nothing to tell apart.

use crate::AppState;
use crate::platform::refusal;
use app::cases::storage as cases;
use app::cases::{FollowUpCase, FollowUpMessage, FollowUpObjectRequest, FollowUpRequest, ObjectRef};
use app::platform::database::{Database, StorageError};
use app::platform::problem::TransportProblem;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use http::StatusCode;
use sha2::{Digest, Sha256};

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(http::header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({ "error": "not_found" })),
    )
        .into_response()
}

/// The case a lookup token opens, if any.
pub async fn case_of(database: &Database, lookup_token: &str) -> Result<Option<String>, TransportProblem> {
    let Some(token) = crate::platform::proof_of_work::unhex(lookup_token).filter(|bytes| bytes.len() == 32) else {
        return Ok(None);
    };
    let hash = envelope::hex_lower(&Sha256::digest(token));
    cases::case_id_by_lookup_hash(database, &hash).await.map_err(storage)
}

fn storage(error: StorageError) -> TransportProblem {
    tracing::error!(%error, "follow-up lookup failed");
    TransportProblem::ServerError
}

async fn view(database: &Database, case: &str) -> Result<Option<FollowUpCase>, StorageError> {
    let Some(summary) = cases::find_case(database, case, &crate::today_in_lima()).await? else { return Ok(None) };
    let base64 = base64::engine::general_purpose::STANDARD;
    let messages = cases::messages_of(database, case)
        .await?
        .into_iter()
        .map(|m| FollowUpMessage {
            id: m.id,
            author: m.author,
            sent_on: m.sent_on,
            ciphertext_base64: base64.encode(&m.ciphertext),
            attachments: m.attachments.iter().map(|o| ObjectRef { object: o.name.clone(), len: o.len }).collect(),
        })
        .collect();
    Ok(Some(FollowUpCase {
        received_on: summary.received_on,
        status: summary.status,
        acknowledged_on: summary.acknowledged_on,
        feedback_on: summary.feedback_on,
        closed_on: summary.closed_on,
        acknowledgement_due: summary.acknowledgement_due,
        feedback_due: summary.feedback_due,
        messages,
    }))
}

pub async fn lookup(State(state): State<AppState>, request: Result<Json<FollowUpRequest>, JsonRejection>) -> Response {
    let Ok(Json(request)) = request else { return refusal(TransportProblem::UploadMalformed) };
    if let Err(problem) = state.submissions.sealed.proof_of_work.redeem(&request.challenge, request.nonce) {
        return refusal(problem);
    }
    if !state.cases.lookups.try_acquire() {
        return refusal(TransportProblem::RateLimited);
    }
    let case = match case_of(&state.database, &request.lookup_token).await {
        Ok(Some(case)) => case,
        Ok(None) => return not_found(),
        Err(problem) => return refusal(problem),
    };
    match view(&state.database, &case).await {
        Ok(Some(view)) => ([(http::header::CACHE_CONTROL, "no-store")], Json(view)).into_response(),
        Ok(None) => not_found(),
        Err(error) => refusal(storage(error)),
    }
}

pub async fn object(
    State(state): State<AppState>,
    request: Result<Json<FollowUpObjectRequest>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = request else { return not_found() };
    let case = match case_of(&state.database, &request.lookup_token).await {
        Ok(Some(case)) => case,
        Ok(None) => return not_found(),
        Err(problem) => return refusal(problem),
    };
    match cases::case_has_object(&state.database, &case, &request.object).await {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(error) => return refusal(storage(error)),
    }
    match state.submissions.sealed.store.read(&request.object, 0).await {
        Ok(read) => (
            [(http::header::CONTENT_TYPE, "application/octet-stream"), (http::header::CACHE_CONTROL, "no-store")],
            Body::from_stream(tokio_util::io::ReaderStream::new(read.bytes)),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "an attachment object is missing");
            refusal(TransportProblem::ServerError)
        }
    }
}
