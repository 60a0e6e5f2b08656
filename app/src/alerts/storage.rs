//! The registers the rules read, the alerts with their reviews, and the reviews. Plain
//! `async fn(&Database, …)`.

use super::rules::{Registers, TenderFacts, raise};
use super::{Alert, MAX_EXPLANATION, Review};
use crate::participation::fields::utc_to_lima;
use crate::platform::audit::{self, Capability};
use crate::platform::database::{Database, StorageError};
use crate::procurement::Stage;
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    /// The registers no longer raise this alert (or never did).
    #[error("no such alert")]
    NoAlert,
    #[error("the explanation is empty or too long")]
    Explanation,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for AlertError {
    fn from(error: sqlx::Error) -> Self {
        AlertError::Storage(error.into())
    }
}

/// Lima's day of a UTC RFC 3339 time.
fn lima_day(utc: &str) -> String {
    utc_to_lima(utc).chars().take(10).collect()
}

/// Reads what the rules join, as of `now` (UTC, RFC 3339). The bids of a request still open are not
/// handed to the rules.
pub async fn registers(db: &Database, now: &str) -> Result<Registers, StorageError> {
    let tenders = crate::procurement::storage::tenders(db).await?;
    let mut committees: HashMap<String, Vec<String>> = HashMap::new();
    for row in sqlx::query("SELECT tender, official FROM tender_committee ORDER BY tender, official")
        .fetch_all(db.pool())
        .await?
    {
        committees.entry(row.try_get(0)?).or_default().push(row.try_get(1)?);
    }
    // Every bid in one query (not one a request: the page reads this on every load); those of a
    // request still open are dropped below, unread by the rules.
    let mut bids: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for row in sqlx::query("SELECT tender, supplier_ruc, supplier_name FROM bids ORDER BY received_at, id")
        .fetch_all(db.pool())
        .await?
    {
        bids.entry(row.try_get(0)?).or_default().push((row.try_get(1)?, row.try_get(2)?));
    }
    let mut facts = Vec::with_capacity(tenders.len());
    for tender in tenders {
        let closed = tender.stage(now) != Stage::Open;
        let bidders = if closed { bids.remove(&tender.number).unwrap_or_default() } else { Vec::new() };
        let award = tender
            .opening
            .as_ref()
            .filter(|opening| !opening.award_ruc.is_empty())
            .map(|opening| (opening.award_ruc.clone(), opening.award_name.clone()));
        let ends_on = lima_day(tender.opening.as_ref().map_or(now, |opening| opening.opened_at.as_str()));
        facts.push(TenderFacts {
            committee: committees.remove(&tender.number).unwrap_or_default(),
            published_on: lima_day(&tender.published_at),
            ends_on,
            closed,
            award,
            bidders,
            number: tender.number,
            title: tender.title,
            area: tender.area,
        });
    }
    Ok(Registers {
        tenders: facts,
        officials: crate::integrity::storage::officials(db).await?,
        links: crate::affidavits::storage::declared_links(db).await?,
        visits: crate::visits::storage::visits_of_entities(db).await?,
    })
}

/// The latest review of every reviewed alert.
async fn latest_reviews(db: &Database) -> Result<HashMap<String, Review>, StorageError> {
    let rows =
        sqlx::query("SELECT alert, explanation, reviewed_at, version FROM alert_reviews ORDER BY alert, version")
            .fetch_all(db.pool())
            .await?;
    let mut reviews = HashMap::new();
    for row in rows {
        let review = Review { explanation: row.try_get(1)?, reviewed_at: row.try_get(2)?, version: row.try_get(3)? };
        reviews.insert(row.try_get(0)?, review);
    }
    Ok(reviews)
}

/// Every alert the registers raise as of `now`, each with its latest review.
pub async fn alerts(db: &Database, now: &str) -> Result<Vec<Alert>, StorageError> {
    let mut alerts = raise(&registers(db, now).await?);
    let mut reviews = latest_reviews(db).await?;
    for alert in &mut alerts {
        alert.review = reviews.remove(&alert.key);
    }
    Ok(alerts)
}

/// Records a reviewed explanation of an alert the registers raise now, as its next version.
pub async fn review(db: &Database, actor: &str, key: &str, explanation: &str) -> Result<i64, AlertError> {
    let explanation = explanation.trim();
    if explanation.is_empty() || explanation.chars().count() > MAX_EXPLANATION {
        return Err(AlertError::Explanation);
    }
    let now = audit::now_utc();
    if !alerts(db, &now).await?.iter().any(|alert| alert.key == key) {
        return Err(AlertError::NoAlert);
    }
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let version: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 FROM alert_reviews WHERE alert = $1")
        .bind(key)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    sqlx::query(
        "INSERT INTO alert_reviews (alert, version, explanation, reviewer, reviewed_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(key)
    .bind(version)
    .bind(explanation)
    .bind(actor)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    audit::record_in(&mut tx, db, Capability::Alerts, actor, "review", key, &format!("version {version}")).await?;
    tx.commit().await?;
    Ok(version)
}
