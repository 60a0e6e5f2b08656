//! The office's case API, used by the officer tool. JSON unless noted; every route needs
//! `Authorization: Bearer <token>` from sign-in (`crate::staff::api`) of an account holding the integrity
//! officer's role: `401` without a live session, `403` without the role.
//!
//! - `GET /api/officer/cases` → every [`app::cases::CaseSummary`] (metadata and deadlines only).
//! - `GET /api/officer/cases/{case}` → [`CaseDetail`]: the summary, the reply key, the ciphertext
//!   objects of the report and of each message.
//! - `GET …/{case}/report`, `GET …/{case}/messages/{message}`: age files (audited as pulls).
//! - `GET …/{case}/objects/{object}`: an attachment's age file, with `Range` support so an interrupted
//!   download resumes.
//! - `PATCH /api/officer/cases/{case}` `{status?, category?, feedback_on?}` → the new summary.
//! - `POST /api/officer/cases/{case}/messages` (multipart: `message`, then `attachment` parts): a reply
//!   encrypted to the reporter's reply key and the office keys.
//! - `GET /api/officer/keys`: every office key ever configured; `GET /api/officer/audit?after=N`: the
//!   audit log from entry N+1.

use crate::AppState;
use crate::platform::PendingObjects;
use crate::staff::{Authorized, IntegrityOffice, Staff, api_error as error, api_server_error as server_error};
use app::cases::storage::{self as cases, CaseError, CaseUpdate, NewMessage};
use app::cases::{CaseDetail, CaseStatus};
use app::platform::audit::{self, Action, Capability};
use app::platform::database::{Database, StorageError};
use app::reporting::storage::office_keys;
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use envelope::inspect::ObjectCheck;
use envelope::message::Author;
use http::StatusCode;
use serde::Deserialize;

pub async fn cases(State(database): State<Database>, _officer: Authorized<IntegrityOffice>) -> Response {
    match cases::list_cases(&database, &crate::today_in_lima()).await {
        Ok(list) => Json(list).into_response(),
        Err(e) => server_error(e),
    }
}

async fn detail(database: &Database, id: &str) -> Result<Option<CaseDetail>, StorageError> {
    let Some(summary) = cases::find_case(database, id, &crate::today_in_lima()).await? else {
        return Ok(None);
    };
    let Some(files) = cases::case_files(database, id).await? else {
        return Ok(None);
    };
    Ok(Some(CaseDetail {
        summary,
        reply_recipient: files.reply_recipient,
        report_len: files.report_len,
        attachments: files.attachments,
        messages: files.messages,
    }))
}

pub async fn case(
    State(database): State<Database>,
    _officer: Authorized<IntegrityOffice>,
    Path(id): Path<String>,
) -> Response {
    match detail(&database, &id).await {
        Ok(Some(detail)) => Json(detail).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "not_found"),
        Err(e) => server_error(e),
    }
}

fn age_file(bytes: Vec<u8>) -> Response {
    ([(http::header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
}

/// Records a pull in the audit log; a pull that cannot be audited is not served.
async fn audit_pull(
    database: &Database,
    officer: &Staff,
    action: &str,
    case: &str,
    detail: &str,
) -> Result<(), Response> {
    audit::append(
        database,
        &Action { capability: Capability::Cases, actor: &officer.username, action, subject: case, detail },
    )
    .await
    .map(|_| ())
    .map_err(server_error)
}

pub async fn report(
    State(database): State<Database>,
    officer: Authorized<IntegrityOffice>,
    Path(id): Path<String>,
) -> Response {
    pull(&database, &officer, cases::report_ciphertext(&database, &id).await, "pull_report", &id, "").await
}

/// Serves an age file read from the database once its pull is audited.
async fn pull(
    database: &Database,
    officer: &Staff,
    found: Result<Option<Vec<u8>>, StorageError>,
    action: &str,
    case: &str,
    detail: &str,
) -> Response {
    match found {
        Ok(Some(ciphertext)) => match audit_pull(database, officer, action, case, detail).await {
            Ok(()) => age_file(ciphertext),
            Err(response) => response,
        },
        Ok(None) => error(StatusCode::NOT_FOUND, "not_found"),
        Err(e) => server_error(e),
    }
}

pub async fn message(
    State(database): State<Database>,
    officer: Authorized<IntegrityOffice>,
    Path((id, message)): Path<(String, String)>,
) -> Response {
    let found = cases::message_ciphertext(&database, &id, &message).await;
    pull(&database, &officer, found, "pull_message", &id, &format!("message={message}")).await
}

pub async fn object(
    State(state): State<AppState>,
    officer: Authorized<IntegrityOffice>,
    Path((id, object)): Path<(String, String)>,
    headers: http::HeaderMap,
) -> Response {
    match cases::case_has_object(&state.database, &id, &object).await {
        Ok(true) => {}
        Ok(false) => return error(StatusCode::NOT_FOUND, "not_found"),
        Err(e) => return server_error(e),
    }
    let range = headers.get(http::header::RANGE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let detail = if range.is_empty() { format!("object={object}") } else { format!("object={object} {range}") };
    if let Err(response) = audit_pull(&state.database, &officer, "pull_object", &id, &detail).await {
        return response;
    }
    let range = (!range.is_empty()).then_some(range.as_str());
    match crate::platform::download(&state.submissions.sealed.store, &object, range).await {
        Ok(response) => response,
        Err(e) => server_error(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    feedback_on: Option<String>,
}

pub async fn update(
    State(database): State<Database>,
    officer: Authorized<IntegrityOffice>,
    Path(id): Path<String>,
    request: Result<Json<UpdateRequest>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = request else {
        return error(StatusCode::BAD_REQUEST, "malformed");
    };
    let today = crate::today_in_lima();
    let status = match request.status.as_deref().map(CaseStatus::parse) {
        Some(None) => return error(StatusCode::UNPROCESSABLE_ENTITY, "unknown_status"),
        Some(Some(status)) => Some(status),
        None => None,
    };
    if let Some(category) = &request.category
        && envelope::report::Category::parse(category).is_none()
    {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "unknown_category");
    }
    use app::cases::deadlines::parse_day;
    if let Some(day) = &request.feedback_on
        && parse_day(day).is_none_or(|day| Some(day) > parse_day(&today))
    {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "bad_feedback_day");
    }
    let update = CaseUpdate { status, category: request.category, feedback_on: request.feedback_on };
    match cases::update_case(&database, &id, &update, &officer.username, &today).await {
        Ok(summary) => Json(summary).into_response(),
        Err(CaseError::NotFound) => error(StatusCode::NOT_FOUND, "not_found"),
        Err(CaseError::BackToReceived) => error(StatusCode::UNPROCESSABLE_ENTITY, "back_to_received"),
        Err(CaseError::FeedbackBeforeReceipt) => error(StatusCode::UNPROCESSABLE_ENTITY, "bad_feedback_day"),
        Err(CaseError::EmptyUpdate) => error(StatusCode::UNPROCESSABLE_ENTITY, "empty_update"),
        Err(CaseError::Storage(e)) => server_error(e),
    }
}

/// `POST …/{case}/messages`: the reply's age file (`message`) and its attachments' age files, each
/// checked to be encrypted to exactly the office keys plus the reporter's reply key.
pub async fn reply(
    State(state): State<AppState>,
    officer: Authorized<IntegrityOffice>,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(mut multipart) = multipart else {
        return error(StatusCode::BAD_REQUEST, "malformed");
    };
    match cases::find_case(&state.database, &id, &crate::today_in_lima()).await {
        Ok(Some(_)) => {}
        Ok(None) => return error(StatusCode::NOT_FOUND, "not_found"),
        Err(e) => return server_error(e),
    }
    let submissions = &state.submissions;
    let recipients = submissions.sealed.recipients.len() + 1;
    let settings = &submissions.settings;
    let mut message: Option<Vec<u8>> = None;
    let mut pending = PendingObjects::new(&submissions.sealed.store);
    let received: Result<(), (StatusCode, &str)> = async {
        while let Some(mut field) = multipart.next_field().await.map_err(|_| (StatusCode::BAD_REQUEST, "malformed"))? {
            let name = field.name().unwrap_or_default().to_string();
            let mut check = ObjectCheck::new(recipients);
            match name.as_str() {
                "message" if message.is_none() => {
                    let mut bytes = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(|_| (StatusCode::BAD_REQUEST, "truncated"))? {
                        if (bytes.len() + chunk.len()) as u64 > settings.max_report_bytes {
                            return Err((StatusCode::PAYLOAD_TOO_LARGE, "too_large"));
                        }
                        check
                            .update(&chunk)
                            .map_err(|_| (StatusCode::BAD_REQUEST, "not_encrypted_to_reporter_and_office"))?;
                        bytes.extend_from_slice(&chunk);
                    }
                    check.finish().map_err(|_| (StatusCode::BAD_REQUEST, "not_encrypted_to_reporter_and_office"))?;
                    message = Some(bytes);
                }
                "attachment" if message.is_some() => {
                    if pending.kept.len() >= settings.max_attachments as usize {
                        return Err((StatusCode::PAYLOAD_TOO_LARGE, "too_many_attachments"));
                    }
                    let mut object = submissions
                        .sealed
                        .store
                        .create()
                        .await
                        .map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, "server_error"))?;
                    let written: Result<(), (StatusCode, &str)> = async {
                        while let Some(chunk) =
                            field.chunk().await.map_err(|_| (StatusCode::BAD_REQUEST, "truncated"))?
                        {
                            let limit = envelope::attachment::ciphertext_len(settings.max_attachment_bytes, recipients);
                            if object.len() + chunk.len() as u64 > limit {
                                return Err((StatusCode::PAYLOAD_TOO_LARGE, "too_large"));
                            }
                            check
                                .update(&chunk)
                                .map_err(|_| (StatusCode::BAD_REQUEST, "not_encrypted_to_reporter_and_office"))?;
                            object
                                .write(&chunk)
                                .await
                                .map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, "server_error"))?;
                        }
                        check
                            .finish()
                            .map_err(|_| (StatusCode::BAD_REQUEST, "not_encrypted_to_reporter_and_office"))?;
                        Ok(())
                    }
                    .await;
                    match written {
                        Ok(()) => pending.kept.push(
                            submissions
                                .sealed
                                .store
                                .keep(object)
                                .await
                                .map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, "server_error"))?,
                        ),
                        Err(problem) => {
                            submissions.sealed.store.discard_incoming(object).await;
                            return Err(problem);
                        }
                    }
                }
                _ => return Err((StatusCode::BAD_REQUEST, "malformed")),
            }
        }
        Ok(())
    }
    .await;
    let outcome = match (received, message) {
        (Ok(()), Some(ciphertext)) => {
            let new = NewMessage {
                report_id: id,
                author: Author::Office,
                sent_on: crate::today_in_lima(),
                ciphertext,
                attachments: pending.kept.clone(),
            };
            cases::add_message(&state.database, &new, Some(&officer.username)).await.map_err(|e| {
                tracing::error!(error = %e, "storing a reply failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "server_error")
            })
        }
        (Ok(()), None) => Err((StatusCode::BAD_REQUEST, "malformed")),
        (Err(problem), _) => Err(problem),
    };
    match outcome {
        Ok(message_id) => (StatusCode::CREATED, Json(serde_json::json!({ "id": message_id }))).into_response(),
        Err((status, code)) => {
            pending.discard().await;
            error(status, code)
        }
    }
}

pub async fn keys(State(database): State<Database>, _officer: Authorized<IntegrityOffice>) -> Response {
    match office_keys::list_office_keys(&database).await {
        Ok(keys) => Json(keys).into_response(),
        Err(e) => server_error(e),
    }
}

#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    after: u64,
}

pub async fn audit_log(
    State(database): State<Database>,
    _officer: Authorized<IntegrityOffice>,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return error(StatusCode::BAD_REQUEST, "malformed");
    };
    match audit::entries_after(&database, query.after).await {
        Ok(entries) => Json(entries).into_response(),
        Err(e) => server_error(e),
    }
}
