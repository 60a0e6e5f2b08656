//! Tenders and bids. Plain `async fn(&Database, …)`. A bid is taken only while the tender is open by
//! the server's clock, read inside the transaction that stores it.

use super::fields::NewTender;
use super::{Bid, Item, Opening, Tender};
use crate::platform::audit::{self, Capability};
use crate::platform::database::{Database, StorageError, random_id};
use sqlx::Row;

#[derive(Debug, thiserror::Error)]
pub enum ProcurementError {
    #[error("no such tender")]
    NoTender,
    #[error("a tender with this number exists")]
    Exists,
    #[error("the deadline has passed")]
    Closed,
    #[error("this supplier has already bid")]
    AlreadyBid,
    #[error("the deadline has not passed")]
    NotClosed,
    #[error("the opening is already published")]
    AlreadyOpened,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for ProcurementError {
    fn from(error: sqlx::Error) -> Self {
        ProcurementError::Storage(error.into())
    }
}

/// The current time in UTC, RFC 3339 to the second (deadlines compare as text in this format).
pub fn now_utc() -> String {
    audit::now_utc()
}

/// Stores a new tender under the committee's number.
pub async fn create(db: &Database, actor: &str, tender: &NewTender) -> Result<(), ProcurementError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let now = now_utc();
    let number = &tender.number;
    let inserted = sqlx::query(
        "INSERT INTO tenders (number, title, area, estimated_cents, published_at, deadline, recipient, threshold, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (number) DO NOTHING",
    )
    .bind(number)
    .bind(&tender.title)
    .bind(&tender.area)
    .bind(tender.estimated_cents)
    .bind(&now)
    .bind(&tender.deadline)
    .bind(&tender.recipient)
    .bind(i64::from(tender.threshold))
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ProcurementError::Exists);
    }
    for item in &tender.items {
        sqlx::query(
            "INSERT INTO tender_items (tender, position, description, quantity, unit, specification) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(number)
        .bind(i64::from(item.position))
        .bind(&item.description)
        .bind(item.quantity as i64)
        .bind(&item.unit)
        .bind(&item.specification)
        .execute(&mut *tx)
        .await?;
    }
    for official in &tender.committee {
        sqlx::query("INSERT INTO tender_committee (tender, official) VALUES ($1, $2)")
            .bind(number)
            .bind(official)
            .execute(&mut *tx)
            .await?;
    }
    let detail = format!("{} ({} items, deadline {})", tender.title, tender.items.len(), tender.deadline);
    audit::record_in(&mut tx, db, Capability::Procurement, actor, "tender", number, &detail).await?;
    tx.commit().await?;
    Ok(())
}

const TENDER_COLUMNS: &str = "number, title, area, estimated_cents, published_at, deadline, recipient, threshold, \
     opened_at, secret_key, comparison, award_ruc, award_name, award_cents, award_reasons";

fn tender_from(row: &sqlx::any::AnyRow) -> Result<Tender, sqlx::Error> {
    let opened_at: Option<String> = row.try_get("opened_at")?;
    let opening = match opened_at {
        Some(opened_at) => Some(Opening {
            opened_at,
            secret_key: row.try_get::<Option<String>, _>("secret_key")?.unwrap_or_default(),
            comparison: row.try_get::<Option<String>, _>("comparison")?.unwrap_or_default(),
            award_ruc: row.try_get::<Option<String>, _>("award_ruc")?.unwrap_or_default(),
            award_name: row.try_get::<Option<String>, _>("award_name")?.unwrap_or_default(),
            award_cents: row.try_get::<Option<i64>, _>("award_cents")?.unwrap_or_default(),
            award_reasons: row.try_get::<Option<String>, _>("award_reasons")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Tender {
        number: row.try_get("number")?,
        title: row.try_get("title")?,
        area: row.try_get("area")?,
        estimated_cents: row.try_get("estimated_cents")?,
        published_at: row.try_get("published_at")?,
        deadline: row.try_get("deadline")?,
        recipient: row.try_get("recipient")?,
        threshold: row.try_get::<i64, _>("threshold")? as u32,
        committee: Vec::new(),
        items: Vec::new(),
        opening,
    })
}

/// Every tender, the latest first, without items or committee.
pub async fn tenders(db: &Database) -> Result<Vec<Tender>, StorageError> {
    let rows = sqlx::query(&format!("SELECT {TENDER_COLUMNS} FROM tenders ORDER BY published_at DESC, number DESC"))
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().map(tender_from).collect::<Result<_, _>>()?)
}

/// One tender with its items and committee.
pub async fn tender(db: &Database, number: &str) -> Result<Option<Tender>, StorageError> {
    let Some(row) = sqlx::query(&format!("SELECT {TENDER_COLUMNS} FROM tenders WHERE number = $1"))
        .bind(number)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let mut tender = tender_from(&row)?;
    let items = sqlx::query(
        "SELECT position, description, quantity, unit, specification FROM tender_items WHERE tender = $1 ORDER BY position",
    )
    .bind(number)
    .fetch_all(db.pool())
    .await?;
    tender.items = items
        .iter()
        .map(|row| {
            Ok(Item {
                position: row.try_get::<i64, _>(0)? as u32,
                description: row.try_get(1)?,
                quantity: row.try_get::<i64, _>(2)? as u64,
                unit: row.try_get(3)?,
                specification: row.try_get(4)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let committee = sqlx::query("SELECT official FROM tender_committee WHERE tender = $1 ORDER BY official")
        .bind(number)
        .fetch_all(db.pool())
        .await?;
    tender.committee = committee.iter().map(|row| row.try_get(0)).collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(tender))
}

/// A sealed bid to store: the stored object's name, its SHA-256 and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBid {
    pub tender: String,
    pub supplier_ruc: String,
    pub supplier_name: String,
    pub object: String,
    pub sha256: String,
    pub size: u64,
}

/// Stores a bid if the tender is open by the clock now, and this supplier has not bid. Returns when
/// it was received.
pub async fn add_bid(db: &Database, bid: &NewBid) -> Result<String, ProcurementError> {
    let mut tx = db.begin_write().await?;
    let deadline: Option<String> = sqlx::query("SELECT deadline FROM tenders WHERE number = $1")
        .bind(&bid.tender)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| row.try_get(0))
        .transpose()?;
    let deadline = deadline.ok_or(ProcurementError::NoTender)?;
    // The clock is read after the tender's row, inside the transaction that stores the bid.
    let received_at = now_utc();
    if received_at >= deadline {
        return Err(ProcurementError::Closed);
    }
    let inserted = sqlx::query(
        "INSERT INTO bids (id, tender, supplier_ruc, supplier_name, object, sha256, size, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tender, supplier_ruc) DO NOTHING",
    )
    .bind(random_id())
    .bind(&bid.tender)
    .bind(&bid.supplier_ruc)
    .bind(&bid.supplier_name)
    .bind(&bid.object)
    .bind(&bid.sha256)
    .bind(bid.size as i64)
    .bind(&received_at)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ProcurementError::AlreadyBid);
    }
    tx.commit().await?;
    Ok(received_at)
}

/// A tender's bids, in the order they arrived (id breaks ties). The pages show them only after the
/// deadline.
pub async fn bids(db: &Database, tender: &str) -> Result<Vec<(Bid, String)>, StorageError> {
    let rows = sqlx::query(
        "SELECT id, supplier_ruc, supplier_name, sha256, size, received_at, object FROM bids WHERE tender = $1 \
         ORDER BY received_at, id",
    )
    .bind(tender)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                Bid {
                    id: row.try_get(0)?,
                    supplier_ruc: row.try_get(1)?,
                    supplier_name: row.try_get(2)?,
                    sha256: row.try_get(3)?,
                    size: row.try_get::<i64, _>(4)? as u64,
                    received_at: row.try_get(5)?,
                },
                row.try_get(6)?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StorageError::from)
}

/// How many bids a tender has.
pub async fn bid_count(db: &Database, tender: &str) -> Result<u64, StorageError> {
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM bids WHERE tender = $1")
        .bind(tender)
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    Ok(count as u64)
}

/// Every stored bid object (for the file store's sweep).
pub async fn bid_objects(db: &Database) -> Result<Vec<String>, StorageError> {
    let rows = sqlx::query("SELECT object FROM bids").fetch_all(db.pool()).await?;
    Ok(rows.iter().map(|row| row.try_get(0)).collect::<Result<_, sqlx::Error>>()?)
}

/// Publishes the opening: after the deadline, once.
pub async fn publish_opening(
    db: &Database,
    actor: &str,
    tender: &str,
    opening: &Opening,
) -> Result<(), ProcurementError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("SELECT deadline, opened_at FROM tenders WHERE number = $1")
        .bind(tender)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ProcurementError::NoTender)?;
    let (deadline, opened): (String, Option<String>) = (row.try_get(0)?, row.try_get(1)?);
    if opened.is_some() {
        return Err(ProcurementError::AlreadyOpened);
    }
    let now = now_utc();
    if now < deadline {
        return Err(ProcurementError::NotClosed);
    }
    sqlx::query(
        "UPDATE tenders SET opened_at = $1, secret_key = $2, comparison = $3, award_ruc = $4, award_name = $5, \
         award_cents = $6, award_reasons = $7 WHERE number = $8 AND opened_at IS NULL",
    )
    .bind(&now)
    .bind(&opening.secret_key)
    .bind(&opening.comparison)
    .bind(&opening.award_ruc)
    .bind(&opening.award_name)
    .bind(opening.award_cents)
    .bind(&opening.award_reasons)
    .bind(tender)
    .execute(&mut *tx)
    .await?;
    let detail = format!("award {} ({} céntimos)", opening.award_ruc, opening.award_cents);
    audit::record_in(&mut tx, db, Capability::Procurement, actor, "opening", tender, &detail).await?;
    tx.commit().await?;
    Ok(())
}
