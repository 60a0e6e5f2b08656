//! Reports as stored: ciphertext, the office key ids, the receipt's lookup hash and reply key, the day
//! of receipt and a status. Nothing else about the reporter exists to be stored.

use super::objects::StoredObject;
use super::{Database, StorageError, random_id};
use sqlx::Row;
use std::collections::HashSet;

pub use envelope::report::EncryptedIn;

/// A report ready to be stored; its attachments are already durable in the object store.
#[derive(Clone, Debug)]
pub struct NewReport {
    pub received_on: String,
    pub lookup_hash: String,
    pub reply_recipient: String,
    pub encrypted_in: EncryptedIn,
    pub ciphertext: Vec<u8>,
    pub key_ids: Vec<String>,
    pub attachments: Vec<StoredObject>,
}

/// A stored report's metadata and ciphertext.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReport {
    pub id: String,
    pub received_on: String,
    pub status: String,
    pub lookup_hash: String,
    pub reply_recipient: String,
    pub encrypted_in: String,
    pub ciphertext: Vec<u8>,
    pub key_ids: Vec<String>,
    pub attachments: Vec<StoredObject>,
}

/// Stores a report with its recipients and attachments in one transaction: all of it or none. The
/// key ids must be exactly the office keys active now, so no report is encrypted to a stale set.
pub async fn insert_report(db: &Database, report: &NewReport) -> Result<String, StorageError> {
    let mut tx = db.begin_write().await?;
    let active: HashSet<String> = sqlx::query("SELECT key_id FROM office_keys WHERE retired_on IS NULL")
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| row.try_get::<String, _>(0))
        .collect::<Result<_, _>>()?;
    let declared: HashSet<String> = report.key_ids.iter().cloned().collect();
    if declared != active || declared.len() != report.key_ids.len() {
        return Err(StorageError::RecipientsChanged);
    }
    let id = random_id();
    sqlx::query(
        "INSERT INTO reports (id, received_on, lookup_hash, reply_recipient, encrypted_in, ciphertext) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&report.received_on)
    .bind(&report.lookup_hash)
    .bind(&report.reply_recipient)
    .bind(report.encrypted_in.as_str())
    .bind(&report.ciphertext)
    .execute(&mut *tx)
    .await?;
    for key_id in &report.key_ids {
        sqlx::query("INSERT INTO report_recipients (report_id, key_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(key_id)
            .execute(&mut *tx)
            .await?;
    }
    for (position, object) in report.attachments.iter().enumerate() {
        sqlx::query(
            "INSERT INTO report_attachments (report_id, position, object_name, ciphertext_len) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(position as i64)
        .bind(&object.name)
        .bind(object.len as i64)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Every report, by id (random, so in no meaningful order).
pub async fn list_reports(db: &Database) -> Result<Vec<StoredReport>, StorageError> {
    let rows = sqlx::query(
        "SELECT id, received_on, status, lookup_hash, reply_recipient, encrypted_in, ciphertext FROM reports ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut reports = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get(0)?;
        let key_ids = sqlx::query("SELECT key_id FROM report_recipients WHERE report_id = $1 ORDER BY key_id")
            .bind(&id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<Vec<_>, _>>()?;
        let attachments = sqlx::query(
            "SELECT object_name, ciphertext_len FROM report_attachments WHERE report_id = $1 ORDER BY position",
        )
        .bind(&id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok(StoredObject { name: r.try_get(0)?, len: r.try_get::<i64, _>(1)? as u64 }))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        reports.push(StoredReport {
            id,
            received_on: row.try_get(1)?,
            status: row.try_get(2)?,
            lookup_hash: row.try_get(3)?,
            reply_recipient: row.try_get(4)?,
            encrypted_in: row.try_get(5)?,
            ciphertext: row.try_get(6)?,
            key_ids,
            attachments,
        });
    }
    Ok(reports)
}

pub async fn count_reports(db: &Database) -> Result<i64, StorageError> {
    Ok(sqlx::query("SELECT COUNT(*) FROM reports").fetch_one(db.pool()).await?.try_get(0)?)
}

/// The attachment files of reports received, and messages sent, on either of `days` (YYYY-MM-DD).
pub async fn objects_of_days(db: &Database, days: [&str; 2]) -> Result<Vec<String>, StorageError> {
    sqlx::query(
        "SELECT a.object_name FROM report_attachments a JOIN reports r ON r.id = a.report_id \
         WHERE r.received_on IN ($1, $2) \
         UNION ALL SELECT a.object_name FROM message_attachments a JOIN case_messages m ON m.id = a.message_id \
         WHERE m.sent_on IN ($3, $4)",
    )
    .bind(days[0])
    .bind(days[1])
    .bind(days[0])
    .bind(days[1])
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|row| Ok(row.try_get::<String, _>(0)?))
    .collect()
}

/// The names of all attachment objects reports and messages refer to, for sweeping orphans at start.
pub async fn referenced_objects(db: &Database) -> Result<HashSet<String>, StorageError> {
    sqlx::query("SELECT object_name FROM report_attachments UNION ALL SELECT object_name FROM message_attachments")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|row| Ok(row.try_get::<String, _>(0)?))
        .collect()
}
