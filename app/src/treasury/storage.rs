//! Treasury storage: statements, payments and their one-time application to items, refunds of
//! duplicates, the staff's list and the import of tax items. Plain `async fn(&Database, …)`.

use super::interest::late_interest;
use super::{Concept, Method, Payment, PaymentStatus, Statement, StatementLine};
use crate::platform::audit::{self, Action, Capability};
use crate::platform::database::{Database, StorageError, random_id};
use crate::tramites::calendar::{format_iso, parse_day};
use sha2::{Digest, Sha256};
use sqlx::Row;
use time::Date;

pub(crate) fn hash_check(check: &str) -> String {
    let normalized: String =
        check.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    envelope::hex_lower(&Sha256::digest(normalized.as_bytes()))
}

/// The statement of `taxpayer` if `check` is the check value of its booklet (`None` for a wrong pair
/// and for an unknown code alike), with interest to `today`.
pub async fn statement(
    db: &Database,
    taxpayer: &str,
    check: &str,
    today: Date,
    monthly_bp: u32,
) -> Result<Option<Statement>, StorageError> {
    // Codes are stored in capitals (the import writes them so): typed in any case, they match.
    let taxpayer = taxpayer.trim().to_ascii_uppercase();
    let taxpayer = taxpayer.as_str();
    let row = sqlx::query("SELECT check_hash, name FROM taxpayers WHERE code = $1")
        .bind(taxpayer)
        .fetch_optional(db.pool())
        .await?;
    let typed = hash_check(check);
    let Some(row) = row else { return Ok(None) };
    if row.try_get::<String, _>(0)? != typed {
        return Ok(None);
    }
    let name: String = row.try_get(1)?;
    let lines = lines(db, taxpayer, None, today, monthly_bp).await?;
    Ok(Some(Statement {
        taxpayer: taxpayer.to_string(),
        name,
        on_day: format_iso(today),
        lines,
        monthly_rate_bp: monthly_bp,
    }))
}

/// The taxpayer's items (or a payment's), with interest to `today` and who paid each.
async fn lines(
    db: &Database,
    taxpayer: &str,
    payment: Option<&str>,
    today: Date,
    monthly_bp: u32,
) -> Result<Vec<StatementLine>, StorageError> {
    let (filter, key) = match payment {
        Some(payment) => ("t.id IN (SELECT item_id FROM payment_items WHERE payment_id = $1)", payment),
        None => ("t.taxpayer = $1", taxpayer),
    };
    let rows = sqlx::query(&format!(
        "SELECT t.id, t.property, t.concept, t.year, t.period, t.due_on, t.principal, t.adjustment, t.discount, p.payment_id \
         FROM tax_items t LEFT JOIN item_payments p ON p.item_id = t.id WHERE {filter} \
         ORDER BY t.year, t.due_on, t.property, t.concept, t.period"
    ))
    .bind(key)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let concept: String = row.try_get(2)?;
            let due_on: String = row.try_get(5)?;
            let principal: i64 = row.try_get(6)?;
            let adjustment: i64 = row.try_get(7)?;
            let discount: i64 = row.try_get(8)?;
            let paid_by: Option<String> = row.try_get(9)?;
            let interest = match (&paid_by, parse_day(&due_on)) {
                (None, Some(due)) => late_interest(principal + adjustment, due, today, monthly_bp),
                _ => 0,
            };
            Ok(StatementLine {
                id: row.try_get(0)?,
                property: row.try_get(1)?,
                concept: Concept::parse(&concept).unwrap_or(Concept::Fine),
                year: row.try_get::<i64, _>(3)? as i32,
                period: row.try_get::<i64, _>(4)? as u32,
                due_on,
                principal,
                adjustment,
                interest,
                discount,
                total: (principal + adjustment + interest - discount).max(0),
                paid: paid_by.is_some(),
                paid_by,
            })
        })
        .collect()
}

/// Why a payment could not be started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentRefusal {
    NothingChosen,
    /// An item is not the taxpayer's, or is already paid.
    NotPayable,
}

/// Starts a payment of `items` (the taxpayer's, unpaid): pending until the provider confirms it. Two
/// payments may cover the same items (two tabs, two cash codes); only one will ever apply.
pub async fn create_payment(
    db: &Database,
    statement: &Statement,
    items: &[String],
    method: Method,
) -> Result<Result<Payment, PaymentRefusal>, StorageError> {
    let mut chosen: Vec<&StatementLine> = Vec::new();
    for id in items {
        match statement.lines.iter().find(|line| &line.id == id) {
            Some(line) if !line.paid => {
                if !chosen.iter().any(|seen| seen.id == line.id) {
                    chosen.push(line);
                }
            }
            _ => return Ok(Err(PaymentRefusal::NotPayable)),
        }
    }
    let amount: i64 = chosen.iter().map(|line| line.total).sum();
    if chosen.is_empty() || amount <= 0 {
        return Ok(Err(PaymentRefusal::NothingChosen));
    }
    let parts: Vec<(&str, i64)> = chosen.iter().map(|line| (line.id.as_str(), line.total)).collect();
    let (id, now) = insert_payment(db, Payer::Taxpayer(&statement.taxpayer), method, &parts).await?;
    let items = chosen.into_iter().cloned().collect();
    Ok(Ok(Payment { taxpayer: statement.taxpayer.clone(), items, ..pending(id, now, method, amount) }))
}

/// A payment just started: nothing charged yet.
fn pending(id: String, created_at: String, method: Method, amount: i64) -> Payment {
    Payment {
        id,
        taxpayer: String::new(),
        method,
        amount,
        status: PaymentStatus::Pending,
        provider_charge: None,
        cash_code: None,
        expires_at: None,
        created_at,
        paid_at: None,
        receipt_code: None,
        request: None,
        items: Vec::new(),
    }
}

/// Who pays: a taxpayer (their tax items), or whoever holds a certificate request (its fee).
enum Payer<'a> {
    Taxpayer(&'a str),
    Request(&'a str),
}

/// A new pending payment of `parts` (item id, amount), in one transaction: its id and creation time.
async fn insert_payment(
    db: &Database,
    payer: Payer<'_>,
    method: Method,
    parts: &[(&str, i64)],
) -> Result<(String, String), StorageError> {
    let (taxpayer, request) = match payer {
        Payer::Taxpayer(code) => (Some(code), None),
        Payer::Request(number) => (None, Some(number)),
    };
    let id = random_id();
    let now = audit::now_utc();
    let amount: i64 = parts.iter().map(|(_, amount)| amount).sum();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO payments (id, taxpayer, request, method, amount, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
    )
    .bind(&id)
    .bind(taxpayer)
    .bind(request)
    .bind(method.code())
    .bind(amount)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    for (item, amount) in parts {
        sqlx::query("INSERT INTO payment_items (payment_id, item_id, amount) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(*item)
            .bind(*amount)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok((id, now))
}

/// Starts a payment of a certificate request's fee (`item` is the request's id). Like a tax item, a
/// request is paid once, ever: a second payment that succeeds is a duplicate, refunded.
pub async fn create_fee_payment(
    db: &Database,
    item: &str,
    request_number: &str,
    amount: i64,
    method: Method,
) -> Result<Payment, StorageError> {
    let (id, now) = insert_payment(db, Payer::Request(request_number), method, &[(item, amount)]).await?;
    Ok(Payment { request: Some(request_number.to_string()), ..pending(id, now, method, amount) })
}

/// The latest payment started for a certificate request.
pub async fn latest_fee_payment(db: &Database, request_number: &str) -> Result<Option<Payment>, StorageError> {
    let row = sqlx::query(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments WHERE request = $1 ORDER BY created_at DESC, id LIMIT 1"
    ))
    .bind(request_number)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(payment_from).transpose()
}

/// Records the provider's charge for a payment (its id, and a cash payment's code and expiry).
pub async fn record_charge(
    db: &Database,
    payment: &str,
    charge: &str,
    cash_code: Option<&str>,
    expires_at: Option<&str>,
) -> Result<(), StorageError> {
    sqlx::query("UPDATE payments SET provider_charge = $1, cash_code = $2, expires_at = $3 WHERE id = $4 AND provider_charge IS NULL")
        .bind(charge)
        .bind(cash_code)
        .bind(expires_at)
        .bind(payment)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The provider could not create the charge: the payment ends, nothing was charged.
pub async fn mark_failed(db: &Database, payment: &str) -> Result<(), StorageError> {
    sqlx::query(
        "UPDATE payments SET status = 'failed' WHERE id = $1 AND status = 'pending' AND provider_charge IS NULL",
    )
    .bind(payment)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// What applying the provider's word did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The payment paid its items.
    Paid,
    /// The provider took the money, but an item was already paid: refund this payment's charge.
    Duplicate { payment: String, charge: String },
    /// Declined, expired or refunded, as the provider says.
    Ended(PaymentStatus),
    /// Nothing changed: a repeated or stale notification, or a charge this portal does not know.
    Unchanged,
}

/// Applies the provider's status of `charge` (from a signed notification or a status query). Moves
/// only forward: `sequence` not above the last one applied changes nothing, nor does any word about a
/// payment that has ended. A payment pays all its items or, if one is already paid, none (then it is
/// a duplicate to refund).
pub async fn apply_provider_status(
    db: &Database,
    charge: &str,
    status: &str,
    sequence: u64,
) -> Result<Applied, StorageError> {
    // Two servers applying two payments of one item at once on PostgreSQL: the loser's insert breaks the
    // item's key; it tries again and then sees the item paid.
    for _ in 0..3 {
        match try_apply(db, charge, status, sequence).await {
            Err(StorageError::Database(error))
                if error.as_database_error().is_some_and(|e| e.is_unique_violation()) => {}
            outcome => return outcome,
        }
    }
    try_apply(db, charge, status, sequence).await
}

async fn try_apply(db: &Database, charge: &str, status: &str, sequence: u64) -> Result<Applied, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let Some(row) = sqlx::query("SELECT id, status, provider_sequence FROM payments WHERE provider_charge = $1")
        .bind(charge)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(Applied::Unchanged);
    };
    let id: String = row.try_get(0)?;
    let current = PaymentStatus::parse(&row.try_get::<String, _>(1)?).unwrap_or(PaymentStatus::Pending);
    let seen = row.try_get::<i64, _>(2)? as u64;
    if sequence != 0 && sequence <= seen {
        return Ok(Applied::Unchanged);
    }
    let now = audit::now_utc();
    let (next, applied) = match (current, status) {
        (PaymentStatus::Pending | PaymentStatus::Failed | PaymentStatus::Expired, "paid") => {
            let taken: i64 = sqlx::query(
                "SELECT COUNT(*) FROM item_payments WHERE item_id IN (SELECT item_id FROM payment_items WHERE payment_id = $1)",
            )
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            if taken > 0 {
                (PaymentStatus::Duplicate, Applied::Duplicate { payment: id.clone(), charge: charge.to_string() })
            } else {
                sqlx::query("INSERT INTO item_payments (item_id, payment_id) SELECT item_id, payment_id FROM payment_items WHERE payment_id = $1")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                (PaymentStatus::Paid, Applied::Paid)
            }
        }
        (PaymentStatus::Pending, "declined") => (PaymentStatus::Declined, Applied::Ended(PaymentStatus::Declined)),
        (PaymentStatus::Pending, "expired") => (PaymentStatus::Expired, Applied::Ended(PaymentStatus::Expired)),
        (PaymentStatus::Duplicate, "refunded") => (PaymentStatus::Refunded, Applied::Ended(PaymentStatus::Refunded)),
        (PaymentStatus::Paid, "refunded") => {
            sqlx::query("DELETE FROM item_payments WHERE payment_id = $1").bind(&id).execute(&mut *tx).await?;
            (PaymentStatus::Refunded, Applied::Ended(PaymentStatus::Refunded))
        }
        _ => {
            // Stale or repeated: remember the sequence so an older word cannot follow.
            sqlx::query("UPDATE payments SET provider_sequence = $1 WHERE id = $2 AND provider_sequence < $1")
                .bind(sequence as i64)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(Applied::Unchanged);
        }
    };
    let receipt = (next == PaymentStatus::Paid).then(crate::tramites::storage::new_code);
    let paid_at = matches!(next, PaymentStatus::Paid | PaymentStatus::Duplicate).then_some(now.as_str());
    let refunded_at = (next == PaymentStatus::Refunded).then_some(now.as_str());
    sqlx::query(
        "UPDATE payments SET status = $1, provider_sequence = CASE WHEN $2 > provider_sequence THEN $2 ELSE provider_sequence END, receipt_code = COALESCE($3, receipt_code), \
         paid_at = COALESCE($4, paid_at), refunded_at = COALESCE($5, refunded_at) WHERE id = $6",
    )
    .bind(next.code())
    .bind(sequence as i64)
    .bind(receipt)
    .bind(paid_at)
    .bind(refunded_at)
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    let action = Action {
        capability: Capability::Treasury,
        actor: "provider",
        action: next.code(),
        subject: &id,
        detail: charge,
    };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(applied)
}

const PAYMENT_COLUMNS: &str = "id, taxpayer, method, amount, status, provider_charge, cash_code, expires_at, \
     created_at, paid_at, receipt_code, request";

fn payment_from(row: &sqlx::any::AnyRow) -> Result<Payment, StorageError> {
    let method: String = row.try_get(2)?;
    let status: String = row.try_get(4)?;
    Ok(Payment {
        id: row.try_get(0)?,
        taxpayer: row.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
        method: Method::parse(&method).unwrap_or(Method::Card),
        amount: row.try_get(3)?,
        status: PaymentStatus::parse(&status).unwrap_or(PaymentStatus::Pending),
        provider_charge: row.try_get(5)?,
        cash_code: row.try_get(6)?,
        expires_at: row.try_get(7)?,
        created_at: row.try_get(8)?,
        paid_at: row.try_get(9)?,
        receipt_code: row.try_get(10)?,
        request: row.try_get(11)?,
        items: Vec::new(),
    })
}

/// A payment with its items.
pub async fn payment(db: &Database, id: &str, today: Date, monthly_bp: u32) -> Result<Option<Payment>, StorageError> {
    let row = sqlx::query(&format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut payment = payment_from(&row)?;
    payment.items = lines(db, &payment.taxpayer, Some(&payment.id), today, monthly_bp).await?;
    // Each item as charged in this payment.
    let amounts = sqlx::query("SELECT item_id, amount FROM payment_items WHERE payment_id = $1")
        .bind(id)
        .fetch_all(db.pool())
        .await?;
    for row in &amounts {
        let item: String = row.try_get(0)?;
        let amount: i64 = row.try_get(1)?;
        if let Some(line) = payment.items.iter_mut().find(|line| line.id == item) {
            line.total = amount;
            line.interest = amount - line.principal - line.adjustment + line.discount;
        }
    }
    Ok(Some(payment))
}

/// The payment with this receipt code, paid (for checking a printed receipt).
pub async fn payment_by_receipt(db: &Database, receipt: &str) -> Result<Option<String>, StorageError> {
    let code = crate::tramites::normalize_code(receipt);
    let row = sqlx::query("SELECT id FROM payments WHERE receipt_code = $1 AND status = 'paid'")
        .bind(code)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| Ok(row.try_get(0)?)).transpose()
}

/// The most recent payments, for the treasury's staff.
pub async fn recent_payments(db: &Database, limit: i64) -> Result<Vec<Payment>, StorageError> {
    let rows = sqlx::query(&format!("SELECT {PAYMENT_COLUMNS} FROM payments ORDER BY created_at DESC, id LIMIT $1"))
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(payment_from).collect()
}

/// Pending payments with a charge, created before `before` (RFC 3339): the reconciliation job asks the
/// provider about each. And duplicates whose refund has not been confirmed.
pub async fn to_reconcile(db: &Database, before: &str) -> Result<Vec<(String, String, PaymentStatus)>, StorageError> {
    let rows = sqlx::query(
        "SELECT id, provider_charge, status FROM payments WHERE provider_charge IS NOT NULL \
         AND ((status = 'pending' AND created_at < $1) OR status = 'duplicate') ORDER BY created_at",
    )
    .bind(before)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get(2)?;
            Ok((row.try_get(0)?, row.try_get(1)?, PaymentStatus::parse(&status).unwrap_or(PaymentStatus::Pending)))
        })
        .collect()
}

/// A taxpayer and its check value, and its items (from the import).
#[derive(Clone, Debug)]
pub struct NewTaxpayer {
    pub code: String,
    pub check: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct NewItem {
    pub taxpayer: String,
    pub property: String,
    pub concept: Concept,
    pub year: i32,
    pub period: u32,
    pub due_on: Date,
    pub principal: i64,
    pub adjustment: i64,
    pub discount: i64,
}

/// Stores taxpayers and items in one transaction (audited); an item already there (same taxpayer,
/// property, concept, year and period) is left as it is, so an import can be run again. Returns how
/// many items were added.
pub async fn import(
    db: &Database,
    actor: &str,
    taxpayers: &[NewTaxpayer],
    items: &[NewItem],
) -> Result<usize, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    for taxpayer in taxpayers {
        sqlx::query(
            "INSERT INTO taxpayers (code, check_hash, name) VALUES ($1, $2, $3) \
             ON CONFLICT (code) DO UPDATE SET check_hash = excluded.check_hash, name = excluded.name",
        )
        .bind(&taxpayer.code)
        .bind(hash_check(&taxpayer.check))
        .bind(&taxpayer.name)
        .execute(&mut *tx)
        .await?;
    }
    let mut added = 0;
    for item in items {
        added += sqlx::query(
            "INSERT INTO tax_items (id, taxpayer, property, concept, year, period, due_on, principal, adjustment, discount) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (taxpayer, property, concept, year, period) DO NOTHING",
        )
        .bind(random_id())
        .bind(&item.taxpayer)
        .bind(&item.property)
        .bind(item.concept.code())
        .bind(i64::from(item.year))
        .bind(i64::from(item.period))
        .bind(format_iso(item.due_on))
        .bind(item.principal)
        .bind(item.adjustment)
        .bind(item.discount)
        .execute(&mut *tx)
        .await?
        .rows_affected() as usize;
    }
    let detail = format!("{} taxpayers, {added} items added", taxpayers.len());
    let action =
        Action { capability: Capability::Treasury, actor, action: "import", subject: "tax_items", detail: &detail };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(added)
}
