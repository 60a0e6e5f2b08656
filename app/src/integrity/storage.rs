//! The officials the registers name. Plain `async fn(&Database, …)`; an import is one transaction with
//! its audit entry.

use super::Official;
use crate::platform::audit::{self, Capability};
use crate::platform::database::{Database, StorageError};
use sqlx::Row;

/// Stores the officials file: an id already there is updated (a new position, an end date).
pub async fn import_officials(db: &Database, actor: &str, officials: &[Official]) -> Result<usize, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    for official in officials {
        sqlx::query(
            "INSERT INTO officials (id, name, position, area, start_date, end_date) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, position = excluded.position, area = excluded.area, \
             start_date = excluded.start_date, end_date = excluded.end_date",
        )
        .bind(&official.id)
        .bind(&official.name)
        .bind(&official.position)
        .bind(&official.area)
        .bind(&official.start_date)
        .bind(official.end_date.as_deref())
        .execute(&mut *tx)
        .await?;
    }
    let detail = format!("{} officials", officials.len());
    audit::record_in(&mut tx, db, Capability::Integrity, actor, "officials", "officials", &detail).await?;
    tx.commit().await?;
    Ok(officials.len())
}

pub(crate) fn official_from(row: &sqlx::any::AnyRow) -> Result<Official, sqlx::Error> {
    Ok(Official {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        position: row.try_get("position")?,
        area: row.try_get("area")?,
        start_date: row.try_get("start_date")?,
        end_date: row.try_get("end_date")?,
    })
}

/// Every official, by name.
pub async fn officials(db: &Database) -> Result<Vec<Official>, StorageError> {
    let rows = sqlx::query("SELECT id, name, position, area, start_date, end_date FROM officials ORDER BY name, id")
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().map(official_from).collect::<Result<_, _>>()?)
}

/// One official, or none.
pub async fn official(db: &Database, id: &str) -> Result<Option<Official>, StorageError> {
    let row = sqlx::query("SELECT id, name, position, area, start_date, end_date FROM officials WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(official_from).transpose()?)
}
