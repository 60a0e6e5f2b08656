//! Arrival times on disk. The portal keeps the day a report arrived and nothing finer, so no file may
//! tell the second either. Object files are written with modification time 1970-01-01, but every write
//! and every change of times also sets a file's change time (ctime) to now, which no program can choose:
//! an attachment's ctime was the second it was stored. So every few seconds (a random 2 to 10) the
//! files of today's and yesterday's reports and messages and the object directories are stamped with
//! 1970 again, and the SQLite files with the time of the pass: their times then tell when the last pass
//! ran. Once a day is over its files keep the time of the pass that last saw them, the same for all of
//! them, which tells the day only.
//!
//! What remains, stated in the README: a file stored in the seconds between the last pass and the moment
//! the server stopped keeps its own second; and a PostgreSQL server's write-ahead log records commit
//! times (its data directory is the deployer's, and full-disk encryption covers it).

use app::platform::database::Database;
use app::platform::files::{FileStore, set_modified};
use app::reporting::storage::reports::objects_of_days;
use std::path::PathBuf;
use std::time::Duration;

/// What one pass stamps.
#[derive(Clone)]
pub struct Restamper {
    pub store: FileStore,
    pub database: Database,
    /// The SQLite database file (with its `-wal` and `-shm` beside it), if the portal uses SQLite.
    pub sqlite_file: Option<PathBuf>,
}

impl Restamper {
    /// One pass; returns how many files were stamped.
    pub async fn pass(&self, today: &str, yesterday: &str) -> Result<usize, String> {
        let names = objects_of_days(&self.database, [today, yesterday]).await.map_err(|e| e.to_string())?;
        let mut stamped = self.store.restamp(names).await.map_err(|e| e.to_string())?;
        if let Some(file) = &self.sqlite_file {
            let mut paths = vec![file.clone()];
            for suffix in ["-wal", "-shm"] {
                let mut name = file.clone().into_os_string();
                name.push(suffix);
                paths.push(name.into());
            }
            if let Some(dir) = file.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                paths.push(dir.to_path_buf());
            }
            // Now rather than 1970: backup tools that compare modification times must still see that
            // the database changed.
            stamped += set_modified(paths, std::time::SystemTime::now()).await.map_err(|e| e.to_string())?;
        }
        Ok(stamped)
    }

    /// Passes every 2 to 10 seconds, at random, for as long as the server runs.
    pub async fn keep_stamping(self) {
        loop {
            let mut byte = [0u8; 1];
            getrandom::getrandom(&mut byte).expect("the operating system's random source works");
            tokio::time::sleep(Duration::from_millis(2_000 + u64::from(byte[0]) * 8_000 / 255)).await;
            let today = crate::today_in_lima();
            let yesterday = crate::day_before(&today);
            if let Err(error) = self.pass(&today, &yesterday).await {
                tracing::error!(%error, "stamping file times failed");
            }
        }
    }
}
