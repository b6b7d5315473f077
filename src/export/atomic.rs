//! Atomic file writes, the one implementation every output shares: a file is
//! written to a hidden temporary sibling (`.NAME.tmp-PID`), flushed to disk and
//! renamed over its final name, then the folder is synced, so a reader (or a
//! restart after power loss) sees the old file or the new one, never half of one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file or folder that could not be written, and why.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    /// The file or folder.
    pub path: PathBuf,
    /// The operating system's reason.
    pub source: std::io::Error,
}

/// Adds the path to an I/O error.
fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError { path: path.to_path_buf(), source }
}

/// A file being written under a temporary name, renamed into place by [`AtomicFile::commit`].
pub struct AtomicFile {
    temporary: PathBuf,
    target: PathBuf,
    writer: BufWriter<File>,
}

impl AtomicFile {
    /// Starts writing `target`.
    pub fn create(target: &Path) -> Result<AtomicFile, WriteError> {
        let folder = target.parent().unwrap_or(Path::new("."));
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temporary = folder.join(format!(".{name}.tmp-{}", std::process::id()));
        let file = File::create(&temporary).map_err(io_error(&temporary))?;
        Ok(AtomicFile { temporary, target: target.to_path_buf(), writer: BufWriter::with_capacity(1 << 16, file) })
    }

    /// Appends bytes.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.writer.write_all(bytes).map_err(io_error(&self.temporary))
    }

    /// Flushes, syncs and renames the file into place, and syncs the folder.
    pub fn commit(self) -> Result<(), WriteError> {
        let target = self.rename_into_place()?;
        sync_folder(target.parent().unwrap_or(Path::new(".")))
    }

    /// Flushes, syncs and renames the file into place, leaving the folder sync to
    /// the caller (one sync after several renames).
    pub fn rename_into_place(self) -> Result<PathBuf, WriteError> {
        let AtomicFile { temporary, target, writer } = self;
        let file = writer.into_inner().map_err(|e| WriteError { path: temporary.clone(), source: e.into_error() })?;
        file.sync_all().map_err(io_error(&temporary))?;
        drop(file);
        std::fs::rename(&temporary, &target).map_err(io_error(&target))?;
        Ok(target)
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut file = AtomicFile::create(path)?;
    file.write(bytes)?;
    file.commit()
}

/// Makes a rename or removal in `folder` durable.
pub fn sync_folder(folder: &Path) -> Result<(), WriteError> {
    let folder = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
    // Syncing a folder is how Unix makes a rename durable; elsewhere the rename is atomic but
    // its durability is left to the file system.
    #[cfg(unix)]
    File::open(folder).and_then(|f| f.sync_all()).map_err(io_error(folder))?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}
