//! The office's side of each report: status, triaged category, dates, and the conversation with the
//! reporter. Every change an officer makes is audited in the same transaction.

use crate::cases::{CaseStatus, CaseSummary, MessageRef, ObjectRef, deadlines};
use crate::platform::audit::{self, Action, Capability};
use crate::platform::database::{Database, StorageError, random_id};
use crate::platform::files::StoredObject;
use envelope::message::Author;
use sqlx::Row;

const SUMMARY_COLUMNS: &str = "r.id, r.received_on, r.status, r.category, r.acknowledged_on, r.feedback_on, r.closed_on, \
     (SELECT COUNT(*) FROM case_messages m WHERE m.report_id = r.id)";

fn summary_from(row: &sqlx::any::AnyRow, key_ids: Vec<String>, today: &str) -> Result<CaseSummary, StorageError> {
    let received_on: String = row.try_get(1)?;
    let acknowledged_on: Option<String> = row.try_get(4)?;
    let feedback_on: Option<String> = row.try_get(5)?;
    let due = deadlines::work_out(&received_on, acknowledged_on.as_deref(), feedback_on.as_deref(), today);
    Ok(CaseSummary {
        id: row.try_get(0)?,
        received_on,
        status: CaseStatus::parse(&row.try_get::<String, _>(2)?).unwrap_or_default(),
        category: row.try_get(3)?,
        acknowledged_on,
        feedback_on,
        closed_on: row.try_get(6)?,
        acknowledgement_due: due.acknowledgement_due,
        feedback_due: due.feedback_due,
        acknowledgement_overdue: due.acknowledgement_overdue,
        feedback_overdue: due.feedback_overdue,
        messages: row.try_get::<i64, _>(7)? as u32,
        key_ids,
    })
}

/// Every case, newest day first (within a day in id order, which is random), with deadlines as of `today`.
pub async fn list_cases(db: &Database, today: &str) -> Result<Vec<CaseSummary>, StorageError> {
    let rows = sqlx::query(&format!("SELECT {SUMMARY_COLUMNS} FROM reports r ORDER BY r.received_on DESC, r.id"))
        .fetch_all(db.pool())
        .await?;
    let recipients = sqlx::query("SELECT report_id, key_id FROM report_recipients ORDER BY report_id, key_id")
        .fetch_all(db.pool())
        .await?;
    let mut key_ids: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for row in recipients {
        key_ids.entry(row.try_get(0)?).or_default().push(row.try_get(1)?);
    }
    rows.iter()
        .map(|row| {
            let id: String = row.try_get(0)?;
            summary_from(row, key_ids.remove(&id).unwrap_or_default(), today)
        })
        .collect()
}

pub async fn find_case(db: &Database, id: &str, today: &str) -> Result<Option<CaseSummary>, StorageError> {
    let Some(row) = sqlx::query(&format!("SELECT {SUMMARY_COLUMNS} FROM reports r WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let key_ids = sqlx::query("SELECT key_id FROM report_recipients WHERE report_id = $1 ORDER BY key_id")
        .bind(id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(summary_from(&row, key_ids, today)?))
}

/// The case whose receipt hashes to `lookup_hash`.
pub async fn case_id_by_lookup_hash(db: &Database, lookup_hash: &str) -> Result<Option<String>, StorageError> {
    Ok(sqlx::query("SELECT id FROM reports WHERE lookup_hash = $1")
        .bind(lookup_hash)
        .fetch_optional(db.pool())
        .await?
        .map(|row| row.try_get::<String, _>(0))
        .transpose()?)
}

/// A case's files as the officer tool downloads them: lengths and object names, no ciphertext.
pub struct CaseFiles {
    pub reply_recipient: String,
    pub report_len: u64,
    pub attachments: Vec<ObjectRef>,
    pub messages: Vec<MessageRef>,
}

const REPORT_OBJECTS: &str =
    "SELECT object_name, ciphertext_len FROM report_attachments WHERE report_id = $1 ORDER BY position";
const MESSAGE_OBJECTS: &str =
    "SELECT object_name, ciphertext_len FROM message_attachments WHERE message_id = $1 ORDER BY position";

fn refs(objects: Vec<StoredObject>) -> Vec<ObjectRef> {
    objects.into_iter().map(|o| ObjectRef { object: o.name, len: o.len }).collect()
}

pub async fn case_files(db: &Database, id: &str) -> Result<Option<CaseFiles>, StorageError> {
    let Some(row) = sqlx::query(
        "SELECT reply_recipient, CAST(LENGTH(ciphertext) AS BIGINT) FROM report_ciphertexts c \
                     JOIN reports r ON r.id = c.report_id WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let rows = sqlx::query(
        "SELECT id, author, sent_on, CAST(LENGTH(ciphertext) AS BIGINT) FROM case_messages WHERE report_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let mut messages = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get(0)?;
        messages.push(MessageRef {
            attachments: refs(objects_of(db, MESSAGE_OBJECTS, &id).await?),
            author: author_from(&row)?,
            sent_on: row.try_get(2)?,
            len: row.try_get::<i64, _>(3)? as u64,
            id,
        });
    }
    Ok(Some(CaseFiles {
        reply_recipient: row.try_get(0)?,
        report_len: row.try_get::<i64, _>(1)? as u64,
        attachments: refs(objects_of(db, REPORT_OBJECTS, id).await?),
        messages,
    }))
}

/// The report's age file.
pub async fn report_ciphertext(db: &Database, id: &str) -> Result<Option<Vec<u8>>, StorageError> {
    Ok(sqlx::query("SELECT ciphertext FROM report_ciphertexts WHERE report_id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .map(|row| row.try_get(0))
        .transpose()?)
}

/// One message's age file, if it belongs to the case.
pub async fn message_ciphertext(
    db: &Database,
    report_id: &str,
    message_id: &str,
) -> Result<Option<Vec<u8>>, StorageError> {
    Ok(sqlx::query("SELECT ciphertext FROM case_messages WHERE report_id = $1 AND id = $2")
        .bind(report_id)
        .bind(message_id)
        .fetch_optional(db.pool())
        .await?
        .map(|row| row.try_get(0))
        .transpose()?)
}

fn author_from(row: &sqlx::any::AnyRow) -> Result<Author, StorageError> {
    Ok(Author::parse(&row.try_get::<String, _>(1)?).unwrap_or(Author::Reporter))
}

async fn objects_of(db: &Database, sql: &str, id: &str) -> Result<Vec<StoredObject>, StorageError> {
    sqlx::query(sql)
        .bind(id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok(StoredObject { name: r.try_get(0)?, len: r.try_get::<i64, _>(1)? as u64 }))
        .collect()
}

/// What an officer changes on a case. `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct CaseUpdate {
    pub status: Option<CaseStatus>,
    pub category: Option<String>,
    /// A day feedback was given outside the portal (a letter, a call).
    pub feedback_on: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("no such case")]
    NotFound,
    #[error("a case cannot go back to 'received'")]
    BackToReceived,
    #[error("feedback cannot be given before the report was received")]
    FeedbackBeforeReceipt,
    #[error("an update must change the status, the category or the feedback day")]
    EmptyUpdate,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for CaseError {
    fn from(error: sqlx::Error) -> Self {
        CaseError::Storage(error.into())
    }
}

/// Applies an officer's update and audits it, in one transaction. Any status past 'received' counts as
/// the acknowledgement (on `today`, if none was recorded); 'closed' records the day it closed.
pub async fn update_case(
    db: &Database,
    id: &str,
    update: &CaseUpdate,
    officer: &str,
    today: &str,
) -> Result<CaseSummary, CaseError> {
    if update.status == Some(CaseStatus::Received) {
        return Err(CaseError::BackToReceived);
    }
    if update.status.is_none() && update.category.is_none() && update.feedback_on.is_none() {
        return Err(CaseError::EmptyUpdate);
    }
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let Some(row) = sqlx::query(
        "SELECT status, category, acknowledged_on, feedback_on, closed_on, received_on FROM reports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Err(CaseError::NotFound);
    };
    let mut status: String = row.try_get(0)?;
    let mut category: Option<String> = row.try_get(1)?;
    let mut acknowledged_on: Option<String> = row.try_get(2)?;
    let mut feedback_on: Option<String> = row.try_get(3)?;
    let mut closed_on: Option<String> = row.try_get(4)?;
    let received_on: String = row.try_get(5)?;
    // Both are canonical YYYY-MM-DD, so they compare as text.
    if update.feedback_on.as_ref().is_some_and(|day| *day < received_on) {
        return Err(CaseError::FeedbackBeforeReceipt);
    }
    let mut changes = Vec::new();
    if let Some(new_status) = update.status {
        status = new_status.as_str().to_string();
        changes.push(format!("status={status}"));
        if acknowledged_on.is_none() {
            acknowledged_on = Some(today.to_string());
        }
        closed_on = (new_status == CaseStatus::Closed).then(|| closed_on.unwrap_or_else(|| today.to_string()));
    }
    if let Some(new_category) = &update.category {
        category = Some(new_category.clone());
        changes.push(format!("category={new_category}"));
    }
    if let Some(day) = &update.feedback_on {
        feedback_on = Some(day.clone());
        changes.push(format!("feedback_on={day}"));
    }
    sqlx::query("UPDATE reports SET status = $1, category = $2, acknowledged_on = $3, feedback_on = $4, closed_on = $5 WHERE id = $6")
        .bind(&status)
        .bind(&category)
        .bind(&acknowledged_on)
        .bind(&feedback_on)
        .bind(&closed_on)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let detail = changes.join(" ");
    audit::append_in(
        &mut tx,
        db.backend(),
        &Action { capability: Capability::Cases, actor: officer, action: "update", subject: id, detail: &detail },
    )
    .await?;
    tx.commit().await?;
    drop(_guard);
    find_case(db, id, today).await?.ok_or(CaseError::NotFound)
}

/// A message to store; its attachments are already durable in the object store.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub report_id: String,
    pub author: Author,
    pub sent_on: String,
    pub ciphertext: Vec<u8>,
    pub attachments: Vec<StoredObject>,
}

/// A stored message (ciphertext and its attachments' objects).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: String,
    pub author: Author,
    pub sent_on: String,
    pub ciphertext: Vec<u8>,
    pub attachments: Vec<StoredObject>,
}

/// Stores a message. An office reply (`officer` is who sent it, audited in the same transaction)
/// acknowledges an unacknowledged case and is the first feedback if none was recorded.
pub async fn add_message(db: &Database, message: &NewMessage, officer: Option<&str>) -> Result<String, CaseError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let Some(row) = sqlx::query(
        "SELECT status, (SELECT COALESCE(MAX(position), -1) FROM case_messages WHERE report_id = $1) \
         FROM reports WHERE id = $1",
    )
    .bind(&message.report_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Err(CaseError::NotFound);
    };
    let status: String = row.try_get(0)?;
    let position = row.try_get::<i64, _>(1)? + 1;
    let id = random_id();
    sqlx::query("INSERT INTO case_messages (id, report_id, position, author, sent_on, ciphertext) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(&message.report_id)
        .bind(position)
        .bind(message.author.as_str())
        .bind(&message.sent_on)
        .bind(&message.ciphertext)
        .execute(&mut *tx)
        .await?;
    for (position, object) in message.attachments.iter().enumerate() {
        sqlx::query("INSERT INTO message_attachments (message_id, position, object_name, ciphertext_len) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(position as i64)
            .bind(&object.name)
            .bind(object.len as i64)
            .execute(&mut *tx)
            .await?;
    }
    if message.author == Author::Office {
        let new_status =
            if status == CaseStatus::Received.as_str() { CaseStatus::Acknowledged.as_str() } else { status.as_str() };
        sqlx::query(
            "UPDATE reports SET status = $1, acknowledged_on = COALESCE(acknowledged_on, $2), \
             feedback_on = COALESCE(feedback_on, $2) WHERE id = $3",
        )
        .bind(new_status)
        .bind(&message.sent_on)
        .bind(&message.report_id)
        .execute(&mut *tx)
        .await?;
        let detail = format!("message={id} attachments={}", message.attachments.len());
        let actor = officer.unwrap_or("unknown");
        audit::append_in(
            &mut tx,
            db.backend(),
            &Action {
                capability: Capability::Cases,
                actor,
                action: "reply",
                subject: &message.report_id,
                detail: &detail,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A case's messages in the order they were sent.
pub async fn messages_of(db: &Database, report_id: &str) -> Result<Vec<StoredMessage>, StorageError> {
    let rows =
        sqlx::query("SELECT id, author, sent_on, ciphertext FROM case_messages WHERE report_id = $1 ORDER BY position")
            .bind(report_id)
            .fetch_all(db.pool())
            .await?;
    let mut messages = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get(0)?;
        let attachments = objects_of(db, MESSAGE_OBJECTS, &id).await?;
        messages.push(StoredMessage {
            author: author_from(&row)?,
            sent_on: row.try_get(2)?,
            ciphertext: row.try_get(3)?,
            attachments,
            id,
        });
    }
    Ok(messages)
}

/// Whether `object_name` is an attachment of the case `report_id` (of its report or one of its messages).
pub async fn case_has_object(db: &Database, report_id: &str, object_name: &str) -> Result<bool, StorageError> {
    let found = sqlx::query(
        "SELECT 1 FROM report_attachments WHERE report_id = $1 AND object_name = $2 \
         UNION ALL SELECT 1 FROM message_attachments a JOIN case_messages m ON m.id = a.message_id \
         WHERE m.report_id = $1 AND a.object_name = $2",
    )
    .bind(report_id)
    .bind(object_name)
    .fetch_optional(db.pool())
    .await?;
    Ok(found.is_some())
}
