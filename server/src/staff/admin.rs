//! Account management for account admins (`Authorized<AccountAdmin>`), JSON:
//! - `GET /api/staff/accounts` → every account: user name, roles, dates; never a secret.
//! - `POST /api/staff/accounts` `{username, password, roles}` → `201 {username, totp_secret, otpauth}`:
//!   the authenticator secret, shown this once.
//! - `PATCH /api/staff/accounts/{username}` `{roles?, disabled?}` → the account as listed.
//!
//! The integrity officer's role is not the portal's to give: granting it would open every
//! whistleblower's case to whoever holds this API. An account admin can neither grant nor remove it, nor
//! change or disable an account that holds it (`403 {"error":"integrity_officer_role"}`); those take
//! the server's command line (`server staff add NAME --role integrity-officer`). Every change is audited
//! under the staff capability.

use super::accounts::{self, AccountError, role_list, staff_action};
use super::{AccountAdmin, Authorized, api_error as error, api_server_error as server_error};
use app::platform::audit;
use app::platform::database::Database;
use app::staff::Role;
use app::staff::storage as staff;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    username: String,
    password: String,
    roles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    roles: Option<Vec<String>>,
    disabled: Option<bool>,
}

/// Why a list of roles is refused.
#[derive(Debug, thiserror::Error)]
enum RolesRefused {
    #[error("not a role")]
    Unknown,
    #[error("the integrity officer's role is granted with the server's command line only")]
    IntegrityOfficer,
    #[error("an account needs at least one role")]
    Empty,
}

impl IntoResponse for RolesRefused {
    fn into_response(self) -> Response {
        match self {
            RolesRefused::Unknown => error(StatusCode::UNPROCESSABLE_ENTITY, "unknown_role"),
            RolesRefused::IntegrityOfficer => error(StatusCode::FORBIDDEN, "integrity_officer_role"),
            RolesRefused::Empty => error(StatusCode::UNPROCESSABLE_ENTITY, "no_role"),
        }
    }
}

/// The roles named, if every name is a role the portal may grant.
fn portal_roles(names: &[String]) -> Result<Vec<Role>, RolesRefused> {
    let mut roles = Vec::with_capacity(names.len());
    for name in names {
        let role = Role::parse(name).ok_or(RolesRefused::Unknown)?;
        if !role.portal_grantable() {
            return Err(RolesRefused::IntegrityOfficer);
        }
        roles.push(role);
    }
    if roles.is_empty() {
        return Err(RolesRefused::Empty);
    }
    Ok(roles)
}

pub async fn list(State(database): State<Database>, _admin: Authorized<AccountAdmin>) -> Response {
    match staff::list_accounts(&database).await {
        Ok(accounts) => Json(accounts).into_response(),
        Err(e) => server_error(e),
    }
}

pub async fn create(
    State(database): State<Database>,
    admin: Authorized<AccountAdmin>,
    request: Result<Json<NewAccount>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = request else { return error(StatusCode::BAD_REQUEST, "malformed") };
    let roles = match portal_roles(&request.roles) {
        Ok(roles) => roles,
        Err(refusal) => return refusal.into_response(),
    };
    match accounts::add_account(&database, &request.username, &request.password, &roles, &admin.username).await {
        Ok(secret) => {
            let otpauth = accounts::otpauth_uri("Portal", &request.username, &secret);
            let body = serde_json::json!({ "username": request.username, "totp_secret": secret, "otpauth": otpauth });
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Err(AccountError::BadUsername) => error(StatusCode::UNPROCESSABLE_ENTITY, "bad_username"),
        Err(AccountError::WeakPassword) => error(StatusCode::UNPROCESSABLE_ENTITY, "weak_password"),
        Err(AccountError::NoRole) => error(StatusCode::UNPROCESSABLE_ENTITY, "no_role"),
        Err(AccountError::Exists(_)) => error(StatusCode::CONFLICT, "exists"),
        Err(AccountError::Storage(e)) => server_error(e),
    }
}

pub async fn update(
    State(database): State<Database>,
    admin: Authorized<AccountAdmin>,
    Path(username): Path<String>,
    request: Result<Json<AccountChange>, JsonRejection>,
) -> Response {
    let Ok(Json(change)) = request else { return error(StatusCode::BAD_REQUEST, "malformed") };
    if change.roles.is_none() && change.disabled.is_none() {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "nothing_to_change");
    }
    let roles = match change.roles.as_deref().map(portal_roles).transpose() {
        Ok(roles) => roles,
        Err(refusal) => return refusal.into_response(),
    };
    let account = match staff::find_account(&database, &username).await {
        Ok(Some(account)) => account,
        Ok(None) => return error(StatusCode::NOT_FOUND, "not_found"),
        Err(e) => return server_error(e),
    };
    if account.roles.iter().any(|role| !role.portal_grantable()) {
        return RolesRefused::IntegrityOfficer.into_response();
    }
    if change.disabled == Some(true) && username == admin.username {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "cannot_disable_self");
    }
    if let Some(roles) = &roles {
        if let Err(e) = staff::set_roles(&database, &username, roles).await {
            return server_error(e);
        }
        let detail = format!("roles={}", role_list(roles));
        if let Err(e) = audit::append(&database, &staff_action(&admin.username, "set_roles", &username, &detail)).await
        {
            return server_error(e);
        }
    }
    if let Some(disabled) = change.disabled {
        let at = disabled.then(audit::now_utc);
        if let Err(e) = staff::set_disabled(&database, &username, at.as_deref()).await {
            return server_error(e);
        }
        let action = if disabled { "disable" } else { "enable" };
        if let Err(e) = audit::append(&database, &staff_action(&admin.username, action, &username, "")).await {
            return server_error(e);
        }
    }
    match staff::account_summary(&database, &username).await {
        Ok(Some(account)) => Json(account).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "not_found"),
        Err(e) => server_error(e),
    }
}
