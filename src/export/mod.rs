//! Writing results: one module per output format, all behind plain functions
//! that take the results and a folder.
//!
//! A run's folder is written completely in a temporary sibling folder and then
//! renamed into place, so a reader never sees half a result; [`output`] decides
//! which paths may be written at all, so that no user's file is ever lost.

pub mod atomic;
pub mod csv;
pub mod event_log;
pub mod manifest;
mod mount;
pub mod output;
mod paths;

use std::path::{Path, PathBuf};

use crate::engine::ReplicationOutput;
use crate::scenario::Model;
use output::{FileOutput, FolderOutput, Replace};

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A file or folder could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// An output path names no file (`/`).
    #[error("{} cannot be an output: name a file or folder inside a folder", .0.display())]
    NotAnOutput(PathBuf),
    /// The place an output goes cannot be created or written, for a reason
    /// other than those below ([`output::unwritable`] tells them apart).
    #[error("cannot write in {}: {source}; choose another output path", path.display())]
    Unwritable {
        /// The folder.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Another reformsim process is writing the same output.
    #[error(
        "{} is being written by another reformsim process{}; wait for it to finish or choose another output path",
        path.display(),
        pid.map_or_else(String::new, |p| format!(" (process {p})"))
    )]
    InUse {
        /// The output.
        path: PathBuf,
        /// The other process, when known.
        pid: Option<u32>,
    },
    /// The output is a symbolic link to nothing ([`output::dangling_link`]).
    #[error("{} {}", .0.display(), output::DANGLING_LINK)]
    DanglingLink(PathBuf),
    /// The output folder exists and is not a folder.
    #[error(
        "{} is a file, not a folder: results need a folder of their own; nothing was changed: choose another --out, or move that file away",
        .0.display()
    )]
    NotAFolder(PathBuf),
    /// A folder the output should go in (its folder, or one above) is a file.
    #[error(
        "{} cannot be written: {} is a file, not a folder; nothing was changed: choose another output path (--out), or move that file away",
        output.display(),
        file.display()
    )]
    FileInTheWay {
        /// The output.
        output: PathBuf,
        /// The file where a folder should be.
        file: PathBuf,
    },
    /// The folder the output goes in (or would be made in) may not be written.
    #[error(
        "cannot write in {}: {}; nothing was changed: choose another output path (--out) in a folder you may write",
        folder.display(),
        if *read_only { "it is on a read-only file system" } else { "you have no permission to write there" }
    )]
    ReadOnly {
        /// The folder (the nearest one that exists).
        folder: PathBuf,
        /// Read-only file system (else: permission denied).
        read_only: bool,
    },
    /// A file output names a folder.
    #[error("{} is a folder; name a file to write", .0.display())]
    IsAFolder(PathBuf),
    /// The page to write exists and is not a report reformsim wrote (no mark in
    /// its first lines); it is kept.
    #[error(
        "{} exists and is not a report reformsim wrote{}; nothing was changed: choose another --out, or move it away",
        page.display(),
        if *regular { "" } else { " (not even a regular file)" }
    )]
    NotAReport {
        /// The page (canonical).
        page: PathBuf,
        /// It is a regular file (else a pipe, a device, a socket).
        regular: bool,
    },
    /// The output folder holds files that are not this kind of results; they are kept.
    #[error(
        "{} holds files reformsim did not write there: {}; nothing was changed: choose another --out, or move those files away",
        folder.display(),
        output::list_names(files)
    )]
    Foreign {
        /// The folder.
        folder: PathBuf,
        /// The files, relative to the folder.
        files: Vec<PathBuf>,
    },
    /// A file output names a pipe, a device or a socket: writing the output
    /// would replace it with a file.
    #[error(
        "{} is not a regular file (a pipe, a device or a socket): an output replaces its file as a whole, so nothing was changed: choose a file's path",
        .0.display()
    )]
    SpecialFile(PathBuf),
    /// A file output names an existing file reformsim did not write; it is kept.
    #[error(
        "{} exists and is not {what} reformsim wrote; nothing was changed: choose another path, or move that file away",
        path.display()
    )]
    ForeignFile {
        /// The file.
        path: PathBuf,
        /// What the output is.
        what: &'static str,
    },
    /// The output folder holds other results (another kind, or no manifest).
    #[error("{} holds {found}; nothing was changed: choose another --out or remove the folder", folder.display())]
    OtherResults {
        /// The folder.
        folder: PathBuf,
        /// What it holds.
        found: String,
    },
    /// The output folder is not empty and the command never replaces results.
    #[error("{} already exists; {what} never overwrites results: choose another --out or remove it", folder.display())]
    NotEmpty {
        /// The folder.
        folder: PathBuf,
        /// The command.
        what: &'static str,
    },
    /// The output folder holds one of the command's input files.
    #[error("{} holds {}, an input of this command; choose another --out", folder.display(), input.display())]
    HoldsInput {
        /// The folder.
        folder: PathBuf,
        /// The input file.
        input: PathBuf,
    },
    /// The output folder is the working folder, or holds it: results replace
    /// their folder as a whole, which would take it away from under the shell.
    #[error(
        "{} {}: results replace their folder as a whole, which would leave your shell in a removed folder; nothing was changed: name a subfolder for them, such as `{}`",
        folder.display(),
        if folder == here { "is the current folder".to_string() } else { format!("holds the current folder, {}", here.display()) },
        suggested.display()
    )]
    HoldsWorkingFolder {
        /// The output folder (canonical).
        folder: PathBuf,
        /// The working folder (canonical).
        here: PathBuf,
        /// A subfolder of the working folder that would be accepted instead
        /// ([`subfolder_for_results`]), relative to it.
        suggested: PathBuf,
    },
    /// The output folder is a mount point (another file system is mounted on
    /// it): results are switched in by renaming their folder, which a mount point
    /// cannot be, so the run would fail at its very end.
    #[error(
        "{} is a mount point: results replace their folder by a rename, which a mount point cannot take; nothing was done: name a folder inside it, such as {}",
        folder.display(),
        folder.join("results").display()
    )]
    MountPoint {
        /// The output folder (canonical).
        folder: PathBuf,
    },
    /// The output folder holds a mount point: the folder moved aside as results
    /// are switched in could not be removed, nor a file mounted in it replaced.
    #[error(
        "{} holds a mount point, {}: results replace their folder and its files by renames, which a mount point cannot take; nothing was done: unmount it, or choose another folder",
        folder.display(),
        mount.display()
    )]
    MountInside {
        /// The output folder (canonical).
        folder: PathBuf,
        /// The mount point inside it.
        mount: PathBuf,
    },
    /// An output file is a mount point (a file is mounted on it): the finished
    /// output replaces it by a rename, which a mount point cannot take.
    #[error(
        "{} is a mount point (a file is mounted on it): an output replaces its file by a rename, which a mount point cannot take; nothing was done: choose another path, or unmount it",
        .0.display()
    )]
    MountedFile(PathBuf),
    /// The output folder changed while the command ran so that it may no longer
    /// be replaced (files of the user's put in it): it is left as it was, and
    /// the new results are kept beside it.
    #[error("{why}\n(it changed while this command ran: it is left as it was; the new results are in {})", kept.display())]
    ChangedMeanwhile {
        /// Why the folder may no longer be replaced.
        why: Box<ExportError>,
        /// Where the new results are.
        kept: PathBuf,
    },
    /// An output file is one of the command's input files.
    #[error("{} is an input of this command (a scenario or a file it reads); writing it would destroy it: choose another output path", output.display())]
    OverwritesInput {
        /// The output.
        output: PathBuf,
        /// The input it is (canonical).
        input: PathBuf,
    },
    /// An output file is one of the files of a result folder.
    #[error("{} is one of the result files of {}; choose another output path", output.display(), folder.display())]
    InsideResults {
        /// The output.
        output: PathBuf,
        /// The result folder.
        folder: PathBuf,
    },
    /// The default output folder of a run holds the results of another
    /// scenario file of the same name ([`manifest::check_same_scenario`]).
    #[error(
        "{} holds the results of another scenario file of the same name, {}; nothing was changed: give {} a `name` of its own, or choose another --out (or remove that folder to replace those results)",
        folder.display(),
        earlier.display(),
        this.display()
    )]
    OtherScenario {
        /// The output folder.
        folder: PathBuf,
        /// The scenario file whose results it holds.
        earlier: PathBuf,
        /// The scenario file being run.
        this: PathBuf,
    },
}

/// A folder inside the working folder `here` that any command would accept as
/// its output, relative to `here`, to suggest instead of `here` itself:
/// `results` when there is none or it is empty, else a new folder in it
/// (`results/out`, then `results/out-2`, …: a folder of earlier results is not
/// replaced by other results), or beside it when `results` is not a folder.
fn subfolder_for_results(here: &Path) -> PathBuf {
    let free = |p: &Path| std::fs::symlink_metadata(here.join(p)).is_err();
    let empty_folder = |p: &Path| {
        let p = here.join(p);
        !p.is_symlink() && std::fs::read_dir(p).is_ok_and(|mut entries| entries.next().is_none())
    };
    let results = Path::new("results");
    if free(results) || empty_folder(results) {
        return results.to_path_buf();
    }
    let (folder, stem) = if here.join(results).is_dir() { (results, "out") } else { (Path::new(""), "results") };
    (1..)
        .map(|k| folder.join(if k == 1 { stem.to_string() } else { format!("{stem}-{k}") }))
        .find(|p| free(p))
        .expect("some name is free")
}

impl ExportError {
    /// True when the output path is to blame and nothing was done (exit status 2),
    /// false for a failure while writing (1).
    pub fn is_input(&self) -> bool {
        // The results of a run whose folder changed meanwhile were written (beside it).
        !matches!(self, ExportError::Io { .. } | ExportError::ChangedMeanwhile { .. })
    }
}

/// Escapes text for HTML, SVG and XML content and attribute values (the five
/// special characters; `'` as `&#39;`, which all three read): the report page
/// and the XES event log both write through it. A tab, line feed or carriage
/// return is written as a character reference, so that an attribute keeps it
/// (a reader turns a raw one into a space); the other control characters,
/// which XML 1.0 cannot carry at all (a name from a CSV may hold one), become
/// U+FFFD, so that the file stays well-formed.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Adds the path to an I/O error.
pub fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io { path: path.to_path_buf(), source }
}

/// What the manifest records about how results were made.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// The scenario file, as it was named.
    pub scenario_path: String,
    /// The scenario file (canonical), recorded relative to the results folder so
    /// that a later run can tell whose results the folder holds.
    pub scenario_file: PathBuf,
    /// Seed.
    pub seed: u64,
    /// Replications.
    pub replications: u64,
    /// The command line.
    pub command_line: Vec<String>,
}

/// Where a run writes, claimed before it simulates (see [`output`]): its folder
/// and, if asked for, its event log, either inside that folder (written with it)
/// or staged beside its own destination.
#[derive(Debug)]
pub struct RunOutput {
    folder: FolderOutput,
    event_log: Option<EventLogOutput>,
}

#[derive(Debug)]
enum EventLogOutput {
    /// Inside the result folder, at this relative path.
    Inside(PathBuf),
    /// Elsewhere.
    Own(FileOutput),
}

impl RunOutput {
    /// Claims `folder` (and `event_log`) for a run reading `inputs` (canonical
    /// paths of its scenario files and catalogues): every check that can fail
    /// for the paths given is done here, before any simulation.
    pub fn claim(folder: &Path, event_log: Option<&Path>, inputs: &[PathBuf]) -> Result<RunOutput, ExportError> {
        let target = output::canonical(folder);
        let log = event_log.map(output::canonical);
        let mut inside = None;
        if let Some(log) = &log {
            output::check_file_target(log, inputs)?;
            if let Ok(relative) = log.strip_prefix(&target) {
                let name = relative.to_string_lossy();
                if relative.as_os_str().is_empty() {
                    // The results folder itself: the log is a file.
                    return Err(ExportError::IsAFolder(log.clone()));
                }
                if output::RUN_FILES.contains(&name.as_ref()) || name == output::REPORT_FILE {
                    return Err(ExportError::InsideResults { output: log.clone(), folder: target.clone() });
                }
                // A file of the user's left in an earlier run's folder is kept, as
                // it is anywhere else: only an earlier event log is replaced.
                if log.exists() && !event_log::replaceable(log) {
                    return Err(ExportError::ForeignFile { path: log.clone(), what: "an event log" });
                }
                inside = Some(relative.to_path_buf());
            }
        }
        let replace = Replace::Run { also: inside.iter().cloned().collect() };
        let folder = FolderOutput::claim(&target, &replace, inputs)?;
        let event_log = match (log, inside) {
            (None, _) => None,
            (Some(_), Some(relative)) => {
                let staged = folder.staging().join(&relative);
                if let Some(parent) = staged.parent() {
                    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
                }
                Some(EventLogOutput::Inside(relative))
            }
            (Some(log), None) => {
                // Only an event log of an earlier run is replaced: a file of the
                // user's under that name (a typo, a tab completion) is kept.
                if !event_log::replaceable(&log) {
                    return Err(ExportError::ForeignFile { path: log, what: "an event log" });
                }
                Some(EventLogOutput::Own(FileOutput::claim(&log, inputs)?))
            }
        };
        Ok(RunOutput { folder, event_log })
    }

    /// The result folder (canonical).
    pub fn folder(&self) -> &Path {
        self.folder.target()
    }

    /// Where the event log is to be written (it moves into place with [`RunOutput::commit`]).
    pub fn event_log_staging(&self) -> Option<PathBuf> {
        match &self.event_log {
            None => None,
            Some(EventLogOutput::Inside(relative)) => Some(self.folder.staging().join(relative)),
            Some(EventLogOutput::Own(file)) => Some(file.staging().to_path_buf()),
        }
    }

    /// Writes every output file of the run and switches the folder (and the event
    /// log) into place; an earlier result folder there is replaced atomically.
    pub fn commit(self, model: &Model, info: &RunInfo, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
        let staging = self.folder.staging();
        csv::write_summary(&staging.join("summary.csv"), outputs)?;
        csv::write_departments(&staging.join("departments.csv"), outputs)?;
        csv::write_divisions(&staging.join("divisions.csv"), outputs)?;
        csv::write_services(&staging.join("services.csv"), outputs)?;
        csv::write_daily(&staging.join("daily.csv"), outputs)?;
        csv::write_yearly(&staging.join("yearly.csv"), outputs)?;
        if !model.windows.is_empty() {
            csv::write_windows(&staging.join("windows.csv"), outputs)?;
        }
        if model.assessment.is_some() {
            csv::write_assessment(&staging.join("assessment.csv"), outputs)?;
        }
        if !model.jurisdictions.is_empty() {
            let days = f64::from(model.horizon_days - model.warmup_days);
            csv::write_jurisdictions(&staging.join("jurisdictions.csv"), outputs, days)?;
        }
        let inside = match &self.event_log {
            Some(EventLogOutput::Inside(relative)) => Some(relative.as_path()),
            _ => None,
        };
        let scenario_file = manifest::relative_path(self.folder.target(), &info.scenario_file);
        manifest::write(&staging.join("manifest.ron"), model, info, &scenario_file, inside)?;
        self.folder.commit()?;
        match self.event_log {
            // Checked again: a file of the user's put at that path during the run is kept.
            Some(EventLogOutput::Own(file)) if !event_log::replaceable(file.target()) => {
                let path = file.target().to_path_buf();
                let kept = file.keep_beside()?;
                let why = Box::new(ExportError::ForeignFile { path, what: "an event log" });
                Err(ExportError::ChangedMeanwhile { why, kept })
            }
            Some(EventLogOutput::Own(file)) => file.commit(),
            _ => Ok(()),
        }
    }
}

/// Writes every output file of a run into `folder`, atomically: the files go to a
/// staging folder beside it, which then replaces `folder`. An existing `folder` is
/// replaced only if it holds nothing but an earlier run's results.
pub fn write_run(
    folder: &Path,
    model: &Model,
    info: &RunInfo,
    outputs: &[ReplicationOutput],
) -> Result<(), ExportError> {
    RunOutput::claim(folder, None, &[])?.commit(model, info, outputs)
}
