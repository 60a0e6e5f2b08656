//! Fresh databases for the storage tests: a real SQLite file, and a new database on the PostgreSQL
//! server named by `TEST_POSTGRES_URL` (which `scripts/test` installs and starts).
#![allow(dead_code)]

use app::platform::database::{Backend, Database};

/// A fresh, empty database of each kind.
pub struct TestDatabase {
    pub database: Database,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestDatabase {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/data/portal.db", dir.path().display());
    TestDatabase { database: Database::open(&url, 4).await.unwrap(), _dir: Some(dir) }
}

pub async fn postgres() -> TestDatabase {
    let database = Database::open(&empty_postgres_database().await, 4).await.unwrap();
    assert_eq!(database.backend(), Backend::Postgres);
    TestDatabase { database, _dir: None }
}

/// The URL of a new, empty database on the PostgreSQL server named by `TEST_POSTGRES_URL`.
pub async fn empty_postgres_database() -> String {
    let server = std::env::var("TEST_POSTGRES_URL")
        .expect("TEST_POSTGRES_URL must name a PostgreSQL server (scripts/test starts one)");
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&server).await.expect("connect to the PostgreSQL test server");
    let name = format!("portal_test_{}_{}", std::process::id(), rand_suffix());
    let create = format!("CREATE DATABASE {name}");
    sqlx::query(&create).execute(&admin).await.unwrap();
    admin.close().await;
    let (base, _) = server.rsplit_once('/').expect("URL with a database path");
    format!("{base}/{name}")
}

/// A random number, for names and lookup hashes that must not clash (the clock's nanoseconds did, for
/// reports made at once on two threads).
pub fn rand_suffix() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).unwrap();
    u64::from_le_bytes(bytes)
}
