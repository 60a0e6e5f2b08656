//! Reports as stored: ciphertext, the office key ids, the receipt's lookup hash and reply key, the day
//! of receipt and a status. Nothing else about the reporter exists to be stored.

use crate::platform::database::{Database, StorageError, random_bytes, random_id};
use crate::platform::files::StoredObject;
use sqlx::Row;
use std::collections::HashSet;

pub use envelope::report::EncryptedIn;

/// Why a report was not stored.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the report was encrypted to a different set of office keys than the active one")]
    RecipientsChanged,
    #[error("another report already has this lookup hash")]
    LookupHashTaken,
    #[error("a group of reports could not be committed: {0}")]
    GroupNotCommitted(String),
    #[error("the report writer has stopped")]
    WriterStopped,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for ReportError {
    fn from(error: sqlx::Error) -> Self {
        ReportError::Storage(StorageError::Database(error))
    }
}

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
pub async fn insert_report(db: &Database, report: &NewReport) -> Result<String, ReportError> {
    insert_group(db, std::slice::from_ref(report)).await.pop().expect("one outcome per report")
}

/// Stores reports in one transaction: one commit (one fsync) for the group, while a report refused or
/// failing on its own is rolled back alone. The outcomes come in the order of `reports`; if the group
/// cannot commit, every report gets the error and none is stored.
///
/// The rows go in with a few multi-row statements for the whole group (a statement per report and
/// table was most of the writer's time: about 1,000 reports a second). A report whose lookup hash is
/// taken is skipped by the statement itself; any other failure rolls the group back and stores it
/// again one report at a time, each in a savepoint, so that only the failing report is refused.
pub async fn insert_group(db: &Database, reports: &[NewReport]) -> Vec<Result<String, ReportError>> {
    match write_group(db, reports, Rows::AllAtOnce).await {
        Err(GroupFailure::Statement(_)) => {
            write_group(db, reports, Rows::OneByOne).await.unwrap_or_else(|failure| group_failed(reports, &failure))
        }
        outcome => outcome.unwrap_or_else(|failure| group_failed(reports, &failure)),
    }
}

/// Why a group stored nothing: a statement failed (the group may be tried again, report by report),
/// or the transaction itself could not begin or commit.
#[derive(Debug, thiserror::Error)]
enum GroupFailure {
    #[error("{0}")]
    Statement(sqlx::Error),
    #[error("{0}")]
    Transaction(StorageError),
}

fn group_failed(reports: &[NewReport], failure: &GroupFailure) -> Vec<Result<String, ReportError>> {
    reports.iter().map(|_| Err(ReportError::GroupNotCommitted(failure.to_string()))).collect()
}

type Outcomes = Vec<Result<String, ReportError>>;

/// How a group's rows are written.
enum Rows {
    /// [`insert_all_at_once`]
    AllAtOnce,
    /// [`insert_one_by_one`]
    OneByOne,
}

/// One transaction for the group: the reports whose key ids are the active keys are written (the
/// others are refused `RecipientsChanged`), then it commits.
async fn write_group(db: &Database, reports: &[NewReport], rows: Rows) -> Result<Outcomes, GroupFailure> {
    let mut tx = db.begin_write().await.map_err(|error| GroupFailure::Transaction(error.into()))?;
    let active = active_key_ids(&mut tx).await.map_err(GroupFailure::Transaction)?;
    let mut outcomes: Vec<Option<Result<String, ReportError>>> = reports.iter().map(|_| None).collect();
    let mut valid = Vec::with_capacity(reports.len());
    for (index, report) in reports.iter().enumerate() {
        let declared: HashSet<&String> = report.key_ids.iter().collect();
        if declared.len() == report.key_ids.len()
            && declared.len() == active.len()
            && declared.iter().all(|k| active.contains(*k))
        {
            valid.push((index, report));
        } else {
            outcomes[index] = Some(Err(ReportError::RecipientsChanged));
        }
    }
    let stored = match rows {
        Rows::AllAtOnce => insert_all_at_once(&mut tx, &valid).await,
        Rows::OneByOne => insert_one_by_one(&mut tx, &valid).await,
    }
    .map_err(GroupFailure::Statement)?;
    for ((index, _), outcome) in valid.iter().zip(stored) {
        outcomes[*index] = Some(outcome);
    }
    tx.commit().await.map_err(|error| GroupFailure::Transaction(error.into()))?;
    Ok(outcomes.into_iter().map(|outcome| outcome.expect("an outcome for every report")).collect())
}

/// The most parameters one statement binds (SQLite's limit is 32,766 since 3.32; PostgreSQL's 65,535).
const MAX_PARAMETERS: usize = 900;

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// `INSERT INTO {table} VALUES (…), (…) {tail}` for `rows`, as many rows a statement as
/// [`MAX_PARAMETERS`] allows, `bind` binding one row's values (the number of `$n` placeholders per row is
/// the number of columns named in `table`); the rows the statements returned.
async fn insert_rows<T>(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    tail: &str,
    rows: &[T],
    bind: impl for<'q> Fn(Query<'q>, &'q T) -> Query<'q>,
) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    let columns = table.matches(',').count() + 1;
    let mut returned = Vec::new();
    for chunk in rows.chunks(MAX_PARAMETERS / columns) {
        let placeholders = (0..chunk.len())
            .map(|r| {
                format!("({})", (1..=columns).map(|c| format!("${}", r * columns + c)).collect::<Vec<_>>().join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO {table} VALUES {placeholders} {tail}");
        let query = chunk.iter().fold(sqlx::query(&sql), &bind);
        returned.extend(query.fetch_all(&mut **tx).await?);
    }
    Ok(returned)
}

/// The group's rows in a few statements. A report whose lookup hash another report has (stored, or
/// earlier in the group) is skipped by `ON CONFLICT` and refused `LookupHashTaken`.
async fn insert_all_at_once(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    reports: &[(usize, &NewReport)],
) -> Result<Outcomes, sqlx::Error> {
    let ids: Vec<String> = reports.iter().map(|_| random_id()).collect();
    let rows: Vec<(&String, &NewReport)> = ids.iter().zip(reports.iter().map(|(_, report)| *report)).collect();
    let returned = insert_rows(
        tx,
        "reports (id, received_on, lookup_hash, reply_recipient, encrypted_in)",
        "ON CONFLICT (lookup_hash) DO NOTHING RETURNING id",
        &rows,
        |query, (id, report)| {
            query
                .bind(*id)
                .bind(&report.received_on)
                .bind(&report.lookup_hash)
                .bind(&report.reply_recipient)
                .bind(report.encrypted_in.as_str())
        },
    )
    .await?;
    let stored = returned.iter().map(|row| row.try_get::<String, _>(0)).collect::<Result<HashSet<_>, _>>()?;
    let rows: Vec<(&String, &NewReport)> = rows.into_iter().filter(|(id, _)| stored.contains(*id)).collect();
    insert_rows(tx, "report_ciphertexts (slot, report_id, ciphertext)", "", &rows, |query, (id, report)| {
        query.bind(random_slot()).bind(*id).bind(&report.ciphertext)
    })
    .await?;
    let recipients: Vec<(&String, &String)> =
        rows.iter().flat_map(|(id, report)| report.key_ids.iter().map(move |key_id| (*id, key_id))).collect();
    insert_rows(tx, "report_recipients (report_id, key_id)", "", &recipients, |query, (id, key_id)| {
        query.bind(*id).bind(*key_id)
    })
    .await?;
    let attachments: Vec<(&String, usize, &StoredObject)> = rows
        .iter()
        .flat_map(|(id, report)| {
            report.attachments.iter().enumerate().map(move |(position, object)| (*id, position, object))
        })
        .collect();
    insert_rows(
        tx,
        "report_attachments (report_id, position, object_name, ciphertext_len)",
        "",
        &attachments,
        |query, (id, position, object)| {
            query.bind(*id).bind(*position as i64).bind(&object.name).bind(object.len as i64)
        },
    )
    .await?;
    Ok(ids
        .into_iter()
        .map(|id| if stored.contains(&id) { Ok(id) } else { Err(ReportError::LookupHashTaken) })
        .collect())
}

/// Each report in a savepoint of its own, so that one failing rolls back alone.
async fn insert_one_by_one(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    reports: &[(usize, &NewReport)],
) -> Result<Outcomes, sqlx::Error> {
    let mut outcomes = Vec::with_capacity(reports.len());
    for (_, report) in reports {
        outcomes.push(insert_in_savepoint(tx, report).await);
    }
    Ok(outcomes)
}

async fn active_key_ids(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<HashSet<String>, StorageError> {
    let rows = sqlx::query("SELECT key_id FROM office_keys WHERE retired_on IS NULL").fetch_all(&mut **tx).await?;
    Ok(rows.iter().map(|row| row.try_get::<String, _>(0)).collect::<Result<_, _>>()?)
}

/// One report's rows inside the group's transaction, rolled back alone if any of them fails.
async fn insert_in_savepoint(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report: &NewReport,
) -> Result<String, ReportError> {
    use sqlx::Acquire;
    let mut savepoint = tx.begin().await?;
    let id = random_id();
    sqlx::query(
        "INSERT INTO reports (id, received_on, lookup_hash, reply_recipient, encrypted_in) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(&report.received_on)
    .bind(&report.lookup_hash)
    .bind(&report.reply_recipient)
    .bind(report.encrypted_in.as_str())
    .execute(&mut *savepoint)
    .await
    .map_err(|error| match &error {
        // The id is 128 random bits, so the unique column that can clash is the lookup hash: a client
        // that sent the same one twice, which is its fault, not the server's.
        sqlx::Error::Database(database) if database.is_unique_violation() => ReportError::LookupHashTaken,
        _ => ReportError::Storage(StorageError::Database(error)),
    })?;
    sqlx::query("INSERT INTO report_ciphertexts (slot, report_id, ciphertext) VALUES ($1, $2, $3)")
        .bind(random_slot())
        .bind(&id)
        .bind(&report.ciphertext)
        .execute(&mut *savepoint)
        .await?;
    for key_id in &report.key_ids {
        sqlx::query("INSERT INTO report_recipients (report_id, key_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(key_id)
            .execute(&mut *savepoint)
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
        .execute(&mut *savepoint)
        .await?;
    }
    savepoint.commit().await?;
    Ok(id)
}

/// A random key for a report's ciphertext row (`report_ciphertexts.slot`), so that rows are stored in no
/// arrival order. Two of them clash with odds of 2^-64 a pair; the clash fails the statement, and the
/// group is stored again one report at a time.
fn random_slot() -> i64 {
    i64::from_le_bytes(random_bytes())
}

/// The largest group one commit takes: bounds a transaction's size (about 1 MiB of ciphertext a report
/// at most) while a flood waits for the next.
const MAX_GROUP: usize = 256;

/// A report waiting for its group's commit, and where its outcome goes.
type Queued = (NewReport, tokio::sync::oneshot::Sender<Result<String, ReportError>>);

/// Group commit: submissions hand their reports to one writer task, which stores whatever has arrived
/// while the previous group was committing in one transaction ([`insert_group`]). A commit on SQLite
/// with `synchronous = FULL` waits for an fsync; one per group instead of one per report lets many
/// reporters share it, and the lone writer never waits for the write lock. Each outcome is sent only
/// once its group is durable, so an acknowledged report is on disk.
#[derive(Clone, Debug)]
pub struct ReportWriter {
    queue: tokio::sync::mpsc::Sender<Queued>,
}

impl ReportWriter {
    /// Starts the writer task on the current Tokio runtime; it ends when every handle is dropped.
    pub fn start(db: Database) -> Self {
        let (queue, mut arrivals) = tokio::sync::mpsc::channel::<Queued>(4 * MAX_GROUP);
        tokio::spawn(async move {
            let mut group = Vec::with_capacity(MAX_GROUP);
            while arrivals.recv_many(&mut group, MAX_GROUP).await > 0 {
                let (reports, replies): (Vec<NewReport>, Vec<_>) = group.drain(..).unzip();
                let outcomes = insert_group(&db, &reports).await;
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    // The submission may have gone (its client left): the report is stored all the same.
                    let _ = reply.send(outcome);
                }
            }
        });
        Self { queue }
    }

    /// Stores a report with the next group; returns its id once the group is committed.
    pub async fn insert(&self, report: NewReport) -> Result<String, ReportError> {
        let (reply, outcome) = tokio::sync::oneshot::channel();
        self.queue.send((report, reply)).await.map_err(|_| ReportError::WriterStopped)?;
        outcome.await.map_err(|_| ReportError::WriterStopped)?
    }
}

/// Every report, by id (random, so in no meaningful order).
pub async fn list_reports(db: &Database) -> Result<Vec<StoredReport>, StorageError> {
    let rows = sqlx::query(
        "SELECT r.id, r.received_on, r.status, r.lookup_hash, r.reply_recipient, r.encrypted_in, c.ciphertext \
         FROM reports r JOIN report_ciphertexts c ON c.report_id = r.id ORDER BY r.id",
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
