//! Storage on SQLite (the default, one file under the data directory) or PostgreSQL (for deployments
//! that run several server instances), through one code path: sqlx's `Any` driver. Each backend has
//! its own embedded migrations because their DDL differs (e.g. BLOB against BYTEA), while the
//! queries, written with `$N` parameters, are shared.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported database URL (expected sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
    #[error("cannot create the database directory {path}: {source}")]
    CreateDirectory { path: String, source: std::io::Error },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// 128 random bits in hex: ids of reports and names of stored objects, which say nothing about when or
/// in what order anything arrived.
pub fn random_id() -> String {
    envelope::hex_lower(&random_bytes::<16>())
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source works");
    bytes
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StorageError::UnsupportedUrl(redact_url(url)))
        }
    }
}

/// A pool of connections to the portal's database, with its migrations applied.
#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
}

impl Database {
    /// Connects (creating the SQLite file and its directory if needed) and applies every pending
    /// migration before returning, so no request ever sees an old schema.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, StorageError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work while a report is written; FULL makes a commit
                        // durable before the portal acknowledges it.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let database = Self { pool, backend };
        database.migrate().await?;
        Ok(database)
    }

    async fn migrate(&self) -> Result<(), StorageError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so a busy database is waited for (busy_timeout) instead of failing: a deferred
    /// transaction that has read cannot wait for the lock and fails with "database is locked".
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers; used by the health endpoint.
    pub async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// An SQLite URL's path and query string (`None` if it is not an SQLite URL).
fn sqlite_path_and_query(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    Some(rest.split_once('?').unwrap_or((rest, "")))
}

/// The file of an SQLite database URL (`None` for PostgreSQL or an in-memory database).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let (path, _) = sqlite_path_and_query(url)?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Makes sure the SQLite file's directory exists and that the file is created on first use.
fn prepare_sqlite_url(url: &str) -> Result<String, StorageError> {
    let file = sqlite_file(url);
    if let Some(parent) = file.as_deref().and_then(Path::parent).filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|source| StorageError::CreateDirectory { path: parent.display().to_string(), source })?;
    }
    let query = sqlite_path_and_query(url).map_or("", |(_, query)| query);
    let mode = if query.contains("mode=") {
        ""
    } else if query.is_empty() {
        "?mode=rwc"
    } else {
        "&mode=rwc"
    };
    Ok(format!("{url}{mode}"))
}

/// A database URL with any password replaced, safe to print in an error or a log.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _password)) => {
                    format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
                }
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_url_hides_only_the_password() {
        assert_eq!(
            redact_url("postgres://portal:s3cret@127.0.0.1:5432/portal"),
            "postgres://portal:***@127.0.0.1:5432/portal"
        );
        assert_eq!(redact_url("postgres://portal@localhost/portal"), "postgres://portal@localhost/portal");
        assert_eq!(redact_url("sqlite://data/portal.db"), "sqlite://data/portal.db");
    }

    #[test]
    fn backend_is_chosen_by_url_scheme() {
        assert_eq!(Backend::from_url("sqlite://data/portal.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("postgresql://h/db").unwrap(), Backend::Postgres);
        assert!(matches!(Backend::from_url("mysql://h/db"), Err(StorageError::UnsupportedUrl(_))));
    }

    #[test]
    fn sqlite_url_gets_create_mode_once() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/nested/portal.db", dir.path().display());
        assert_eq!(prepare_sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.path().join("nested").is_dir());
        let with_mode = format!("{url}?mode=ro");
        assert_eq!(prepare_sqlite_url(&with_mode).unwrap(), with_mode);
    }
}
