//! Civil-registry storage: records (imported by the registry's staff), requests with their
//! verification codes, and certificates issued and revoked. Plain `async fn(&Database, …)`; every
//! change is one transaction with its audit entry.

use super::seal::{self, CertificateData};
use super::{Certificate, Record, RecordKind, Relationship, Request, Reserve};
use crate::platform::audit::{self, Action, Capability};
use crate::platform::database::{Database, StorageError, random_id};
use crate::tramites::storage::new_code;
use ed25519_dalek::SigningKey;
use sqlx::Row;
use sqlx::any::AnyRow;

/// The code as stored: typed in any case, with or without its hyphen, it hashes the same.
fn hash_code(code: &str) -> String {
    crate::tramites::storage::hash_code(&crate::tramites::normalize_code(code))
}

/// A record as the import gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRecord {
    pub kind: RecordKind,
    pub number: String,
    pub event_date: String,
    pub names: String,
    pub reserve: Option<Reserve>,
}

/// Stores records in one transaction (audited). A record already there (same kind and number) takes
/// the new names, date and reserve: a reserve ordered later reaches the portal by importing the
/// record again. Returns how many lines were stored.
pub async fn import_records(db: &Database, actor: &str, records: &[NewRecord]) -> Result<usize, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    for record in records {
        sqlx::query(
            "INSERT INTO civil_records (id, kind, record_number, event_date, names, reserve) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (kind, record_number) DO UPDATE SET event_date = excluded.event_date, names = excluded.names, \
             reserve = excluded.reserve",
        )
        .bind(random_id())
        .bind(record.kind.code())
        .bind(&record.number)
        .bind(&record.event_date)
        .bind(&record.names)
        .bind(record.reserve.map(Reserve::code))
        .execute(&mut *tx)
        .await?;
    }
    let detail = format!("{} records", records.len());
    let action = Action {
        capability: Capability::CivilRegistry,
        actor,
        action: "import",
        subject: "civil_records",
        detail: &detail,
    };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(records.len())
}

const RECORD_COLUMNS: &str = "c.id, c.kind, c.record_number, c.event_date, c.names, c.reserve";

fn record_from(row: &AnyRow, at: usize) -> Result<Record, StorageError> {
    let kind: String = row.try_get(at + 1)?;
    let reserve: Option<String> = row.try_get(at + 5)?;
    Ok(Record {
        id: row.try_get(at)?,
        kind: RecordKind::parse(&kind).unwrap_or(RecordKind::Birth),
        number: row.try_get(at + 2)?,
        event_date: row.try_get(at + 3)?,
        names: row.try_get(at + 4)?,
        // An unknown reserve (a newer portal's) still reserves.
        reserve: reserve.map(|code| Reserve::parse(&code).unwrap_or(Reserve::CourtOrder)),
    })
}

/// The record of this kind, number and date: all three must match (the date is what the applicant
/// knows, and it keeps numbers from being enough to walk the books).
pub async fn find_record(
    db: &Database,
    kind: RecordKind,
    number: &str,
    event_date: &str,
) -> Result<Option<Record>, StorageError> {
    let row = sqlx::query(&format!(
        "SELECT {RECORD_COLUMNS} FROM civil_records c WHERE c.kind = $1 AND c.record_number = $2 AND c.event_date = $3"
    ))
    .bind(kind.code())
    .bind(number.trim())
    .bind(event_date.trim())
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| record_from(&row, 0)).transpose()
}

/// Who asks, and how they are related to whom the record is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applicant {
    pub id_type: String,
    pub id: String,
    pub name: String,
    pub email: String,
    pub relationship: Relationship,
}

/// A new request's number and verification code (the code is shown once and stored only hashed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requested {
    pub number: String,
    pub code: String,
}

/// Records a request for a copy of `record` (not reserved: the caller checked), audited.
pub async fn request(
    db: &Database,
    record: &Record,
    applicant: &Applicant,
    year: i32,
) -> Result<Requested, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let seq: i64 = sqlx::query(
        "INSERT INTO certificate_request_counters (year, last) VALUES ($1, 1) \
         ON CONFLICT (year) DO UPDATE SET last = certificate_request_counters.last + 1 RETURNING last",
    )
    .bind(i64::from(year))
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let number = format!("RC-{}", crate::tramites::format_number(year, seq as u32));
    let code = new_code();
    sqlx::query(
        "INSERT INTO certificate_requests (id, number, code_hash, record_id, applicant_id_type, applicant_id, \
         applicant_name, applicant_email, relationship, fee, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(random_id())
    .bind(&number)
    .bind(hash_code(&code))
    .bind(&record.id)
    .bind(&applicant.id_type)
    .bind(&applicant.id)
    .bind(&applicant.name)
    .bind(&applicant.email)
    .bind(applicant.relationship.code())
    .bind(super::FEE_CENTS)
    .bind(audit::now_utc())
    .execute(&mut *tx)
    .await?;
    let action = Action {
        capability: Capability::CivilRegistry,
        actor: "applicant",
        action: "request",
        subject: &number,
        detail: record.kind.code(),
    };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(Requested { number, code })
}

const REQUEST_SELECT: &str = "SELECT r.id, r.number, r.applicant_id_type, r.applicant_id, r.applicant_name, \
     r.applicant_email, r.relationship, r.fee, r.created_at, \
     (SELECT COUNT(*) FROM item_payments p WHERE p.item_id = r.id), \
     k.code, k.issued_at, k.issued_by, k.revoked_at, k.revoked_reason, \
     c.id, c.kind, c.record_number, c.event_date, c.names, c.reserve \
     FROM certificate_requests r JOIN civil_records c ON c.id = r.record_id \
     LEFT JOIN certificates k ON k.request_id = r.id";

fn request_from(row: &AnyRow) -> Result<Request, StorageError> {
    let relationship: String = row.try_get(6)?;
    let code: Option<String> = row.try_get(10)?;
    let certificate = match code {
        Some(code) => Some(Certificate {
            code,
            issued_at: row.try_get(11)?,
            issued_by: row.try_get(12)?,
            revoked_at: row.try_get(13)?,
            revoked_reason: row.try_get(14)?,
        }),
        None => None,
    };
    Ok(Request {
        id: row.try_get(0)?,
        number: row.try_get(1)?,
        applicant_id_type: row.try_get(2)?,
        applicant_id: row.try_get(3)?,
        applicant_name: row.try_get(4)?,
        applicant_email: row.try_get(5)?,
        relationship: Relationship::parse(&relationship).unwrap_or(Relationship::Other),
        fee: row.try_get(7)?,
        created_at: row.try_get(8)?,
        paid: row.try_get::<i64, _>(9)? > 0,
        payment: None,
        certificate,
        record: record_from(row, 15)?,
    })
}

/// A request with its latest payment.
pub async fn load(db: &Database, number: &str) -> Result<Option<Request>, StorageError> {
    let row =
        sqlx::query(&format!("{REQUEST_SELECT} WHERE r.number = $1")).bind(number).fetch_optional(db.pool()).await?;
    let Some(row) = row else { return Ok(None) };
    let mut request = request_from(&row)?;
    request.payment = crate::treasury::storage::latest_fee_payment(db, &request.number).await?;
    Ok(Some(request))
}

/// The request with this number, if `code` is its verification code; a wrong code and an unknown
/// number give the same `None`.
pub async fn find_with_code(db: &Database, number: &str, code: &str) -> Result<Option<Request>, StorageError> {
    let stored: Option<String> = sqlx::query("SELECT code_hash FROM certificate_requests WHERE number = $1")
        .bind(number)
        .fetch_optional(db.pool())
        .await?
        .map(|row| row.try_get(0))
        .transpose()?;
    // Hash whether or not the number exists, so both answers take the same work.
    let typed = hash_code(code);
    match stored {
        Some(stored) if stored == typed => load(db, number).await,
        _ => Ok(None),
    }
}

/// The most recent requests for the registry's staff, those waiting for them first.
pub async fn list(db: &Database, limit: i64) -> Result<Vec<Request>, StorageError> {
    let rows = sqlx::query(&format!("{REQUEST_SELECT} ORDER BY r.created_at DESC, r.number DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    let mut requests = rows.iter().map(request_from).collect::<Result<Vec<_>, _>>()?;
    requests.sort_by_key(|request| request.state() != super::RequestState::Paid);
    Ok(requests)
}

/// Why a certificate was not issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueRefusal {
    NotFound,
    NotPaid,
    AlreadyIssued,
    /// The record was put under reserve after the request.
    Reserved,
}

/// Issues the certificate of a paid request: its data signed with `key`, stored with the exact code.
pub async fn issue(
    db: &Database,
    actor: &str,
    number: &str,
    key: &SigningKey,
    issued_on: &str,
) -> Result<Result<Certificate, IssueRefusal>, StorageError> {
    let _guard = audit::lock().await;
    let Some(request) = load(db, number).await? else { return Ok(Err(IssueRefusal::NotFound)) };
    if request.certificate.is_some() {
        return Ok(Err(IssueRefusal::AlreadyIssued));
    }
    if !request.paid {
        return Ok(Err(IssueRefusal::NotPaid));
    }
    if request.record.reserve.is_some() {
        return Ok(Err(IssueRefusal::Reserved));
    }
    let data = CertificateData {
        number: request.number.clone(),
        kind: request.record.kind,
        record_number: request.record.number.clone(),
        event_date: request.record.event_date.clone(),
        names: request.record.names.clone(),
        issued_on: issued_on.to_string(),
        key_id: seal::key_id(&key.verifying_key()),
    };
    let code = seal::seal(&data, key);
    let now = audit::now_utc();
    let mut tx = db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO certificates (request_id, code, issued_at, issued_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (request_id) DO NOTHING",
    )
    .bind(&request.id)
    .bind(&code)
    .bind(&now)
    .bind(actor)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(Err(IssueRefusal::AlreadyIssued));
    }
    let action =
        Action { capability: Capability::CivilRegistry, actor, action: "issue", subject: number, detail: &data.key_id };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(Ok(Certificate { code, issued_at: now, issued_by: actor.to_string(), revoked_at: None, revoked_reason: None }))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevokeRefusal {
    NotIssued,
    AlreadyRevoked,
    ReasonMissing,
}

/// Revokes an issued certificate, with the reason `/verificar` shows; audited.
pub async fn revoke(
    db: &Database,
    actor: &str,
    number: &str,
    reason: &str,
) -> Result<Result<(), RevokeRefusal>, StorageError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Ok(Err(RevokeRefusal::ReasonMissing));
    }
    let reason: String = reason.chars().take(500).collect();
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT k.request_id, k.revoked_at FROM certificates k JOIN certificate_requests r ON r.id = k.request_id \
         WHERE r.number = $1",
    )
    .bind(number)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(Err(RevokeRefusal::NotIssued)) };
    if row.try_get::<Option<String>, _>(1)?.is_some() {
        return Ok(Err(RevokeRefusal::AlreadyRevoked));
    }
    let id: String = row.try_get(0)?;
    sqlx::query(
        "UPDATE certificates SET revoked_at = $1, revoked_reason = $2 WHERE request_id = $3 AND revoked_at IS NULL",
    )
    .bind(audit::now_utc())
    .bind(&reason)
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    let action =
        Action { capability: Capability::CivilRegistry, actor, action: "revoke", subject: number, detail: &reason };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// The certificate issued under this number (for `/verificar`: issued, revoked, or unknown).
pub async fn certificate(db: &Database, number: &str) -> Result<Option<Certificate>, StorageError> {
    let row = sqlx::query(
        "SELECT k.code, k.issued_at, k.issued_by, k.revoked_at, k.revoked_reason FROM certificates k \
         JOIN certificate_requests r ON r.id = k.request_id WHERE r.number = $1",
    )
    .bind(number)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok(Certificate {
            code: row.try_get(0)?,
            issued_at: row.try_get(1)?,
            issued_by: row.try_get(2)?,
            revoked_at: row.try_get(3)?,
            revoked_reason: row.try_get(4)?,
        })
    })
    .transpose()
}
