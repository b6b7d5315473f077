//! Output paths that never lose a user's file: the one place where commands
//! (run, demo, compare, sweep, merge, report) decide whether they may write a
//! path, lock it against other reformsim processes, clean up what a killed run
//! left behind, and switch new results into place.
//!
//! The rules:
//!
//! * Paths are compared canonically (symbolic links, `.` and `..`, relative or
//!   absolute), so an output is never one of the inputs under another name.
//! * An existing results folder is replaced only if it holds nothing but what
//!   reformsim writes there for the same kind of results; anything else is named
//!   and kept, and the command refuses before doing any work.
//! * A writer holds `.NAME.lock` beside its output (an operating-system lock on a
//!   file holding its process id) from before the work until the output is in
//!   place: concurrent writers to one path refuse clearly, and a lock left by a
//!   killed process is simply taken over, since the system released it.
//! * Results are written to `.NAME.partial-PID` beside their destination (so the
//!   final rename never crosses file systems) and switched in by renames: the old
//!   folder is moved aside to `.NAME.old-PID`, the new one moved in, the old one
//!   removed. A run killed between the two renames leaves the old folder aside;
//!   the next writer of that path moves it back before anything else.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

pub use super::mount::{check_file_not_mount_point, check_no_mount_inside, check_not_mount_point};
pub use super::paths::canonical;
use super::{ExportError, io_error};

/// The files of a run's folder (`reformsim run`, and each scenario of the demo).
pub const RUN_FILES: [&str; 10] = [
    "summary.csv",
    "departments.csv",
    "divisions.csv",
    "services.csv",
    "daily.csv",
    "yearly.csv",
    "windows.csv",
    "assessment.csv",
    "jurisdictions.csv",
    "manifest.ron",
];

/// The page `reformsim report` writes into a result folder by default.
pub const REPORT_FILE: &str = "report.html";

/// The files of the other kinds of result folder (a comparison, a sweep, an
/// optimisation), besides those of [`RUN_FILES`].
const OTHER_RESULT_FILES: [&str; 8] = [
    "comparison.csv",
    "replications.csv",
    "runs.csv",
    "points.csv",
    "journal.csv",
    "candidates.csv",
    "selection.csv",
    "result.txt",
];

/// Whether `name` is one of the files of any kind of result folder: output paths
/// are never allowed to be one of these inside a result folder.
pub fn is_result_file(name: &str) -> bool {
    RUN_FILES.contains(&name) || OTHER_RESULT_FILES.contains(&name)
}

/// How many foreign files an error message names before saying how many more.
const NAMED_AT_MOST: usize = 10;

/// Whether `path` is a symbolic link to nothing: written through, the link
/// would be replaced by a folder or file of ours, so every output refuses it.
pub fn dangling_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) && std::fs::metadata(path).is_err()
}

/// Why an output refuses a [`dangling_link`], after the path.
pub const DANGLING_LINK: &str = "is a symbolic link to a place that does not exist; nothing was changed: point the link somewhere that exists, or choose another path";

/// The folder holding `target` (canonical) and the name inside it.
fn split(target: &Path) -> Result<(PathBuf, String), ExportError> {
    match (target.parent(), target.file_name()) {
        (Some(parent), Some(name)) => Ok((parent.to_path_buf(), name.to_string_lossy().into_owned())),
        _ => Err(ExportError::NotAnOutput(target.to_path_buf())),
    }
}

/// Creates the folder that will hold the output `target` (the folder `parent`),
/// or says plainly why it cannot ([`unwritable`]), before any work.
fn make_parent(target: &Path, parent: &Path) -> Result<(), ExportError> {
    if let Err(source) = std::fs::create_dir_all(parent) {
        return Err(unwritable(target, parent, source));
    }
    if !parent.is_dir() {
        return Err(ExportError::FileInTheWay { output: target.to_path_buf(), file: parent.to_path_buf() });
    }
    Ok(())
}

/// Creates the output folder `folder` and the folders above it, or says plainly
/// why it cannot ([`unwritable`]): for a command that writes into its output
/// folder directly (a sweep, an analysis).
pub fn create_folder(folder: &Path) -> Result<(), ExportError> {
    match std::fs::create_dir_all(folder) {
        Ok(()) if folder.is_dir() => Ok(()),
        Ok(()) => Err(ExportError::NotAFolder(folder.to_path_buf())),
        Err(source) => Err(unwritable(folder, folder, source)),
    }
}

/// Says plainly why the output `output` cannot be made in `folder` (the folder
/// that holds it, or the output folder itself), given the system's error
/// `source` in doing so: a file where `folder` or a folder above it should be
/// ([`ExportError::FileInTheWay`], or [`ExportError::NotAFolder`] when it is the
/// output itself); a read-only folder or one the user may not write
/// ([`ExportError::ReadOnly`], naming the nearest folder that exists); else the
/// system's words ([`ExportError::Unwritable`]).
pub fn unwritable(output: &Path, folder: &Path, source: std::io::Error) -> ExportError {
    // The nearest place at or above `folder` that exists; a path through a file
    // does not (`file/sub`: "not a directory"), and neither does a missing one.
    let existing = folder.ancestors().find_map(|place| std::fs::metadata(place).ok().map(|meta| (place, meta)));
    match existing {
        Some((file, meta)) if !meta.is_dir() && file == output => ExportError::NotAFolder(file.to_path_buf()),
        Some((file, meta)) if !meta.is_dir() => {
            ExportError::FileInTheWay { output: output.to_path_buf(), file: file.to_path_buf() }
        }
        Some((place, _)) if source.kind() == std::io::ErrorKind::ReadOnlyFilesystem => {
            ExportError::ReadOnly { folder: place.to_path_buf(), read_only: true }
        }
        Some((place, _)) if source.kind() == std::io::ErrorKind::PermissionDenied => {
            ExportError::ReadOnly { folder: place.to_path_buf(), read_only: false }
        }
        _ => ExportError::Unwritable { path: folder.to_path_buf(), source },
    }
}

/// Whether process `pid` is running. Used only to spare a live process's
/// leftovers; where it cannot be told, the lock (held by the caller) decides.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// An exclusive claim on an output path, held from before the work until the
/// output is in place; released (and its file removed) when dropped.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    // Field order matters: the lock file is removed (in `drop`) while still locked.
    file: File,
}

impl OutputLock {
    /// Claims `target` (canonical) by locking `.NAME.lock` beside it. Another live
    /// reformsim process holding it makes this fail with [`ExportError::InUse`];
    /// a lock file left by a killed process is taken over.
    pub fn acquire(target: &Path) -> Result<OutputLock, ExportError> {
        let (parent, name) = split(target)?;
        make_parent(target, &parent)?;
        let path = parent.join(format!(".{name}.lock"));
        // The holder removes the file as it finishes; one who opened it just before
        // then holds a lock on a removed file, sees so, and tries again.
        for _ in 0..64 {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|source| unwritable(target, &parent, source))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let pid = std::fs::read_to_string(&path).ok().and_then(|t| t.trim().parse().ok());
                    return Err(ExportError::InUse { path: target.to_path_buf(), pid });
                }
                Err(TryLockError::Error(source)) => return Err(ExportError::Io { path, source }),
            }
            if !same_file(&file, &path) {
                continue;
            }
            let mut lock = OutputLock { path, file };
            lock.file.set_len(0).map_err(io_error(&lock.path))?;
            writeln!(lock.file, "{}", std::process::id()).map_err(io_error(&lock.path))?;
            return Ok(lock);
        }
        Err(ExportError::InUse { path: target.to_path_buf(), pid: None })
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the open `file` is still the one at `path` (not removed or replaced).
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// The process id in a leftover's name `.NAME.KIND-PID`, if it is one of `name`'s.
fn leftover_pid(entry: &str, name: &str, kind: &str) -> Option<u32> {
    entry.strip_prefix('.')?.strip_prefix(name)?.strip_prefix('.')?.strip_prefix(kind)?.strip_prefix('-')?.parse().ok()
}

/// Puts back an old folder that a killed writer had moved aside, and removes the
/// partial results and old folders that writers of `name` in `parent` left behind
/// when they were killed. The caller holds the lock on `name`, so no live reformsim
/// process is writing them; a leftover whose process still runs is kept anyway.
fn clean_leftovers(parent: &Path, name: &str) -> Result<(), ExportError> {
    let target = parent.join(name);
    let mut leftovers = Vec::new();
    for entry in std::fs::read_dir(parent).map_err(io_error(parent))? {
        let entry = entry.map_err(io_error(parent))?;
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        for kind in ["old", "partial"] {
            if let Some(pid) = leftover_pid(&entry_name, name, kind)
                && !process_alive(pid)
            {
                leftovers.push((kind, entry.path()));
            }
        }
    }
    // Old folders first: one whose replacement never arrived goes back in place.
    leftovers.sort();
    for (kind, path) in leftovers {
        if kind == "old" && std::fs::symlink_metadata(&target).is_err() {
            std::fs::rename(&path, &target).map_err(io_error(&target))?;
        } else if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path).map_err(io_error(&path))?;
        } else {
            std::fs::remove_file(&path).map_err(io_error(&path))?;
        }
    }
    Ok(())
}

/// Makes renames in `folder` durable where the system allows ([`super::atomic::sync_folder`]);
/// a folder that cannot be synced leaves the renames atomic, only less durable.
fn sync_folder(folder: &Path) {
    let _ = super::atomic::sync_folder(folder);
}

/// Switches the complete folder `staging` in at `target` (both in one parent):
/// an existing `target` is renamed aside and checked by `still_replaceable`,
/// `staging` renamed in, then the old one removed. If moving the new one in
/// fails, the old one is put back; if the process is killed in between,
/// [`OutputLock`]'s next holder puts it back. An old folder that may no longer
/// be replaced (files of the user's put in it meanwhile) is put back as it was,
/// and `staging` is kept beside it, named `NAME.new-PID`
/// ([`ExportError::ChangedMeanwhile`]).
pub fn replace_folder(
    staging: &Path,
    target: &Path,
    still_replaceable: impl Fn(&Path) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let (parent, name) = split(target)?;
    let aside = parent.join(format!(".{name}.old-{}", std::process::id()));
    let had_old = std::fs::symlink_metadata(target).is_ok();
    if had_old {
        std::fs::rename(target, &aside).map_err(io_error(target))?;
        // Checked moved aside, where nothing writes to it by mistake.
        if let Err(why) = still_replaceable(&aside) {
            std::fs::rename(&aside, target).map_err(io_error(target))?;
            let kept = keep_beside(staging, target)?;
            return Err(ExportError::ChangedMeanwhile { why: Box::new(why), kept });
        }
    }
    if let Err(source) = std::fs::rename(staging, target) {
        if had_old {
            let _ = std::fs::rename(&aside, target);
        }
        return Err(ExportError::Io { path: target.to_path_buf(), source });
    }
    sync_folder(&parent);
    if had_old {
        std::fs::remove_dir_all(&aside).map_err(io_error(&aside))?;
    }
    Ok(())
}

/// Moves staged results (a folder or a file) beside `target`, as `NAME.new-PID`,
/// instead of in its place; returns where they are.
fn keep_beside(staging: &Path, target: &Path) -> Result<PathBuf, ExportError> {
    let (parent, name) = split(target)?;
    let kept = parent.join(format!("{name}.new-{}", std::process::id()));
    std::fs::rename(staging, &kept).map_err(io_error(&kept))?;
    Ok(kept)
}

/// What an existing folder may hold for a command to replace it.
#[derive(Clone, Debug)]
pub enum Replace {
    /// Results written once (a comparison, a merge): only an empty folder is replaced.
    Never {
        /// The command, for the message (`compare`, `merge`).
        what: &'static str,
    },
    /// A run's results: the folder is replaced if it holds a run's manifest and
    /// nothing but a run's files, the report page, and `also` (paths relative to
    /// the folder that this run writes there too, e.g. its event log).
    Run {
        /// More files this run writes inside the folder.
        also: Vec<PathBuf>,
    },
    /// A comparison's results: the folder is replaced if it holds nothing but a
    /// comparison's files and the report page, and its manifest names the same
    /// scenario files ([`super::manifest::check_same_comparison`]).
    Comparison {
        /// The scenario files compared (canonical), the reference first.
        scenarios: Vec<PathBuf>,
    },
}

/// A results folder claimed for writing: checked and locked; the results are
/// written into [`FolderOutput::staging`] and switched in by [`FolderOutput::commit`].
/// Dropped without a commit, it removes the staging folder and leaves the old one.
#[derive(Debug)]
pub struct FolderOutput {
    target: PathBuf,
    staging: PathBuf,
    /// What the folder may hold to be replaced, checked again at the commit.
    replace: Replace,
    committed: bool,
    _lock: OutputLock,
}

impl FolderOutput {
    /// Claims `folder` for new results, before any work: refuses a path that is not
    /// a folder, a folder holding anything `replace` does not allow (naming the
    /// files, which are kept), a folder holding one of `inputs` (canonical paths),
    /// and a folder another reformsim process is writing. Cleans what killed
    /// writers left, and creates the empty staging folder beside it.
    pub fn claim(folder: &Path, replace: &Replace, inputs: &[PathBuf]) -> Result<FolderOutput, ExportError> {
        let target = canonical(folder);
        let (parent, name) = split(&target)?;
        check_not_working_folder(&target)?;
        check_not_mount_point(&target, &parent)?;
        if let Some(input) = inputs.iter().find(|i| i.starts_with(&target)) {
            return Err(ExportError::HoldsInput { folder: target.clone(), input: input.clone() });
        }
        check_folder(&target, replace)?;
        let lock = OutputLock::acquire(&target)?;
        clean_leftovers(&parent, &name)?;
        // Checked again under the lock: the folder may have been put back or written meanwhile.
        check_folder(&target, replace)?;
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        std::fs::create_dir(&staging).map_err(|source| unwritable(&target, &parent, source))?;
        Ok(FolderOutput { target, staging, replace: replace.clone(), committed: false, _lock: lock })
    }

    /// The final folder (canonical).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The folder to write the results into.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Switches the staged results into place and releases the lock. The folder
    /// they replace is checked again first: a file put in it while the command
    /// ran is the user's, so the folder is left as it is and the new results are
    /// kept beside it ([`replace_folder`]).
    pub fn commit(mut self) -> Result<(), ExportError> {
        let folder = self.target.clone();
        let replace = self.replace.clone();
        let check = |aside: &Path| {
            check_folder(aside, &replace).map_err(|e| match e {
                // Named as the user knows the folder, not by its name aside.
                ExportError::Foreign { files, .. } => ExportError::Foreign { folder: folder.clone(), files },
                ExportError::OtherResults { found, .. } => ExportError::OtherResults { folder: folder.clone(), found },
                ExportError::NotEmpty { what, .. } => ExportError::NotEmpty { folder: folder.clone(), what },
                other => other,
            })
        };
        let result = replace_folder(&self.staging, &self.target, check);
        // Either way the staging folder is gone: switched in, or kept beside.
        self.committed = matches!(result, Ok(()) | Err(ExportError::ChangedMeanwhile { .. }));
        result
    }
}

impl Drop for FolderOutput {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Refuses an output folder (canonical) that is the working folder or one of
/// the folders above it (`--out .`, `--out ..`): replacing it, as results are
/// switched in, would remove the folder the user's shell is in (with anything
/// they put there meanwhile).
pub fn check_not_working_folder(target: &Path) -> Result<(), ExportError> {
    let Ok(here) = std::env::current_dir() else { return Ok(()) };
    let here = canonical(&here);
    if here.starts_with(target) {
        let suggested = super::subfolder_for_results(&here);
        return Err(ExportError::HoldsWorkingFolder { folder: target.to_path_buf(), here, suggested });
    }
    Ok(())
}

/// Refuses `target` unless it is absent, empty, or holds only what `replace` allows.
fn check_folder(target: &Path, replace: &Replace) -> Result<(), ExportError> {
    if dangling_link(target) {
        return Err(ExportError::DanglingLink(target.to_path_buf()));
    }
    let Ok(meta) = std::fs::metadata(target) else { return Ok(()) };
    if !meta.is_dir() {
        return Err(ExportError::NotAFolder(target.to_path_buf()));
    }
    let empty = std::fs::read_dir(target).map_err(io_error(target))?.next().is_none();
    if empty {
        return Ok(());
    }
    match replace {
        Replace::Never { what } => Err(ExportError::NotEmpty { folder: target.to_path_buf(), what }),
        Replace::Run { also } => {
            // An earlier run's manifest names the event log it wrote inside the folder.
            let manifest = run_manifest(target);
            let earlier_log = manifest.as_ref().ok().and_then(|log| log.as_ref());
            let allowed = |relative: &Path| {
                also.iter().any(|a| a == relative)
                    || earlier_log.is_some_and(|log| log == relative)
                    || top_level_result(relative, &RUN_FILES)
            };
            let mut foreign = Vec::new();
            list_foreign(target, Path::new(""), &allowed, &mut foreign)?;
            if !foreign.is_empty() {
                return Err(ExportError::Foreign { folder: target.to_path_buf(), files: foreign });
            }
            match manifest {
                Ok(_) => Ok(()),
                Err(found) => Err(ExportError::OtherResults { folder: target.to_path_buf(), found }),
            }
        }
        Replace::Comparison { scenarios } => {
            let same = super::manifest::check_same_comparison(target, scenarios);
            if let Err(Some(found)) = same {
                return Err(ExportError::OtherResults { folder: target.to_path_buf(), found });
            }
            let allowed = |relative: &Path| top_level_result(relative, &super::manifest::COMPARISON_FILES);
            let mut foreign = Vec::new();
            list_foreign(target, Path::new(""), &allowed, &mut foreign)?;
            if !foreign.is_empty() {
                return Err(ExportError::Foreign { folder: target.to_path_buf(), files: foreign });
            }
            let found = "no manifest.ron, so it cannot be told to be a comparison's results".to_string();
            same.map_err(|_| ExportError::OtherResults { folder: target.to_path_buf(), found })
        }
    }
}

/// Whether `relative` is one of `files`, the report page or a page's leftover,
/// at the top of a results folder.
fn top_level_result(relative: &Path, files: &[&str]) -> bool {
    let top = relative.to_string_lossy();
    relative.components().count() == 1
        && (files.contains(&top.as_ref()) || top == REPORT_FILE || leftover_pid(&top, REPORT_FILE, "tmp").is_some())
}

/// Appends to `foreign` the paths under `folder/relative` that `allowed` does not
/// accept; returns how many it accepted. A folder with nothing accepted inside is
/// named as a whole.
fn list_foreign(
    folder: &Path,
    relative: &Path,
    allowed: &dyn Fn(&Path) -> bool,
    foreign: &mut Vec<PathBuf>,
) -> Result<usize, ExportError> {
    let here = folder.join(relative);
    let mut entries: Vec<_> = std::fs::read_dir(&here)
        .map_err(io_error(&here))?
        .map(|e| e.map(|e| (e.file_name(), e.file_type())))
        .collect::<Result<_, _>>()
        .map_err(io_error(&here))?;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut accepted = 0;
    for (name, kind) in entries {
        let path = relative.join(&name);
        // Only a plain file may be taken for one of ours: a folder or a link of
        // the user's under one of our names is theirs.
        if allowed(&path) && kind.as_ref().is_ok_and(std::fs::FileType::is_file) {
            accepted += 1;
        } else if kind.as_ref().is_ok_and(std::fs::FileType::is_dir) {
            let mut inside = Vec::new();
            let found = list_foreign(folder, &path, allowed, &mut inside)?;
            if found == 0 {
                foreign.push(path);
            } else {
                foreign.extend(inside);
                accepted += found;
            }
        } else {
            foreign.push(path);
        }
    }
    Ok(accepted)
}

/// `Ok` (with the event log the run wrote inside the folder, if any) if
/// `folder/manifest.ron` is a run's manifest; else what the folder holds.
fn run_manifest(folder: &Path) -> Result<Option<PathBuf>, String> {
    #[derive(serde::Deserialize)]
    struct RunManifest {
        program: String,
        #[serde(rename = "scenario_path")]
        _scenario_path: String,
        #[serde(rename = "model_hash_fnv1a64")]
        _model_hash: String,
        #[serde(default)]
        event_log: Option<String>,
    }
    let path = folder.join("manifest.ron");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Err("no manifest.ron, so it cannot be told to be a run's results".into());
    };
    match ron::from_str::<RunManifest>(&text) {
        // Only a plain relative path inside the folder counts.
        Ok(m) if m.program == env!("CARGO_PKG_NAME") => {
            Ok(m.event_log.map(PathBuf::from).filter(|p| p.components().all(|c| matches!(c, Component::Normal(_)))))
        }
        _ if text.contains("sweep_hash_fnv1a64") => Err("a sweep's results, not a run's".into()),
        _ if text.contains("scenarios:") => Err("a comparison's results, not a run's".into()),
        _ => Err("a manifest.ron that is not a reformsim run's".into()),
    }
}

/// A file output (an event log, a report page) claimed for writing: checked and
/// locked; written to [`FileOutput::staging`] beside its destination, and renamed
/// into place by [`FileOutput::commit`]. Dropped without a commit, it removes the
/// staging file.
#[derive(Debug)]
pub struct FileOutput {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
    _lock: OutputLock,
}

impl FileOutput {
    /// Claims the file `path`, before any work: refuses one of `inputs`
    /// (canonical), one of the result files of a result folder, a folder, and a
    /// place that cannot be written (its folder is created if missing). Creates
    /// the empty staging file beside it.
    pub fn claim(path: &Path, inputs: &[PathBuf]) -> Result<FileOutput, ExportError> {
        let target = canonical(path);
        check_file_target(&target, inputs)?;
        let (parent, name) = split(&target)?;
        make_parent(&target, &parent)?;
        let lock = OutputLock::acquire(&target)?;
        clean_leftovers(&parent, &name)?;
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        File::create(&staging).map_err(|source| unwritable(&target, &parent, source))?;
        Ok(FileOutput { target, staging, committed: false, _lock: lock })
    }

    /// The final file (canonical).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The file to write into.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Keeps the staged file beside the destination, as `NAME.new-PID`, instead of
    /// switching it in (a destination that changed during the work, a file of
    /// the user's put there, is kept); returns where it is.
    pub fn keep_beside(mut self) -> Result<PathBuf, ExportError> {
        let kept = keep_beside(&self.staging, &self.target)?;
        self.committed = true;
        Ok(kept)
    }

    /// Renames the staged file over the destination and releases the lock.
    pub fn commit(mut self) -> Result<(), ExportError> {
        std::fs::rename(&self.staging, &self.target).map_err(io_error(&self.target))?;
        if let Some(parent) = self.target.parent() {
            sync_folder(parent);
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for FileOutput {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.staging);
        }
    }
}

/// Refuses a file output (canonical) that is an input, a folder, a mount point,
/// or one of the files of an existing result folder.
pub fn check_file_target(target: &Path, inputs: &[PathBuf]) -> Result<(), ExportError> {
    if let Some(input) = inputs.iter().find(|i| *i == target) {
        return Err(ExportError::OverwritesInput { output: target.to_path_buf(), input: input.clone() });
    }
    if target.is_dir() {
        return Err(ExportError::IsAFolder(target.to_path_buf()));
    }
    if std::fs::metadata(target).is_ok_and(|meta| !meta.is_file()) {
        return Err(ExportError::SpecialFile(target.to_path_buf()));
    }
    if dangling_link(target) {
        return Err(ExportError::DanglingLink(target.to_path_buf()));
    }
    check_file_not_mount_point(target)?;
    let (parent, name) = split(target)?;
    if is_result_file(&name) && parent.join("manifest.ron").is_file() {
        return Err(ExportError::InsideResults { output: target.to_path_buf(), folder: parent });
    }
    Ok(())
}

/// Lists foreign file names for a message: the first few, then how many more.
pub fn list_names(files: &[PathBuf]) -> String {
    let mut shown: Vec<String> = files.iter().take(NAMED_AT_MOST).map(|f| f.display().to_string()).collect();
    if files.len() > NAMED_AT_MOST {
        shown.push(format!("and {} more", files.len() - NAMED_AT_MOST));
    }
    shown.join(", ")
}

/// The mark `reformsim report` leaves in every page it writes.
const REPORT_MARK: &str = "<meta name=\"generator\" content=\"reformsim";

/// Refuses to replace `page` unless it is absent or a page `reformsim report` wrote
/// (every report page, named with `--out` or not, and the demo's).
pub fn check_report_page(page: &Path) -> Result<(), ExportError> {
    let page = canonical(page);
    if page.is_dir() {
        return Err(ExportError::IsAFolder(page));
    }
    let Ok(meta) = std::fs::metadata(&page) else { return Ok(()) };
    if !meta.is_file() {
        // A named pipe, a device: not a page (and opening a pipe would wait for a writer).
        return Err(ExportError::NotAReport { page, regular: false });
    }
    // A report page is small; reading a bounded prefix is enough to find its mark.
    let mut head = Vec::new();
    let read = File::open(&page).and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, 4096), &mut head));
    if read.is_ok() && String::from_utf8_lossy(&head).contains(REPORT_MARK) {
        return Ok(());
    }
    Err(ExportError::NotAReport { page, regular: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_names_of_one_path_are_one_canonical_path() {
        let dir = std::env::temp_dir().join(format!("reformsim-output-canonical-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a")).expect("mkdir");
        let real = canonical(&dir.join("a/x.csv"));
        assert_eq!(canonical(&dir.join("a/./b/../x.csv")), real);
        assert_eq!(canonical(&dir.join("a/missing/../x.csv")), real);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("a"), dir.join("link")).expect("symlink");
            assert_eq!(canonical(&dir.join("link/x.csv")), real);
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn leftovers_are_told_by_name_and_process() {
        assert_eq!(leftover_pid(".out.partial-12", "out", "partial"), Some(12));
        assert_eq!(leftover_pid(".out.old-7", "out", "old"), Some(7));
        assert_eq!(leftover_pid(".out.partial-12", "ou", "partial"), None);
        assert_eq!(leftover_pid(".out.v2.partial-3", "out", "partial"), None);
        assert_eq!(leftover_pid("out.partial-3", "out", "partial"), None);
        assert!(process_alive(std::process::id()));
    }
}
