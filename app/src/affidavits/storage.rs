//! Affidavits and their versions. Plain `async fn(&Database, …)`. The public reads never touch
//! `affidavit_private_relatives`; only [`declared_links`] (for the alerts) does.

use super::fields::NewAffidavit;
use super::{Affidavit, Entry, Section, Summary};
use crate::platform::audit::{self, Capability};
use crate::platform::database::{Database, StorageError, random_id};
use crate::platform::text::search_terms;
use sqlx::Row;

/// Stores an affidavit as its official's next version. Returns (id, version).
pub async fn add(db: &Database, actor: &str, affidavit: &NewAffidavit) -> Result<(String, i64), StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let version: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 FROM affidavits WHERE official = $1")
        .bind(&affidavit.official)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let id = random_id();
    sqlx::query(
        "INSERT INTO affidavits (id, official, kind, presented_on, version, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&affidavit.official)
    .bind(affidavit.kind.code())
    .bind(&affidavit.presented_on)
    .bind(version)
    .bind(audit::now_utc())
    .execute(&mut *tx)
    .await?;
    for (position, (section, entry)) in affidavit.entries.iter().enumerate() {
        sqlx::query(
            "INSERT INTO affidavit_entries (affidavit, section, position, name, ruc, detail, relationship, share_bp, \
             start_date, end_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(section.code())
        .bind(position as i64)
        .bind(&entry.name)
        .bind(&entry.ruc)
        .bind(&entry.detail)
        .bind(&entry.relationship)
        .bind(entry.share_bp)
        .bind(&entry.start_date)
        .bind(&entry.end_date)
        .execute(&mut *tx)
        .await?;
    }
    for (position, relative) in affidavit.private_relatives.iter().enumerate() {
        sqlx::query(
            "INSERT INTO affidavit_private_relatives (affidavit, position, name, relationship, employer, employer_ruc) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(position as i64)
        .bind(&relative.name)
        .bind(&relative.relationship)
        .bind(&relative.employer)
        .bind(&relative.employer_ruc)
        .execute(&mut *tx)
        .await?;
    }
    // The audit entry names the version, not its contents: private relatives stay out of the chain.
    let detail = format!("{} version {version} ({})", affidavit.official, affidavit.kind.code());
    audit::record_in(&mut tx, db, Capability::Affidavits, actor, "add", &id, &detail).await?;
    tx.commit().await?;
    Ok((id, version))
}

const SUMMARY: &str = "SELECT a.id, a.official, o.name, o.position, o.area, a.kind, a.presented_on, a.version \
     FROM affidavits a JOIN officials o ON o.id = a.official";

fn summary_from(row: &sqlx::any::AnyRow) -> Result<Summary, sqlx::Error> {
    Ok(Summary {
        id: row.try_get(0)?,
        official: row.try_get(1)?,
        official_name: row.try_get(2)?,
        position: row.try_get(3)?,
        area: row.try_get(4)?,
        kind: row.try_get(5)?,
        presented_on: row.try_get(6)?,
        version: row.try_get(7)?,
    })
}

/// The affidavits whose official's name, position or area hold every word of `query` (without case
/// or accents), of one official if `official` is set: the latest first.
pub async fn search(db: &Database, query: &str, official: &str) -> Result<Vec<Summary>, StorageError> {
    let sql = if official.is_empty() {
        format!("{SUMMARY} ORDER BY a.presented_on DESC, o.name, a.version DESC")
    } else {
        format!("{SUMMARY} WHERE a.official = $1 ORDER BY a.version DESC")
    };
    let mut select = sqlx::query(&sql);
    if !official.is_empty() {
        select = select.bind(official);
    }
    let rows = select.fetch_all(db.pool()).await?;
    let terms = search_terms(query);
    let summaries = rows.iter().map(summary_from).collect::<Result<Vec<_>, _>>()?;
    // Few rows (one a year per official): folding here keeps the search the same on both databases.
    Ok(summaries
        .into_iter()
        .filter(|s| {
            let words = crate::platform::text::fold(&format!("{} {} {}", s.official_name, s.position, s.area));
            terms.iter().all(|term| words.contains(term.as_str()))
        })
        .collect())
}

fn entry_from(row: &sqlx::any::AnyRow) -> Result<(Section, Entry), sqlx::Error> {
    let section: String = row.try_get("section")?;
    let section = Section::parse(&section).ok_or_else(|| sqlx::Error::Decode("unknown affidavit section".into()))?;
    Ok((
        section,
        Entry {
            name: row.try_get("name")?,
            ruc: row.try_get("ruc")?,
            detail: row.try_get("detail")?,
            relationship: row.try_get("relationship")?,
            share_bp: row.try_get("share_bp")?,
            start_date: row.try_get("start_date")?,
            end_date: row.try_get("end_date")?,
        },
    ))
}

const ENTRY_COLUMNS: &str = "e.section, e.name, e.ruc, e.detail, e.relationship, e.share_bp, e.start_date, e.end_date";

/// One affidavit with its public sections.
pub async fn affidavit(db: &Database, id: &str) -> Result<Option<Affidavit>, StorageError> {
    let Some(row) = sqlx::query(&format!("{SUMMARY} WHERE a.id = $1")).bind(id).fetch_optional(db.pool()).await? else {
        return Ok(None);
    };
    let summary = summary_from(&row)?;
    let rows = sqlx::query(&format!(
        "SELECT {ENTRY_COLUMNS} FROM affidavit_entries e WHERE e.affidavit = $1 ORDER BY e.position"
    ))
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let entries = rows.iter().map(entry_from).collect::<Result<Vec<_>, _>>()?;
    let sections = Section::ALL
        .into_iter()
        .map(|section| {
            (section, entries.iter().filter(|(s, _)| *s == section).map(|(_, entry)| entry.clone()).collect())
        })
        .collect();
    Ok(Some(Affidavit { summary, sections }))
}

/// Every public entry of every affidavit with its affidavit: the open data.
pub async fn public_entries(db: &Database) -> Result<Vec<(Summary, Section, Entry)>, StorageError> {
    let rows = sqlx::query(&format!(
        "SELECT a.id, a.official, o.name, o.position, o.area, a.kind, a.presented_on, a.version, {ENTRY_COLUMNS} \
         FROM affidavit_entries e JOIN affidavits a ON a.id = e.affidavit JOIN officials o ON o.id = a.official \
         ORDER BY o.name, a.version, e.position"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let (section, entry) = entry_from(row)?;
            Ok((summary_from(row)?, section, entry))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StorageError::from)
}

/// A RUC an official's latest affidavit names, and how: what the alerts join on. Reads the private
/// relatives too; what it returns is shown only as "a relative's employer", never the relative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredLink {
    pub official: String,
    pub affidavit: String,
    pub ruc: String,
    /// The entry's section; relatives (public or not) are `Section::Relatives`.
    pub section: Section,
    /// The company's or employer's name as declared; empty for an unpublished relative, whose employer
    /// text is never read here (the alerts name the supplier instead).
    pub name: String,
    /// False for the employer of a relative who is not published.
    pub public: bool,
}

/// The RUCs in each official's latest affidavit: the published entries first, each by official and place.
pub async fn declared_links(db: &Database) -> Result<Vec<DeclaredLink>, StorageError> {
    let latest = "SELECT a.id, a.official FROM affidavits a WHERE a.version = \
                  (SELECT MAX(b.version) FROM affidavits b WHERE b.official = a.official)";
    let public = sqlx::query(&format!(
        "SELECT l.official, l.id, e.ruc, e.section, CASE WHEN e.section = 'parientes' THEN e.detail ELSE e.name END \
         FROM ({latest}) l JOIN affidavit_entries e ON e.affidavit = l.id WHERE e.ruc <> '' \
         ORDER BY l.official, e.position"
    ))
    .fetch_all(db.pool())
    .await?;
    let private = sqlx::query(&format!(
        "SELECT l.official, l.id, p.employer_ruc, 'parientes', '' \
         FROM ({latest}) l JOIN affidavit_private_relatives p ON p.affidavit = l.id WHERE p.employer_ruc <> '' \
         ORDER BY l.official, p.position"
    ))
    .fetch_all(db.pool())
    .await?;
    let flagged = public.iter().map(|row| (row, true)).chain(private.iter().map(|row| (row, false)));
    flagged
        .map(|(row, public)| {
            let section: String = row.try_get(3)?;
            Ok(DeclaredLink {
                official: row.try_get(0)?,
                affidavit: row.try_get(1)?,
                ruc: row.try_get(2)?,
                section: Section::parse(&section).unwrap_or(Section::Relatives),
                name: row.try_get(4)?,
                public,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StorageError::from)
}
