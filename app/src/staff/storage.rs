//! Staff accounts and their roles, failed sign-ins and sessions. Passwords are verified by the server
//! crate (Argon2id); this module only stores what that needs. Times are Unix seconds, except the
//! accounts' own dates (RFC 3339).

use super::Role;
use crate::platform::database::{Database, StorageError};
use sqlx::Row;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffAccount {
    pub username: String,
    pub password_hash: String,
    pub totp_secret: String,
    pub last_totp_step: i64,
    pub disabled: bool,
    pub roles: Vec<Role>,
}

/// An account as an account admin sees it: no secret of any kind.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountSummary {
    pub username: String,
    pub roles: Vec<Role>,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

/// Creates an account with its roles, in one transaction.
pub async fn create_account(
    db: &Database,
    username: &str,
    password_hash: &str,
    totp_secret: &str,
    roles: &[Role],
    created_at: &str,
) -> Result<(), StorageError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO staff (username, password_hash, totp_secret, created_at) VALUES ($1, $2, $3, $4)")
        .bind(username)
        .bind(password_hash)
        .bind(totp_secret)
        .bind(created_at)
        .execute(&mut *tx)
        .await?;
    insert_roles(&mut tx, username, roles).await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_roles(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    username: &str,
    roles: &[Role],
) -> Result<(), StorageError> {
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    for role in roles {
        sqlx::query("INSERT INTO staff_roles (username, role) VALUES ($1, $2)")
            .bind(username)
            .bind(role.code())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Replaces an account's roles; false if there is no such account.
pub async fn set_roles(db: &Database, username: &str, roles: &[Role]) -> Result<bool, StorageError> {
    let mut tx = db.begin_write().await?;
    let exists = sqlx::query("SELECT 1 FROM staff WHERE username = $1").bind(username).fetch_optional(&mut *tx).await?;
    if exists.is_none() {
        return Ok(false);
    }
    sqlx::query("DELETE FROM staff_roles WHERE username = $1").bind(username).execute(&mut *tx).await?;
    insert_roles(&mut tx, username, roles).await?;
    tx.commit().await?;
    Ok(true)
}

/// Disables an account (its sessions end) or enables it again; false if there is no such account.
pub async fn set_disabled(db: &Database, username: &str, disabled_at: Option<&str>) -> Result<bool, StorageError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("UPDATE staff SET disabled_at = $1 WHERE username = $2")
        .bind(disabled_at)
        .bind(username)
        .execute(&mut *tx)
        .await?;
    if disabled_at.is_some() {
        sqlx::query("DELETE FROM staff_sessions WHERE username = $1").bind(username).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Gives an account a new authenticator secret (its old codes stop working) and ends its sessions;
/// `false` if there is no such account.
pub async fn replace_totp_secret(db: &Database, username: &str, totp_secret: &str) -> Result<bool, StorageError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("UPDATE staff SET totp_secret = $1, last_totp_step = 0 WHERE username = $2")
        .bind(totp_secret)
        .bind(username)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM staff_sessions WHERE username = $1").bind(username).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// The roles an account holds, in [`Role::ALL`]'s order. A stored code this build does not know is
/// left out (it grants nothing).
pub async fn roles_of(db: &Database, username: &str) -> Result<Vec<Role>, StorageError> {
    let rows =
        sqlx::query("SELECT role FROM staff_roles WHERE username = $1").bind(username).fetch_all(db.pool()).await?;
    let mut roles = Vec::new();
    for row in rows {
        match Role::parse(&row.try_get::<String, _>(0)?) {
            Some(role) => roles.push(role),
            None => tracing::warn!(username, "a stored staff role is unknown to this version; it grants nothing"),
        }
    }
    roles.sort();
    Ok(roles)
}

pub async fn find_account(db: &Database, username: &str) -> Result<Option<StaffAccount>, StorageError> {
    let row = sqlx::query(
        "SELECT username, password_hash, totp_secret, last_totp_step, disabled_at FROM staff WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(StaffAccount {
        username: row.try_get(0)?,
        password_hash: row.try_get(1)?,
        totp_secret: row.try_get(2)?,
        last_totp_step: row.try_get(3)?,
        disabled: row.try_get::<Option<String>, _>(4)?.is_some(),
        roles: roles_of(db, username).await?,
    }))
}

/// Every account, by user name.
pub async fn list_accounts(db: &Database) -> Result<Vec<AccountSummary>, StorageError> {
    let rows = sqlx::query("SELECT username, created_at, disabled_at FROM staff ORDER BY username")
        .fetch_all(db.pool())
        .await?;
    let mut accounts = Vec::with_capacity(rows.len());
    for row in rows {
        accounts.push(summary_of(db, &row).await?);
    }
    Ok(accounts)
}

/// One account as [`list_accounts`] lists it, if there is one of that name.
pub async fn account_summary(db: &Database, username: &str) -> Result<Option<AccountSummary>, StorageError> {
    let row = sqlx::query("SELECT username, created_at, disabled_at FROM staff WHERE username = $1")
        .bind(username)
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(row) => Ok(Some(summary_of(db, &row).await?)),
        None => Ok(None),
    }
}

/// A row of `username, created_at, disabled_at`, with the account's roles.
async fn summary_of(db: &Database, row: &sqlx::any::AnyRow) -> Result<AccountSummary, StorageError> {
    let username: String = row.try_get(0)?;
    Ok(AccountSummary {
        roles: roles_of(db, &username).await?,
        created_at: row.try_get(1)?,
        disabled_at: row.try_get(2)?,
        username,
    })
}

/// Records a TOTP time step as used; false if it (or a later one) was used already, so a code
/// observed over a shoulder cannot be replayed.
pub async fn use_totp_step(db: &Database, username: &str, step: i64) -> Result<bool, StorageError> {
    let done = sqlx::query("UPDATE staff SET last_totp_step = $1 WHERE username = $2 AND last_totp_step < $1")
        .bind(step)
        .bind(username)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The Unix second until which sign-ins for `username` are refused (0 when not locked).
pub async fn locked_until(db: &Database, username: &str) -> Result<i64, StorageError> {
    Ok(sqlx::query("SELECT locked_until FROM login_failures WHERE username = $1")
        .bind(username)
        .fetch_optional(db.pool())
        .await?
        .map(|row| row.try_get::<i64, _>(0))
        .transpose()?
        .unwrap_or(0))
}

/// Counts a failed sign-in and returns the failures so far; `lock_for` decides the lockout.
pub async fn record_failure(
    db: &Database,
    username: &str,
    now: i64,
    lock_for: impl Fn(i64) -> i64,
) -> Result<i64, StorageError> {
    let mut tx = db.begin_write().await?;
    let failures: i64 = sqlx::query("SELECT failures FROM login_failures WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| row.try_get::<i64, _>(0))
        .transpose()?
        .unwrap_or(0)
        + 1;
    let locked_until = match lock_for(failures) {
        0 => 0,
        seconds => now + seconds,
    };
    sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(username).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO login_failures (username, failures, locked_until) VALUES ($1, $2, $3)")
        .bind(username)
        .bind(failures)
        .bind(locked_until)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(failures)
}

pub async fn clear_failures(db: &Database, username: &str) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(username).execute(db.pool()).await?;
    Ok(())
}

pub async fn create_session(
    db: &Database,
    token_hash: &str,
    username: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1").bind(now).execute(db.pool()).await?;
    sqlx::query("INSERT INTO staff_sessions (token_hash, username, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(username)
        .bind(now)
        .bind(expires_at)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The account a live session belongs to, extending it to `idle` from now (never past `max_age` from
/// its start). Expired sessions and disabled accounts open nothing.
pub async fn session_account(
    db: &Database,
    token_hash: &str,
    now: i64,
    idle: i64,
    max_age: i64,
) -> Result<Option<String>, StorageError> {
    let row = sqlx::query(
        "SELECT s.username, s.created_at FROM staff_sessions s JOIN staff o ON o.username = s.username \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.disabled_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let username: String = row.try_get(0)?;
    let created_at: i64 = row.try_get(1)?;
    sqlx::query("UPDATE staff_sessions SET expires_at = $1 WHERE token_hash = $2")
        .bind((now + idle).min(created_at + max_age))
        .bind(token_hash)
        .execute(db.pool())
        .await?;
    Ok(Some(username))
}

pub async fn delete_session(db: &Database, token_hash: &str) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1").bind(token_hash).execute(db.pool()).await?;
    Ok(())
}
