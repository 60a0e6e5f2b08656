//! The integrity office's keys as the database remembers them. `Leptos.toml` says which keys are in
//! use now; the database keeps every key ever configured, so a report encrypted to a key that was
//! later retired can still be matched to it, and a key id cannot silently change meaning.

use crate::platform::database::{Database, StorageError};

/// Why the configured keys were refused.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key id {key_id:?} already belongs to another key ({stored}); a key id can never be reused")]
    KeyIdReused { key_id: String, stored: String },
    #[error("recipient {recipient} is already stored under key id {stored_key_id:?}, not {key_id:?}")]
    RecipientRenamed { recipient: String, key_id: String, stored_key_id: String },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for KeyError {
    fn from(error: sqlx::Error) -> Self {
        KeyError::Storage(StorageError::Database(error))
    }
}
use sqlx::Row;

/// A key as configured in `Leptos.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfiguredKey {
    pub key_id: String,
    pub name: String,
    /// The age X25519 recipient, `age1...`.
    pub recipient: String,
}

/// A key as stored (the officer API lists the same type).
pub use case_api::OfficeKey;

/// What one synchronisation changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncSummary {
    pub added: Vec<String>,
    pub retired: Vec<String>,
    pub reactivated: Vec<String>,
}

/// Brings the stored keys in line with the configured ones, in one transaction: new keys are added,
/// keys no longer configured are marked retired on `today` (never deleted), and a retired key that
/// is configured again becomes active. A key id that is configured with a different recipient than
/// the one stored is refused, because reports refer to keys by id.
pub async fn sync_configured_keys(
    db: &Database,
    configured: &[ConfiguredKey],
    today: &str,
) -> Result<SyncSummary, KeyError> {
    let mut tx = db.begin_write().await?;
    let stored = list_in(&mut tx).await?;
    let mut summary = SyncSummary::default();

    for key in configured {
        if let Some(existing) = stored.iter().find(|s| s.key_id == key.key_id) {
            if existing.recipient != key.recipient {
                return Err(KeyError::KeyIdReused { key_id: key.key_id.clone(), stored: existing.recipient.clone() });
            }
            if existing.retired_on.is_some() {
                sqlx::query("UPDATE office_keys SET retired_on = NULL, name = $1 WHERE key_id = $2")
                    .bind(&key.name)
                    .bind(&key.key_id)
                    .execute(&mut *tx)
                    .await?;
                summary.reactivated.push(key.key_id.clone());
            } else if existing.name != key.name {
                sqlx::query("UPDATE office_keys SET name = $1 WHERE key_id = $2")
                    .bind(&key.name)
                    .bind(&key.key_id)
                    .execute(&mut *tx)
                    .await?;
            }
        } else if let Some(existing) = stored.iter().find(|s| s.recipient == key.recipient) {
            return Err(KeyError::RecipientRenamed {
                recipient: key.recipient.clone(),
                key_id: key.key_id.clone(),
                stored_key_id: existing.key_id.clone(),
            });
        } else {
            sqlx::query(
                "INSERT INTO office_keys (key_id, name, recipient, first_configured_on) VALUES ($1, $2, $3, $4)",
            )
            .bind(&key.key_id)
            .bind(&key.name)
            .bind(&key.recipient)
            .bind(today)
            .execute(&mut *tx)
            .await?;
            summary.added.push(key.key_id.clone());
        }
    }

    for key in stored.iter().filter(|s| s.retired_on.is_none()) {
        if !configured.iter().any(|c| c.key_id == key.key_id) {
            sqlx::query("UPDATE office_keys SET retired_on = $1 WHERE key_id = $2")
                .bind(today)
                .bind(&key.key_id)
                .execute(&mut *tx)
                .await?;
            summary.retired.push(key.key_id.clone());
        }
    }

    tx.commit().await?;
    Ok(summary)
}

/// Every key ever configured, active ones first, then by key id.
pub async fn list_office_keys(db: &Database) -> Result<Vec<OfficeKey>, StorageError> {
    let mut conn = db.pool().acquire().await?;
    list_in(&mut conn).await
}

async fn list_in(conn: &mut sqlx::AnyConnection) -> Result<Vec<OfficeKey>, StorageError> {
    let rows = sqlx::query(
        "SELECT key_id, name, recipient, first_configured_on, retired_on FROM office_keys \
         ORDER BY CASE WHEN retired_on IS NULL THEN 0 ELSE 1 END, key_id",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(OfficeKey {
                key_id: row.try_get("key_id")?,
                name: row.try_get("name")?,
                recipient: row.try_get("recipient")?,
                first_configured_on: row.try_get("first_configured_on")?,
                retired_on: row.try_get("retired_on")?,
            })
        })
        .collect()
}
