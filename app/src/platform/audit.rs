//! The audit log's storage: entries are appended inside the transaction of the action they record,
//! so an action and its entry commit together or not at all.

use super::database::{Backend, Database, StorageError};
use envelope::audit::AuditEntry;
use sqlx::Row;

/// The capability an action belongs to: the first part of its recorded name (`cases.update`), so the
/// chain can be read, and filtered, by department.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capability {
    /// Reporting: the integrity office's keys, as configured.
    Reporting,
    /// Whistleblower cases: pulls, updates, replies.
    Cases,
    /// Staff accounts: sign-in, sign-out, accounts and roles.
    Staff,
    /// Transparency: imports of published data.
    Transparency,
    /// The front desk: filings, staff actions on expedientes, the holiday calendar.
    Tramites,
    /// Taxes and payments: imports of tax items, payments applied, refunds.
    Treasury,
    /// Civil registry: records imported, certificates requested, issued and revoked.
    CivilRegistry,
    /// Participation: census imports, polls created and questions added (never a token or a ballot).
    Participation,
    /// Council sessions: members, sessions, items and votes entered or imported.
    Council,
    /// The officials the integrity registers name.
    Integrity,
    /// The visits registry and official agendas.
    Visits,
    /// Interest affidavits.
    Affidavits,
    /// Requests for quotation: tenders published, openings (never a bid's contents).
    Procurement,
    /// Alerts that join the registers: the integrity office's reviews.
    Alerts,
}

impl Capability {
    pub fn code(self) -> &'static str {
        match self {
            Capability::Reporting => "reporting",
            Capability::Cases => "cases",
            Capability::Staff => "staff",
            Capability::Transparency => "transparency",
            Capability::Tramites => "tramites",
            Capability::Treasury => "treasury",
            Capability::CivilRegistry => "civil_registry",
            Capability::Participation => "participation",
            Capability::Council => "council",
            Capability::Integrity => "integrity",
            Capability::Visits => "visits",
            Capability::Affidavits => "affidavits",
            Capability::Procurement => "procurement",
            Capability::Alerts => "alerts",
        }
    }
}

/// An action to record: who did what, in which capability, to which subject. It is recorded as
/// `{capability}.{action}`.
#[derive(Clone, Debug)]
pub struct Action<'a> {
    pub capability: Capability,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

impl Action<'_> {
    /// The name the entry records: `cases.update`, `staff.login`.
    pub fn name(&self) -> String {
        format!("{}.{}", self.capability.code(), self.action)
    }
}

/// Serialises appends within this process: two transactions must not both extend the same head.
/// Across PostgreSQL servers the table lock below does the same.
static APPEND: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Holds the append lock for the length of an audited transaction.
pub async fn lock() -> tokio::sync::MutexGuard<'static, ()> {
    APPEND.lock().await
}

/// The current time in UTC, RFC 3339 to the second: when an officer acted.
pub fn now_utc() -> String {
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).expect("valid nanosecond");
    now.format(&time::format_description::well_known::Rfc3339).expect("formattable time")
}

/// Appends an entry for `capability` inside a write transaction (the caller holds [`lock`]).
pub async fn record_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    database: &Database,
    capability: Capability,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), StorageError> {
    append_in(tx, database.backend(), &Action { capability, actor, action, subject, detail }).await.map(drop)
}

/// Appends an entry inside `conn`'s transaction (the caller holds [`lock`]).
pub async fn append_in(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    action: &Action<'_>,
) -> Result<AuditEntry, StorageError> {
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE").execute(&mut *conn).await?;
    }
    let last = sqlx::query(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| entry_from(&row))
    .transpose()?;
    let entry = AuditEntry::next(last.as_ref(), now_utc(), action.actor, &action.name(), action.subject, action.detail);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry.seq as i64)
    .bind(&entry.at)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.detail)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *conn)
    .await?;
    Ok(entry)
}

/// Appends an entry in a transaction of its own.
pub async fn append(db: &Database, action: &Action<'_>) -> Result<AuditEntry, StorageError> {
    let _guard = lock().await;
    let mut tx = db.begin_write().await?;
    let entry = append_in(&mut tx, db.backend(), action).await?;
    tx.commit().await?;
    Ok(entry)
}

/// The entries with `seq` greater than `after`, in order.
pub async fn entries_after(db: &Database, after: u64) -> Result<Vec<AuditEntry>, StorageError> {
    sqlx::query(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq",
    )
    .bind(after as i64)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(entry_from)
    .collect()
}

fn entry_from(row: &sqlx::any::AnyRow) -> Result<AuditEntry, StorageError> {
    Ok(AuditEntry {
        seq: row.try_get::<i64, _>(0)? as u64,
        at: row.try_get(1)?,
        actor: row.try_get(2)?,
        action: row.try_get(3)?,
        subject: row.try_get(4)?,
        detail: row.try_get(5)?,
        prev_hash: row.try_get(6)?,
        hash: row.try_get(7)?,
    })
}
