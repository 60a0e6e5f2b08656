//! Account management for account admins: [`create`] and [`change`], which the JSON API below and the
//! web page (`admin_web`) both call. The API (`Authorized<AccountAdmin>`):
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
use app::platform::database::{Database, StorageError};
use app::staff::storage::{self as staff, AccountSummary};
use app::staff::{AdminRefusal, Role};
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

/// Why an account admin's request was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0:?}")]
    Refused(AdminRefusal),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<AdminRefusal> for AdminError {
    fn from(refusal: AdminRefusal) -> Self {
        AdminError::Refused(refusal)
    }
}

impl From<AccountError> for AdminError {
    fn from(error: AccountError) -> Self {
        AdminError::Refused(match error {
            AccountError::BadUsername => AdminRefusal::BadUsername,
            AccountError::WeakPassword => AdminRefusal::WeakPassword,
            AccountError::NoRole => AdminRefusal::NoRole,
            AccountError::Exists(_) => AdminRefusal::Exists,
            AccountError::Storage(error) => return AdminError::Storage(error),
        })
    }
}

/// The HTTP status of a refusal.
pub fn status_of(refusal: AdminRefusal) -> StatusCode {
    match refusal {
        AdminRefusal::IntegrityOfficerRole => StatusCode::FORBIDDEN,
        AdminRefusal::Exists => StatusCode::CONFLICT,
        AdminRefusal::NotFound => StatusCode::NOT_FOUND,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn answer(error: AdminError) -> Response {
    match error {
        AdminError::Refused(refusal) => error_response(refusal),
        AdminError::Storage(failure) => server_error(failure),
    }
}

fn error_response(refusal: AdminRefusal) -> Response {
    error(status_of(refusal), refusal.code())
}

/// The roles named, if every name is a role the portal may grant.
fn portal_roles(names: &[String]) -> Result<Vec<Role>, AdminRefusal> {
    let mut roles = Vec::with_capacity(names.len());
    for name in names {
        let role = Role::parse(name).ok_or(AdminRefusal::UnknownRole)?;
        if !role.portal_grantable() {
            return Err(AdminRefusal::IntegrityOfficerRole);
        }
        roles.push(role);
    }
    if roles.is_empty() {
        return Err(AdminRefusal::NoRole);
    }
    Ok(roles)
}

/// A new account and its authenticator secret, shown to the account admin this once.
pub struct Created {
    pub username: String,
    pub totp_secret: String,
    pub otpauth: String,
}

/// Creates an account with portal-grantable roles, on behalf of account admin `admin` (audited).
pub async fn create(
    database: &Database,
    admin: &str,
    username: &str,
    password: &str,
    role_names: &[String],
) -> Result<Created, AdminError> {
    let roles = portal_roles(role_names)?;
    let secret = accounts::add_account(database, username, password, &roles, admin).await?;
    let otpauth = accounts::otpauth_uri("Portal", username, &secret);
    Ok(Created { username: username.to_string(), totp_secret: secret, otpauth })
}

/// Sets an account's roles and/or disables or enables it, on behalf of account admin `admin` (each
/// change audited). Accounts holding the integrity officer's role are the command line's alone.
pub async fn change(
    database: &Database,
    admin: &str,
    username: &str,
    role_names: Option<&[String]>,
    disabled: Option<bool>,
) -> Result<AccountSummary, AdminError> {
    if role_names.is_none() && disabled.is_none() {
        return Err(AdminRefusal::NothingToChange.into());
    }
    let roles = role_names.map(portal_roles).transpose()?;
    let account = staff::find_account(database, username).await?.ok_or(AdminRefusal::NotFound)?;
    if account.roles.iter().any(|role| !role.portal_grantable()) {
        return Err(AdminRefusal::IntegrityOfficerRole.into());
    }
    if disabled == Some(true) && username == admin {
        return Err(AdminRefusal::CannotDisableSelf.into());
    }
    if let Some(roles) = &roles {
        staff::set_roles(database, username, roles).await?;
        let detail = format!("roles={}", role_list(roles));
        audit::append(database, &staff_action(admin, "set_roles", username, &detail)).await?;
    }
    if let Some(disabled) = disabled {
        let at = disabled.then(audit::now_utc);
        staff::set_disabled(database, username, at.as_deref()).await?;
        let action = if disabled { "disable" } else { "enable" };
        audit::append(database, &staff_action(admin, action, username, "")).await?;
    }
    Ok(staff::account_summary(database, username).await?.ok_or(AdminRefusal::NotFound)?)
}

pub async fn list(State(database): State<Database>, _admin: Authorized<AccountAdmin>) -> Response {
    match staff::list_accounts(&database).await {
        Ok(accounts) => Json(accounts).into_response(),
        Err(e) => server_error(e),
    }
}

pub async fn create_json(
    State(database): State<Database>,
    admin: Authorized<AccountAdmin>,
    request: Result<Json<NewAccount>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = request else { return error(StatusCode::BAD_REQUEST, "malformed") };
    match create(&database, &admin.username, &request.username, &request.password, &request.roles).await {
        Ok(created) => {
            let body = serde_json::json!({
                "username": created.username, "totp_secret": created.totp_secret, "otpauth": created.otpauth
            });
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Err(e) => answer(e),
    }
}

pub async fn update_json(
    State(database): State<Database>,
    admin: Authorized<AccountAdmin>,
    Path(username): Path<String>,
    request: Result<Json<AccountChange>, JsonRejection>,
) -> Response {
    let Ok(Json(change_request)) = request else { return error(StatusCode::BAD_REQUEST, "malformed") };
    let roles = change_request.roles.as_deref();
    match change(&database, &admin.username, &username, roles, change_request.disabled).await {
        Ok(account) => Json(account).into_response(),
        Err(e) => answer(e),
    }
}
