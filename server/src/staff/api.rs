//! Staff sign-in for the officer tool: `POST /api/officer/session` `{username, password, code}` →
//! `200` [`accounts::Session`]; `401` for any wrong part, `429` while locked out. `DELETE` ends the
//! session.

use super::accounts::{self, LoginError};
use super::{Staff, api_error as error, api_server_error as server_error};
use app::platform::database::Database;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LoginRequest {
    username: String,
    password: String,
    code: String,
}

pub async fn login(State(database): State<Database>, request: Result<Json<LoginRequest>, JsonRejection>) -> Response {
    let Ok(Json(request)) = request else {
        return error(StatusCode::BAD_REQUEST, "malformed");
    };
    match accounts::login(&database, &request.username, &request.password, &request.code, accounts::unix_now()).await {
        Ok(session) => Json(session).into_response(),
        Err(LoginError::Invalid) => error(StatusCode::UNAUTHORIZED, "invalid_credentials"),
        Err(LoginError::Locked { until }) => {
            (StatusCode::TOO_MANY_REQUESTS, Json(serde_json::json!({ "error": "locked", "until": until })))
                .into_response()
        }
        Err(LoginError::Storage(e)) => server_error(e),
    }
}

pub async fn logout(State(database): State<Database>, officer: Staff) -> Response {
    match accounts::logout(&database, &officer.token, &officer.username).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => server_error(e),
    }
}
