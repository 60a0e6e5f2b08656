//! Stored files, through one interface: [`FileStore`]. Today they are the ciphertext objects of reports
//! and messages; filed documents, receipts and minutes will be too. Callers write through
//! [`IncomingObject`], make it durable with [`FileStore::keep`], read with [`FileStore::read`] (a stream
//! from an offset, with the length), and never see a path, so that an S3-compatible store can be added
//! as a second [`Backend`] without touching them.
//!
//! The local folder (the only backend today) is `data_dir/objects/`. An upload is written to
//! `incoming/`, fsynced, then renamed into place and the directory fsynced, all before the report's
//! transaction commits; so an acknowledged report never points at a missing or half-written file.
//! Whatever a crash leaves behind (files in `incoming/`, or objects no report refers to) is removed at
//! the next start.

use std::collections::HashSet;
use std::path::PathBuf;
use std::pin::Pin;
use tokio::fs::{self, File};
use tokio::io::{AsyncRead, AsyncSeekExt, AsyncWriteExt};

/// Where stored files live.
#[derive(Clone, Debug)]
pub enum Backend {
    /// A folder on this machine (fsynced writes, atomic renames).
    LocalFolder(PathBuf),
}

#[derive(Clone, Debug)]
pub struct FileStore {
    backend: Backend,
    /// The ending of every stored name (`.age` for ciphertext objects, `.pdf` for filed documents):
    /// the sweep touches only these.
    extension: &'static str,
}

/// A stored file being read: its whole length, and its bytes from the offset asked for.
pub struct StoredRead {
    pub len: u64,
    pub bytes: Pin<Box<dyn AsyncRead + Send>>,
}

/// An object being written. Dropping it without [`FileStore::keep`] leaves a file in `incoming/`
/// that [`FileStore::discard`] or the next start removes.
#[derive(Debug)]
pub struct IncomingObject {
    file: File,
    path: PathBuf,
    name: String,
    len: u64,
}

/// An object that is durable on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredObject {
    pub name: String,
    pub len: u64,
}

impl IncomingObject {
    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file.write_all(bytes).await?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl FileStore {
    /// Opens (creating) a store of ciphertext objects (`.age`) in a local folder and removes what an
    /// interrupted upload left in `incoming/`.
    pub async fn open(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        Self::open_with_extension(dir, ".age").await
    }

    /// Opens (creating) a store whose files' names end in `extension` (`.pdf`).
    pub async fn open_with_extension(dir: impl Into<PathBuf>, extension: &'static str) -> std::io::Result<Self> {
        let dir = dir.into();
        let incoming = dir.join("incoming");
        if fs::try_exists(&incoming).await? {
            fs::remove_dir_all(&incoming).await?;
        }
        fs::create_dir_all(&incoming).await?;
        Ok(Self { backend: Backend::LocalFolder(dir), extension })
    }

    /// The local folder, for the code that must work on the files themselves (their times).
    fn dir(&self) -> &PathBuf {
        match &self.backend {
            Backend::LocalFolder(dir) => dir,
        }
    }

    /// Where a stored file is on this machine, if the backend keeps files here: for tests and
    /// operators' tools, never for serving (use [`FileStore::read`]).
    pub fn local_path(&self, name: &str) -> Option<PathBuf> {
        match &self.backend {
            Backend::LocalFolder(dir) => Some(dir.join(name)),
        }
    }

    /// Reads stored file `name` from byte `from` (at most its length); `NotFound` if there is none.
    pub async fn read(&self, name: &str, from: u64) -> std::io::Result<StoredRead> {
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(std::io::ErrorKind::NotFound.into());
        }
        match &self.backend {
            Backend::LocalFolder(dir) => {
                let mut file = File::open(dir.join(name)).await?;
                let len = file.metadata().await?.len();
                file.seek(std::io::SeekFrom::Start(from.min(len))).await?;
                Ok(StoredRead { len, bytes: Box::pin(file) })
            }
        }
    }

    pub async fn create(&self) -> std::io::Result<IncomingObject> {
        let name = super::database::random_id() + self.extension;
        let path = self.dir().join("incoming").join(&name);
        let file = fs::OpenOptions::new().write(true).create_new(true).open(&path).await?;
        Ok(IncomingObject { file, path, name, len: 0 })
    }

    /// Makes the object durable: its data, its name in the directory, and the directory itself.
    pub async fn keep(&self, mut object: IncomingObject) -> std::io::Result<StoredObject> {
        object.file.flush().await?;
        // A file's modification time would tell when the report arrived, which the portal does not
        // keep: every object says 1970-01-01.
        let file = object.file.try_clone().await?.into_std().await;
        tokio::task::spawn_blocking(move || file.set_modified(std::time::UNIX_EPOCH))
            .await
            .map_err(std::io::Error::other)??;
        object.file.sync_all().await?;
        drop(object.file);
        let target = self.dir().join(&object.name);
        fs::rename(&object.path, &target).await?;
        File::open(self.dir()).await?.sync_all().await?;
        Ok(StoredObject { name: object.name, len: object.len })
    }

    /// Removes a kept object whose report then failed to commit.
    pub async fn discard(&self, name: &str) {
        let _ = fs::remove_file(self.dir().join(name)).await;
    }

    pub async fn discard_incoming(&self, object: IncomingObject) {
        drop(object.file);
        let _ = fs::remove_file(&object.path).await;
    }

    /// Stamps the named objects, and the store's directories, with modification time 1970-01-01 again.
    /// Setting a file's times sets its change time (ctime, which no program can choose) to now: done
    /// every few seconds over the recent objects, their ctimes tell when the last pass ran, not when each
    /// arrived. Objects that are gone are skipped. Returns how many files were stamped.
    pub async fn restamp(&self, names: Vec<String>) -> std::io::Result<usize> {
        let dir = self.dir();
        let mut paths: Vec<PathBuf> = names.iter().map(|name| dir.join(name)).collect();
        paths.extend([dir.join("incoming"), dir.clone()]);
        set_modified(paths, std::time::UNIX_EPOCH).await
    }

    /// Removes stored objects no record refers to (left by a crash between rename and commit).
    pub async fn sweep(&self, referenced: &HashSet<String>) -> std::io::Result<usize> {
        let mut removed = 0;
        let mut entries = fs::read_dir(self.dir()).await?;
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.ends_with(self.extension) && !referenced.contains(&name) && entry.file_type().await?.is_file() {
                fs::remove_file(entry.path()).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Sets the modification time of each file or directory in `paths` to `time` (which also sets its
/// change time to now), skipping those that do not exist; how many were set. By path (`utimensat`),
/// never through a descriptor: POSIX locks belong to the process, and closing any descriptor of a file
/// releases all of them, SQLite's own on its database, WAL and WAL index included. Another program that
/// opens the database then takes it for unused and resets the WAL index under the server, which dies
/// of SIGBUS at its next access (an end-to-end run's server did, when this opened and closed the files).
pub async fn set_modified(paths: Vec<PathBuf>, time: std::time::SystemTime) -> std::io::Result<usize> {
    use rustix::fs::{AtFlags, CWD, Timespec, Timestamps, UTIME_OMIT, utimensat};
    let since_epoch = time.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let times = Timestamps {
        last_access: Timespec { tv_sec: 0, tv_nsec: UTIME_OMIT },
        last_modification: Timespec {
            tv_sec: since_epoch.as_secs() as i64,
            tv_nsec: since_epoch.subsec_nanos().into(),
        },
    };
    tokio::task::spawn_blocking(move || {
        let mut stamped = 0;
        for path in paths {
            match utimensat(CWD, path.as_path(), &times, AtFlags::empty()) {
                Ok(()) => stamped += 1,
                Err(rustix::io::Errno::NOENT) => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(stamped)
    })
    .await
    .map_err(std::io::Error::other)?
}
