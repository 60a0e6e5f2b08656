//! Visits and agenda acts. Plain `async fn(&Database, …)`; every change is one transaction with its
//! audit entry. The search reads a folded copy of each row's words (`search`), so a query matches
//! without case or accents on SQLite and PostgreSQL alike.

use super::{AgendaEntry, NewAgendaEntry, NewVisit, Search, Visit};
use crate::platform::audit::{self, Capability};
use crate::platform::database::{Database, StorageError, random_id};
use crate::platform::text::{fold, search_terms};
use sqlx::Row;

#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    #[error("no such visit")]
    NoVisit,
    #[error("the visit's exit is already registered")]
    ExitSet,
    #[error("the exit is not after the entry")]
    ExitBeforeEntry,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for VisitError {
    fn from(error: sqlx::Error) -> Self {
        VisitError::Storage(error.into())
    }
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Each official's (name, position) by id, read once for a batch.
type Officials = std::collections::HashMap<String, (String, String)>;

async fn officials(tx: &mut Tx) -> Result<Officials, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name, position FROM officials").fetch_all(&mut **tx).await?;
    rows.iter().map(|row| Ok((row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?)))).collect()
}

async fn insert_visit(tx: &mut Tx, officials: &Officials, visit: &NewVisit) -> Result<String, sqlx::Error> {
    let id = random_id();
    let (name, registered_position) =
        officials.get(&visit.official).map(|(n, p)| (n.as_str(), p.as_str())).unwrap_or_default();
    let position = if visit.position.is_empty() { registered_position.to_string() } else { visit.position.clone() };
    let words = [
        visit.visitor.as_str(),
        &visit.document,
        &visit.entity,
        &visit.entity_ruc,
        name,
        &visit.official,
        &position,
        &visit.place,
        &visit.reason,
        &visit.remarks,
    ]
    .join(" ");
    sqlx::query(
        "INSERT INTO visits (id, registered_on, visit_date, visitor, document, entity, entity_ruc, official, position, \
         place, entry_time, exit_time, reason, remarks, late, search, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&id)
    .bind(&visit.registered_on)
    .bind(&visit.visit_date)
    .bind(&visit.visitor)
    .bind(&visit.document)
    .bind(&visit.entity)
    .bind(&visit.entity_ruc)
    .bind(&visit.official)
    .bind(&position)
    .bind(&visit.place)
    .bind(&visit.entry_time)
    .bind(&visit.exit_time)
    .bind(&visit.reason)
    .bind(&visit.remarks)
    .bind(i64::from(visit.late()))
    .bind(fold(&words))
    .bind(audit::now_utc())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Stores visits (checked, with known officials), all or none. Returns their ids in order.
pub async fn add_visits(db: &Database, actor: &str, visits: &[NewVisit]) -> Result<Vec<String>, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let officials = officials(&mut tx).await?;
    let mut ids = Vec::with_capacity(visits.len());
    for visit in visits {
        ids.push(insert_visit(&mut tx, &officials, visit).await?);
    }
    let (action, subject) = if visits.len() == 1 { ("visit", ids[0].as_str()) } else { ("import", "visits") };
    let detail = format!("{} visits", visits.len());
    audit::record_in(&mut tx, db, Capability::Visits, actor, action, subject, &detail).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Registers a visitor's exit, once, after their entry. Returns the visitor's name.
pub async fn set_exit(db: &Database, actor: &str, id: &str, exit_time: &str) -> Result<String, VisitError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("SELECT entry_time, exit_time, visitor FROM visits WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(VisitError::NoVisit)?;
    let (entry, exit, visitor): (String, String, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    if !exit.is_empty() {
        return Err(VisitError::ExitSet);
    }
    if exit_time <= entry.as_str() {
        return Err(VisitError::ExitBeforeEntry);
    }
    sqlx::query("UPDATE visits SET exit_time = $1 WHERE id = $2 AND exit_time = ''")
        .bind(exit_time)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record_in(&mut tx, db, Capability::Visits, actor, "exit", id, exit_time).await?;
    tx.commit().await?;
    Ok(visitor)
}

/// Stores agenda acts, all or none.
pub async fn add_agenda(db: &Database, actor: &str, entries: &[NewAgendaEntry]) -> Result<usize, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let officials = officials(&mut tx).await?;
    for entry in entries {
        let name = officials.get(&entry.official).map(|(name, _)| name.as_str()).unwrap_or_default();
        let words =
            [name, &entry.official, &entry.place, &entry.subject, &entry.participants, &entry.represents].join(" ");
        sqlx::query(
            "INSERT INTO agenda_entries (id, official, date, time, place, subject, participants, represents, lobbying, \
             search, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(random_id())
        .bind(&entry.official)
        .bind(&entry.date)
        .bind(&entry.time)
        .bind(&entry.place)
        .bind(&entry.subject)
        .bind(&entry.participants)
        .bind(&entry.represents)
        .bind(i64::from(entry.lobbying))
        .bind(fold(&words))
        .bind(audit::now_utc())
        .execute(&mut *tx)
        .await?;
    }
    let detail = format!("{} agenda acts", entries.len());
    audit::record_in(&mut tx, db, Capability::Visits, actor, "agenda", "agenda_entries", &detail).await?;
    tx.commit().await?;
    Ok(entries.len())
}

/// `LIKE` text for a term: `%`, `_` and `\` taken literally.
fn like(term: &str) -> String {
    let escaped: String =
        term.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("%{escaped}%")
}

/// The `WHERE` of a search over `table` (alias `r`) whose day is `day_column`, and its values in order.
fn filter(search: &Search, day_column: &str) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    for term in search_terms(&search.query) {
        values.push(like(&term));
        clauses.push(format!("r.search LIKE ${} ESCAPE '\\'", values.len()));
    }
    if !search.from.is_empty() {
        values.push(search.from.clone());
        clauses.push(format!("r.{day_column} >= ${}", values.len()));
    }
    if !search.to.is_empty() {
        values.push(search.to.clone());
        clauses.push(format!("r.{day_column} <= ${}", values.len()));
    }
    if !search.official.is_empty() {
        values.push(search.official.clone());
        clauses.push(format!("r.official = ${}", values.len()));
    }
    let clause = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
    (clause, values)
}

async fn count(db: &Database, table: &str, clause: &str, values: &[String]) -> Result<u64, StorageError> {
    let sql = format!("SELECT COUNT(*) FROM {table} r{clause}");
    let query = values.iter().fold(sqlx::query(&sql), |query, value| query.bind(value));
    let total: i64 = query.fetch_one(db.pool()).await?.try_get(0)?;
    Ok(total as u64)
}

fn visit_from(row: &sqlx::any::AnyRow) -> Result<Visit, sqlx::Error> {
    Ok(Visit {
        id: row.try_get("id")?,
        registered_on: row.try_get("registered_on")?,
        visit_date: row.try_get("visit_date")?,
        visitor: row.try_get("visitor")?,
        document: row.try_get("document")?,
        entity: row.try_get("entity")?,
        entity_ruc: row.try_get("entity_ruc")?,
        official: row.try_get("official")?,
        official_name: row.try_get("official_name")?,
        position: row.try_get("position")?,
        place: row.try_get("place")?,
        entry_time: row.try_get("entry_time")?,
        exit_time: row.try_get("exit_time")?,
        reason: row.try_get("reason")?,
        remarks: row.try_get("remarks")?,
        late: row.try_get::<i64, _>("late")? == 1,
    })
}

const VISIT_COLUMNS: &str = "r.id, r.registered_on, r.visit_date, r.visitor, r.document, r.entity, r.entity_ruc, \
     r.official, o.name AS official_name, r.position, r.place, r.entry_time, r.exit_time, r.reason, r.remarks, r.late";

/// The visits a search finds, the latest first, at most `limit`; and how many it finds in all.
pub async fn search_visits(db: &Database, search: &Search, limit: u32) -> Result<(Vec<Visit>, u64), StorageError> {
    let (clause, values) = filter(search, "visit_date");
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits r JOIN officials o ON o.id = r.official{clause} \
         ORDER BY r.visit_date DESC, r.entry_time DESC, r.id LIMIT {limit}"
    );
    let query = values.iter().fold(sqlx::query(&sql), |query, value| query.bind(value));
    let rows = query.fetch_all(db.pool()).await?;
    let visits = rows.iter().map(visit_from).collect::<Result<Vec<_>, _>>()?;
    let total = if (visits.len() as u64) < u64::from(limit) {
        visits.len() as u64
    } else {
        count(db, "visits", &clause, &values).await?
    };
    Ok((visits, total))
}

/// The visits of `day` whose exit is not registered yet: the door's list.
pub async fn open_visits(db: &Database, day: &str) -> Result<Vec<Visit>, StorageError> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits r JOIN officials o ON o.id = r.official \
         WHERE r.visit_date = $1 AND r.exit_time = '' ORDER BY r.entry_time, r.id"
    );
    let rows = sqlx::query(&sql).bind(day).fetch_all(db.pool()).await?;
    Ok(rows.iter().map(visit_from).collect::<Result<_, _>>()?)
}

/// Every visit by someone representing an entity with a RUC: what the alerts join on.
pub async fn visits_of_entities(db: &Database) -> Result<Vec<Visit>, StorageError> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits r JOIN officials o ON o.id = r.official WHERE r.entity_ruc <> '' \
         ORDER BY r.visit_date, r.entry_time, r.id"
    );
    let rows = sqlx::query(&sql).fetch_all(db.pool()).await?;
    Ok(rows.iter().map(visit_from).collect::<Result<_, _>>()?)
}

/// One visit.
pub async fn visit(db: &Database, id: &str) -> Result<Option<Visit>, StorageError> {
    let sql = format!("SELECT {VISIT_COLUMNS} FROM visits r JOIN officials o ON o.id = r.official WHERE r.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.pool()).await?;
    Ok(row.as_ref().map(visit_from).transpose()?)
}

/// The agenda acts a search finds, the latest first, at most `limit`; and how many in all.
pub async fn search_agenda(
    db: &Database,
    search: &Search,
    limit: u32,
) -> Result<(Vec<AgendaEntry>, u64), StorageError> {
    let (clause, values) = filter(search, "date");
    let sql = format!(
        "SELECT r.id, r.official, o.name, r.date, r.time, r.place, r.subject, r.participants, r.represents, r.lobbying \
         FROM agenda_entries r JOIN officials o ON o.id = r.official{clause} \
         ORDER BY r.date DESC, r.time DESC, r.id LIMIT {limit}"
    );
    let query = values.iter().fold(sqlx::query(&sql), |query, value| query.bind(value));
    let rows = query.fetch_all(db.pool()).await?;
    let entries = rows
        .iter()
        .map(|row| {
            Ok(AgendaEntry {
                id: row.try_get(0)?,
                official: row.try_get(1)?,
                official_name: row.try_get(2)?,
                date: row.try_get(3)?,
                time: row.try_get(4)?,
                place: row.try_get(5)?,
                subject: row.try_get(6)?,
                participants: row.try_get(7)?,
                represents: row.try_get(8)?,
                lobbying: row.try_get::<i64, _>(9)? == 1,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let total = if (entries.len() as u64) < u64::from(limit) {
        entries.len() as u64
    } else {
        count(db, "agenda_entries", &clause, &values).await?
    };
    Ok((entries, total))
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_takes_wildcards_literally() {
        assert_eq!(super::like("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
