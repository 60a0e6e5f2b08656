//! Central Alerta incidents: importing CSV files (validated, idempotent, all or nothing), keeping the
//! monthly counts the statistics are computed from, and reading both back.

use crate::platform::database::{Backend, Database, StorageError};
use sqlx::Row;
use statistics::record::{CSV_HEADER, FieldError};
use statistics::{Channel, Cube, CubeCell, IncidentRecord, IncidentType, Module, Month, Subtype, Zone};
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Rows written per statement. sqlx's SQLite driver looks up every parameter by name, a cost that grows
/// with the square of the parameters in a statement (86 % of import time at 500 rows), so SQLite gets
/// small statements and PostgreSQL large ones (8 parameters a row, far below either limit).
fn batch_size(db: &Database) -> usize {
    match db.backend() {
        Backend::Sqlite => 40,
        Backend::Postgres => 500,
    }
}
/// Errors kept for the report (all are counted).
const ERRORS_KEPT: usize = 100;
/// How often the progress callback is called, in records.
pub const PROGRESS_EVERY: u64 = 100_000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the first line must be the header {expected:?}, found {found:?}")]
    Header { expected: String, found: String },
    #[error("{count} invalid line(s); nothing was imported")]
    Invalid { count: u64, errors: Vec<LineError> },
    #[error("cannot read the file: {0}")]
    Read(#[from] csv::Error),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for ImportError {
    fn from(error: sqlx::Error) -> Self {
        ImportError::Storage(StorageError::Database(error))
    }
}

/// One invalid line of an import, numbered as an editor numbers it (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("line {line}: {error}")]
    Field { line: u64, error: FieldError },
    #[error("line {line}: id {id:?} already appears on line {first}")]
    Duplicate { line: u64, id: String, first: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub records: u64,
    /// New records, and existing ones whose fields changed.
    pub written: u64,
    pub unchanged: u64,
    pub months_recounted: usize,
}

#[derive(Debug, Clone, Copy)]
pub struct ImportProgress {
    pub records: u64,
    pub bytes_read: u64,
}

/// Counts the bytes the CSV reader takes, for progress on large files.
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Imports a CSV file of incidents (schema: `statistics/INCIDENTS_CSV.md`). Every line is validated;
/// if any is invalid nothing is written and the errors come back with their line numbers. Records are
/// keyed by `id`: importing the same file again changes nothing, and a corrected file updates what
/// changed. The counts of every month touched are rebuilt in the same transaction.
pub async fn import_csv(
    db: &Database,
    reader: impl Read,
    mut progress: impl FnMut(ImportProgress),
) -> Result<ImportSummary, ImportError> {
    let bytes_read = Arc::new(AtomicU64::new(0));
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(CountingReader { inner: reader, count: bytes_read.clone() });
    let mut row = csv::StringRecord::new();
    let header_ok = csv.read_record(&mut row)? && {
        let found: Vec<&str> = row.iter().map(|f| f.trim().trim_start_matches('\u{feff}')).collect();
        found == CSV_HEADER
    };
    if !header_ok {
        return Err(ImportError::Header {
            expected: CSV_HEADER.join(","),
            found: row.iter().collect::<Vec<_>>().join(","),
        });
    }
    let mut transaction = db.begin_write().await?;
    // A 64-bit hash of each id with its line: duplicates within the file are errors, at ~16 bytes a
    // record instead of keeping millions of strings.
    let hasher = std::collections::hash_map::RandomState::new();
    let mut first_line: HashMap<u64, u64> = HashMap::new();
    let mut errors = Vec::new();
    let mut error_count = 0u64;
    let batch_size = batch_size(db);
    let mut batch = Vec::with_capacity(batch_size);
    let mut months = BTreeSet::new();
    let (mut records, mut written) = (0u64, 0u64);
    while csv.read_record(&mut row)? {
        let line = row.position().map_or(0, |p| p.line());
        let fields: Vec<&str> = row.iter().collect();
        fn fail(error: LineError, errors: &mut Vec<LineError>, error_count: &mut u64) {
            *error_count += 1;
            if errors.len() < ERRORS_KEPT {
                errors.push(error);
            }
        }
        match IncidentRecord::from_fields(&fields) {
            Ok(record) => match first_line.insert(hasher.hash_one(&record.id), line) {
                Some(first) => {
                    fail(LineError::Duplicate { line, id: record.id.clone(), first }, &mut errors, &mut error_count)
                }
                None if error_count == 0 => batch.push(record),
                None => {}
            },
            Err(field_errors) => {
                for error in field_errors {
                    fail(LineError::Field { line, error }, &mut errors, &mut error_count);
                }
            }
        }
        records += 1;
        if batch.len() == batch_size {
            written += write_batch(&mut transaction, &batch, &mut months).await?;
            batch.clear();
        }
        if records % PROGRESS_EVERY == 0 {
            progress(ImportProgress { records, bytes_read: bytes_read.load(Ordering::Relaxed) });
        }
    }
    if error_count > 0 {
        transaction.rollback().await?;
        return Err(ImportError::Invalid { count: error_count, errors });
    }
    written += write_batch(&mut transaction, &batch, &mut months).await?;
    progress(ImportProgress { records, bytes_read: bytes_read.load(Ordering::Relaxed) });
    if written > 0 {
        for month in &months {
            recount_month(&mut transaction, month).await?;
        }
        sqlx::query("UPDATE incident_dataset SET version = version + 1, updated_at = $1 WHERE id = 1")
            .bind(crate::platform::audit::now_utc())
            .execute(&mut *transaction)
            .await?;
    }
    transaction.commit().await?;
    Ok(ImportSummary {
        records,
        written,
        unchanged: records - written,
        months_recounted: if written > 0 { months.len() } else { 0 },
    })
}

/// Upserts a batch and notes the months whose counts change: the records' months, and the months
/// records move out of when a corrected file changes their date.
async fn write_batch(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    batch: &[IncidentRecord],
    months: &mut BTreeSet<String>,
) -> Result<u64, sqlx::Error> {
    if batch.is_empty() {
        return Ok(0);
    }
    let placeholders: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
    let select = format!("SELECT DISTINCT month FROM incidents WHERE source_id IN ({})", placeholders.join(","));
    let mut old = sqlx::query(&select);
    for record in batch {
        old = old.bind(record.id.as_str());
    }
    for row in old.fetch_all(&mut **transaction).await? {
        months.insert(row.try_get(0)?);
    }
    let values: Vec<String> = (0..batch.len())
        .map(|i| {
            let p = i * 8;
            format!("(${},${},${},${},${},${},${},${})", p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8)
        })
        .collect();
    // Only rows that differ are rewritten, so rows_affected counts new and changed records.
    let sql = format!(
        "INSERT INTO incidents (source_id, occurred_at, month, channel, incident_type, subtype, zone, module) VALUES {} \
         ON CONFLICT (source_id) DO UPDATE SET occurred_at = excluded.occurred_at, month = excluded.month, \
         channel = excluded.channel, incident_type = excluded.incident_type, subtype = excluded.subtype, \
         zone = excluded.zone, module = excluded.module \
         WHERE incidents.occurred_at <> excluded.occurred_at OR incidents.channel <> excluded.channel \
         OR incidents.incident_type <> excluded.incident_type OR incidents.subtype IS DISTINCT FROM excluded.subtype \
         OR incidents.zone <> excluded.zone OR incidents.module IS DISTINCT FROM excluded.module",
        values.join(",")
    );
    let mut insert = sqlx::query(&sql);
    for record in batch {
        months.insert(record.month.to_string());
        insert = insert
            .bind(record.id.as_str())
            .bind(record.occurred_at.as_str())
            .bind(record.month.to_string())
            .bind(record.channel.code())
            .bind(record.incident_type.code())
            .bind(record.subtype.map(Subtype::code))
            .bind(i64::from(record.zone.0))
            .bind(record.module.map(Module::code));
    }
    Ok(insert.execute(&mut **transaction).await?.rows_affected())
}

async fn recount_month(transaction: &mut sqlx::Transaction<'_, sqlx::Any>, month: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM incident_counts WHERE month = $1").bind(month).execute(&mut **transaction).await?;
    sqlx::query(
        "INSERT INTO incident_counts (month, channel, incident_type, subtype, zone, module, incidents) \
         SELECT month, channel, incident_type, COALESCE(subtype, ''), zone, COALESCE(module, ''), COUNT(*) \
         FROM incidents WHERE month = $1 \
         GROUP BY month, channel, incident_type, COALESCE(subtype, ''), zone, COALESCE(module, '')",
    )
    .bind(month)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// The data set's version: it moves with every import that changes anything.
pub async fn dataset_version(db: &Database) -> Result<i64, StorageError> {
    Ok(sqlx::query("SELECT CAST(version AS BIGINT) FROM incident_dataset WHERE id = 1")
        .fetch_one(db.pool())
        .await?
        .try_get(0)?)
}

/// Every stored count, as the cube the views are computed from.
pub async fn load_cube(db: &Database) -> Result<Cube, StorageError> {
    let rows = sqlx::query(
        "SELECT month, channel, incident_type, subtype, CAST(zone AS BIGINT), module, CAST(incidents AS BIGINT) \
         FROM incident_counts",
    )
    .fetch_all(db.pool())
    .await?;
    let mut cells = Vec::with_capacity(rows.len());
    for row in rows {
        let text = |index: usize| row.try_get::<String, _>(index);
        let (month, channel, incident_type) = (text(0)?, text(1)?, text(2)?);
        let (subtype, module) = (text(3)?, text(5)?);
        let zone: i64 = row.try_get(4)?;
        let cell = (|| {
            Some(CubeCell {
                month: Month::parse(&month)?,
                channel: Channel::parse(&channel)?,
                incident_type: IncidentType::parse(&incident_type)?,
                subtype: if subtype.is_empty() { None } else { Some(Subtype::parse(&subtype)?) },
                zone: Zone::parse(&zone.to_string())?,
                module: if module.is_empty() { None } else { Some(Module::parse(&module)?) },
                incidents: u64::try_from(row.try_get::<i64, _>(6).ok()?).ok()?,
            })
        })();
        // Only the importer writes these rows, from validated records; anything else is skipped loudly.
        match cell {
            Some(cell) => cells.push(cell),
            None => tracing::error!(
                month,
                channel,
                incident_type,
                subtype,
                zone,
                module,
                "skipping an unreadable incident count"
            ),
        }
    }
    Ok(Cube::new(cells))
}

/// The cube in memory, reloaded when an import (by this or another server instance) moves the data
/// set's version. Each request costs one primary-key read of the version.
#[derive(Default)]
pub struct CubeCache {
    current: std::sync::RwLock<Option<(i64, Arc<Cube>)>>,
    reload: tokio::sync::Mutex<()>,
}

impl CubeCache {
    pub async fn cube(&self, db: &Database) -> Result<Arc<Cube>, StorageError> {
        let version = dataset_version(db).await?;
        let cached = |cache: &Self| {
            cache
                .current
                .read()
                .expect("cube cache lock")
                .as_ref()
                .filter(|(v, _)| *v == version)
                .map(|(_, cube)| cube.clone())
        };
        if let Some(cube) = cached(self) {
            return Ok(cube);
        }
        // One reload at a time; whoever waited finds it done.
        let _reloading = self.reload.lock().await;
        if let Some(cube) = cached(self) {
            return Ok(cube);
        }
        let cube = Arc::new(load_cube(db).await?);
        *self.current.write().expect("cube cache lock") = Some((version, cube.clone()));
        Ok(cube)
    }
}

/// Reads every incident in time order, in pages of `page` records after `after` (the last
/// `(occurred_at, source_id)` seen), so a download streams without holding a connection for minutes.
pub async fn incidents_after(
    db: &Database,
    after: Option<(&str, &str)>,
    page: i64,
) -> Result<Vec<IncidentRecord>, StorageError> {
    const COLUMNS: &str = "source_id, occurred_at, channel, incident_type, subtype, CAST(zone AS BIGINT), module";
    let after_sql = format!(
        "SELECT {COLUMNS} FROM incidents WHERE (occurred_at, source_id) > ($1, $2) ORDER BY occurred_at, source_id LIMIT $3"
    );
    let first_sql = format!("SELECT {COLUMNS} FROM incidents ORDER BY occurred_at, source_id LIMIT $1");
    let query = match after {
        Some((time, id)) => sqlx::query(&after_sql).bind(time.to_string()).bind(id.to_string()).bind(page),
        None => sqlx::query(&first_sql).bind(page),
    };
    let rows = query.fetch_all(db.pool()).await?;
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let subtype: Option<String> = row.try_get(4)?;
        let module: Option<String> = row.try_get(6)?;
        let zone: i64 = row.try_get(5)?;
        let fields = [
            row.try_get::<String, _>(0)?,
            row.try_get::<String, _>(1)?,
            row.try_get::<String, _>(2)?,
            row.try_get::<String, _>(3)?,
            subtype.unwrap_or_default(),
            zone.to_string(),
            module.unwrap_or_default(),
        ];
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        match IncidentRecord::from_fields(&fields) {
            Ok(record) => records.push(record),
            Err(errors) => tracing::error!(id = fields[0], ?errors, "skipping an unreadable stored incident"),
        }
    }
    Ok(records)
}

/// What the complaint statistics are computed from: per report, the day received, its status, the
/// office's category and the day of acknowledgement. No ids, no contents.
pub struct ComplaintFacts {
    pub received_on: String,
    pub status: String,
    pub category: Option<String>,
    pub acknowledged_on: Option<String>,
}

pub async fn complaint_facts(db: &Database) -> Result<Vec<ComplaintFacts>, StorageError> {
    let rows =
        sqlx::query("SELECT received_on, status, category, acknowledged_on FROM reports").fetch_all(db.pool()).await?;
    rows.iter()
        .map(|row| {
            Ok(ComplaintFacts {
                received_on: row.try_get(0)?,
                status: row.try_get(1)?,
                category: row.try_get(2)?,
                acknowledged_on: row.try_get(3)?,
            })
        })
        .collect()
}
