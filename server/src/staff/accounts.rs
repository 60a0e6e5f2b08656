//! Staff authentication: an Argon2id password plus a TOTP code (RFC 6238, SHA-1, 6 digits, 30 s, as
//! every authenticator app supports), then an opaque session token (only its SHA-256 is stored). Each
//! failed attempt counts against the user name typed, known or not; from the fifth on, sign-in for that
//! name is refused for 15 minutes, doubling with each further failure, up to a day. A TOTP code is
//! accepted once. Sessions end after 30 idle minutes and at most 12 hours after sign-in.

use app::platform::audit::{self, Action, Capability};
use app::platform::database::{Database, StorageError};
use app::staff::Role;
use app::staff::storage as officers;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, TOTP};

pub const FAILURES_BEFORE_LOCKOUT: i64 = 5;
pub const FIRST_LOCKOUT_SECONDS: i64 = 15 * 60;
pub const LONGEST_LOCKOUT_SECONDS: i64 = 24 * 60 * 60;
pub const SESSION_IDLE_SECONDS: i64 = 30 * 60;
pub const SESSION_MAX_SECONDS: i64 = 12 * 60 * 60;
pub const MIN_PASSWORD_CHARS: usize = 12;
const TOTP_STEP: u64 = 30;

/// How long sign-in is refused after `failures` consecutive failures.
pub fn lockout_seconds(failures: i64) -> i64 {
    if failures < FAILURES_BEFORE_LOCKOUT {
        return 0;
    }
    let doublings = (failures - FAILURES_BEFORE_LOCKOUT).min(16) as u32;
    (FIRST_LOCKOUT_SECONDS << doublings).min(LONGEST_LOCKOUT_SECONDS)
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_secs() as i64
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a user name is 1 to 64 lowercase letters, digits, dots, dashes or underscores")]
    BadUsername,
    #[error("a password needs at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    #[error("an account named {0:?} exists already")]
    Exists(String),
    #[error("an account needs at least one role")]
    NoRole,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn valid_username(username: &str) -> bool {
    (1..=64).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// A new random TOTP secret: 160 bits, base32 as authenticator apps take it.
pub fn new_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source works");
    data_encoding::BASE32_NOPAD.encode(&bytes)
}

fn totp(secret: &str) -> Option<TOTP> {
    let bytes = data_encoding::BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, TOTP_STEP, bytes).ok()
}

/// The code an authenticator shows at `unix_time` (for the demo account's instructions and tests).
pub fn totp_code(secret: &str, unix_time: i64) -> String {
    totp(secret).map(|t| t.generate(unix_time as u64)).unwrap_or_default()
}

/// The time step `code` belongs to, accepting one step of clock drift either way.
fn matching_step(secret: &str, code: &str, now: i64) -> Option<i64> {
    let totp = totp(secret)?;
    let step = now / TOTP_STEP as i64;
    [step - 1, step, step + 1].into_iter().find(|candidate| {
        let expected = totp.generate((*candidate * TOTP_STEP as i64) as u64);
        constant_time_eq(expected.as_bytes(), code.as_bytes())
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's recommendation), as a PHC string.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("hashing a password works").to_string()
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Creates a staff account with its roles and returns its TOTP secret (shown once, to enrol an
/// authenticator). `actor` is who created it (`system` for the command line).
pub async fn add_account(
    db: &Database,
    username: &str,
    password: &str,
    roles: &[Role],
    actor: &str,
) -> Result<String, AccountError> {
    if !valid_username(username) {
        return Err(AccountError::BadUsername);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
    }
    if roles.is_empty() {
        return Err(AccountError::NoRole);
    }
    if officers::find_account(db, username).await?.is_some() {
        return Err(AccountError::Exists(username.into()));
    }
    let secret = new_totp_secret();
    let hash = hash_blocking(password.to_string()).await;
    officers::create_account(db, username, &hash, &secret, roles, &audit::now_utc()).await?;
    let detail = format!("roles={}", role_list(roles));
    audit::append(db, &staff_action(actor, "add", username, &detail)).await?;
    Ok(secret)
}

/// Replaces a lost authenticator: a new TOTP secret for `username` (returned, to be shown once), its
/// sessions ended, the reset audited with `actor`. `None` if there is no such account.
pub async fn reset_authenticator(db: &Database, username: &str, actor: &str) -> Result<Option<String>, StorageError> {
    let secret = new_totp_secret();
    if !officers::replace_totp_secret(db, username, &secret).await? {
        return Ok(None);
    }
    audit::append(db, &staff_action(actor, "reset_authenticator", username, "")).await?;
    Ok(Some(secret))
}

async fn hash_blocking(password: String) -> String {
    tokio::task::spawn_blocking(move || hash_password(&password)).await.expect("hashing task")
}

/// The `otpauth://` URI an authenticator app scans or imports.
pub fn otpauth_uri(issuer: &str, username: &str, secret: &str) -> String {
    let (issuer, username) = (super::percent_encode(issuer), super::percent_encode(username));
    format!(
        "otpauth://totp/{issuer}:{username}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period={TOTP_STEP}"
    )
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong user name, password or code: one answer for all, so none of them can be probed alone.
    #[error("the user name, password or code is not right")]
    Invalid,
    #[error("too many failed attempts: sign-in is locked until {until} (Unix time)")]
    Locked { until: i64 },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A new session: the token to present, and when it ends if unused.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub token: String,
    pub username: String,
    pub expires_at: i64,
}

pub fn token_hash(token: &str) -> String {
    envelope::hex_lower(&Sha256::digest(token.as_bytes()))
}

/// Signs an officer in. Every outcome but success counts as a failure for `username`.
pub async fn login(db: &Database, username: &str, password: &str, code: &str, now: i64) -> Result<Session, LoginError> {
    let username = username.trim();
    // Over-long input is refused before any work; it still counts, under a bounded name.
    let key: String = username.chars().take(64).collect();
    let locked_until = officers::locked_until(db, &key).await?;
    if locked_until > now {
        return Err(LoginError::Locked { until: locked_until });
    }
    let account = if password.len() <= 1024 && valid_username(username) {
        officers::find_account(db, username).await?
    } else {
        None
    };
    // Verify a password even for unknown names, so timing does not tell which names exist.
    let (hash, secret) = match &account {
        Some(account) if !account.disabled => (account.password_hash.clone(), account.totp_secret.clone()),
        _ => (dummy_hash().to_string(), String::new()),
    };
    let password_owned = password.to_string();
    let password_ok =
        tokio::task::spawn_blocking(move || password_matches(&hash, &password_owned)).await.expect("verify task");
    let step = if password_ok && account.is_some() { matching_step(&secret, code.trim(), now) } else { None };
    let accepted = match step {
        Some(step) => officers::use_totp_step(db, username, step).await?,
        None => false,
    };
    if !accepted {
        let failures = officers::record_failure(db, &key, now, lockout_seconds).await?;
        if account.is_some() {
            let detail = format!("failures={failures}");
            audit::append(db, &staff_action(username, "login_failed", username, &detail)).await?;
        }
        return Err(LoginError::Invalid);
    }
    officers::clear_failures(db, &key).await?;
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source works");
    let token = envelope::hex_lower(&bytes);
    let expires_at = now + SESSION_IDLE_SECONDS;
    officers::create_session(db, &token_hash(&token), username, now, expires_at).await?;
    audit::append(db, &staff_action(username, "login", username, "")).await?;
    Ok(Session { token, username: username.to_string(), expires_at })
}

/// An audit entry of the staff capability.
pub fn staff_action<'a>(actor: &'a str, action: &'a str, subject: &'a str, detail: &'a str) -> Action<'a> {
    Action { capability: Capability::Staff, actor, action, subject, detail }
}

/// Roles as the audit log and messages list them: `integrity-officer,treasury`.
pub fn role_list(roles: &[Role]) -> String {
    roles.iter().map(|role| role.code()).collect::<Vec<_>>().join(",")
}

/// A valid Argon2id hash of a random password, computed once.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&app::platform::database::random_id()))
}

/// The account a session token belongs to and its roles, if the session is live (and extends it).
pub async fn authenticate(db: &Database, token: &str, now: i64) -> Result<Option<(String, Vec<Role>)>, StorageError> {
    if token.len() != 64 {
        return Ok(None);
    }
    let hash = token_hash(token);
    let session = officers::session_account(db, &hash, now, SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS).await?;
    let Some(username) = session else { return Ok(None) };
    let roles = officers::roles_of(db, &username).await?;
    Ok(Some((username, roles)))
}

pub async fn logout(db: &Database, token: &str, username: &str) -> Result<(), StorageError> {
    officers::delete_session(db, &token_hash(token)).await?;
    audit::append(db, &staff_action(username, "logout", username, "")).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_starts_at_the_fifth_failure_and_doubles_up_to_a_day() {
        assert_eq!((1..=4).map(lockout_seconds).collect::<Vec<_>>(), [0, 0, 0, 0]);
        assert_eq!(lockout_seconds(5), 900);
        assert_eq!(lockout_seconds(6), 1800);
        assert_eq!(lockout_seconds(40), LONGEST_LOCKOUT_SECONDS);
    }

    #[test]
    fn totp_matches_rfc_6238_and_accepts_one_step_of_drift() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s → 94287082 (8 digits);
        // the 6-digit code is its last six digits.
        let secret = data_encoding::BASE32_NOPAD.encode(b"12345678901234567890");
        assert_eq!(totp_code(&secret, 59), "287082");
        assert_eq!(totp_code(&secret, 1111111109), "081804");
        let now = 1_800_000_000;
        let code = totp_code(&secret, now);
        assert_eq!(matching_step(&secret, &code, now), Some(now / 30));
        assert_eq!(matching_step(&secret, &code, now + 30), Some(now / 30));
        assert_eq!(matching_step(&secret, &code, now + 90), None);
        assert_eq!(matching_step(&secret, "000000x", now), None);
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches(&hash, "correct horse battery"));
        assert!(!password_matches(&hash, "correct horse batterY"));
        assert!(!password_matches("not a hash", "x"));
    }
}
