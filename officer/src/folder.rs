//! The case folder: everything the tool pulled, opened or prepared, in plain files an officer can
//! copy to removable media. Layout:
//!
//! ```text
//! session.json                    the API session (online machine only)
//! keys.json                       the office keys, for encrypting replies offline
//! audit-anchor.json               the last audit entry this folder verified
//! cases/<case>/case.json          metadata from the server (days, status, deadlines, files)
//! cases/<case>/report.age         the encrypted report, as stored
//! cases/<case>/objects/<o>.age    encrypted attachments
//! cases/<case>/messages/<m>.age   encrypted messages
//! cases/<case>/opened/            what `open` decrypted (never leaves the air-gapped machine)
//! outbox/<item>/                  replies waiting to be pushed; sent/<item>/ once pushed
//! ```

pub use case_api::{CaseDetail, CaseSummary, ObjectRef, OfficeKey};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is damaged: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{0:?} is not a case id")]
    BadId(String),
    #[error("no case {0} in this folder (pull or import it first)")]
    NoCase(String),
}

pub fn io(path: &Path) -> impl Fn(std::io::Error) -> FolderError + '_ {
    move |source| FolderError::Io { path: path.to_path_buf(), source }
}

/// Ids and object names come from the server: only these shapes may become file names.
pub fn check_name(name: &str) -> Result<&str, FolderError> {
    let stem = name.strip_suffix(".age").unwrap_or(name);
    if stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(name)
    } else {
        Err(FolderError::BadId(name.into()))
    }
}

pub struct Folder {
    pub root: PathBuf,
}

impl Folder {
    pub fn open(root: &Path) -> Result<Self, FolderError> {
        std::fs::create_dir_all(root.join("cases")).map_err(io(root))?;
        Ok(Self { root: root.to_path_buf() })
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    pub fn case_dir(&self, id: &str) -> Result<PathBuf, FolderError> {
        Ok(self.root.join("cases").join(check_name(id)?))
    }

    /// The ids of the cases in the folder, sorted.
    pub fn case_ids(&self) -> Result<Vec<String>, FolderError> {
        let dir = self.root.join("cases");
        let mut ids: Vec<String> = std::fs::read_dir(&dir)
            .map_err(io(&dir))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().to_string())
            .filter(|name| check_name(name).is_ok())
            .collect();
        ids.sort();
        Ok(ids)
    }

    pub fn read_case(&self, id: &str) -> Result<CaseDetail, FolderError> {
        let path = self.case_dir(id)?.join("case.json");
        if !path.exists() {
            return Err(FolderError::NoCase(id.into()));
        }
        read_json(&path)
    }
}

pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, FolderError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    serde_json::from_slice(&bytes).map_err(|source| FolderError::Json { path: path.to_path_buf(), source })
}

/// Writes a file whole or not at all (a temporary file renamed into place).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FolderError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, bytes).map_err(io(&temporary))?;
    std::fs::rename(&temporary, path).map_err(io(path))
}

pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), FolderError> {
    write_atomic(path, &serde_json::to_vec_pretty(value).expect("serialisable"))
}
