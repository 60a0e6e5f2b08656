//! Bundles: one tar file to carry a folder's cases and keys to the air-gapped machine, or its outbox
//! back. Importing never writes outside the folder (the tar crate refuses `..` and absolute paths) and
//! never brings decrypted files or a session across.

use crate::folder::{Folder, FolderError, io};
use std::path::Path;

/// What a bundle carries.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Contents {
    /// `keys.json` and every case's encrypted files and metadata (not `opened/`).
    Cases,
    /// The outbox: prepared replies.
    Outbox,
}

pub fn export(folder: &Folder, contents: Contents, out: &Path) -> Result<usize, FolderError> {
    let file = std::fs::File::create(out).map_err(io(out))?;
    let mut builder = tar::Builder::new(file);
    let mut count = 0;
    let mut add = |relative: &Path| -> Result<(), FolderError> {
        let path = folder.root.join(relative);
        builder.append_path_with_name(&path, relative).map_err(io(&path))?;
        count += 1;
        Ok(())
    };
    let mut walk = |top: &str, skip_opened: bool| -> Result<(), FolderError> {
        let mut stack = vec![folder.root.join(top)];
        while let Some(dir) = stack.pop() {
            if !dir.exists() {
                continue;
            }
            for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
                let path = entry.map_err(io(&dir))?.path();
                let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                if path.is_dir() {
                    if !(skip_opened && name == "opened") {
                        stack.push(path);
                    }
                } else if !name.ends_with(".part") && !name.ends_with(".tmp") {
                    add(path.strip_prefix(&folder.root).expect("inside the folder"))?;
                }
            }
        }
        Ok(())
    };
    match contents {
        Contents::Cases => {
            walk("cases", true)?;
            if folder.path("keys.json").exists() {
                add(Path::new("keys.json"))?;
            }
        }
        Contents::Outbox => walk("outbox", false)?,
    }
    builder.into_inner().and_then(|file| file.sync_all()).map_err(io(out))?;
    Ok(count)
}

/// Unpacks a bundle into the folder; only `cases/`, `outbox/` and `keys.json` entries are taken.
pub fn import(folder: &Folder, bundle: &Path) -> Result<usize, FolderError> {
    let file = std::fs::File::open(bundle).map_err(io(bundle))?;
    let mut archive = tar::Archive::new(file);
    let mut count = 0;
    for entry in archive.entries().map_err(io(bundle))? {
        let mut entry = entry.map_err(io(bundle))?;
        let path = entry.path().map_err(io(bundle))?.to_path_buf();
        let allowed = path == Path::new("keys.json")
            || ((path.starts_with("cases") || path.starts_with("outbox"))
                && !path.components().any(|c| c.as_os_str() == "opened"));
        if allowed && entry.unpack_in(&folder.root).map_err(io(&path))? {
            count += 1;
        }
    }
    Ok(count)
}
