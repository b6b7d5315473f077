//! Writing results: one module per output format, all behind plain functions
//! that take the results and a folder.
//!
//! A run's folder is written completely in a temporary sibling folder and then
//! renamed into place, so a reader never sees half a result.

pub mod csv;
pub mod event_log;
pub mod manifest;

use std::path::{Path, PathBuf};

use crate::engine::ReplicationOutput;
use crate::scenario::Model;

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
    /// The output folder exists and does not hold reformsim results.
    #[error(
        "{} exists and is not a reformsim result folder (no manifest.ron); choose another --out or remove it",
        .0.display()
    )]
    NotAResultFolder(PathBuf),
}

/// A number for people: about four significant digits, no scientific notation
/// for everyday sizes, whole numbers without decimals (tables printed by the CLI).
pub fn short_number(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1e4 || (x.fract() == 0.0 && a < 1e15) {
        format!("{x:.0}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.3}")
    } else {
        format!("{x:.4}")
    }
}

/// Creates an empty staging folder beside `folder` (creating their parent), where a
/// result folder is written before it is renamed into place: `(parent, staging)`,
/// or the path that failed and why.
pub fn staging_folder(folder: &Path) -> Result<(PathBuf, PathBuf), (PathBuf, std::io::Error)> {
    let parent = folder.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    std::fs::create_dir_all(&parent).map_err(|e| (parent.clone(), e))?;
    let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "results".into());
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| (staging.clone(), e))?;
    }
    std::fs::create_dir_all(&staging).map_err(|e| (staging.clone(), e))?;
    Ok((parent, staging))
}

/// Adds the path to an I/O error.
pub fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io { path: path.to_path_buf(), source }
}

/// What the manifest records about how results were made.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// The scenario file.
    pub scenario_path: String,
    /// Seed.
    pub seed: u64,
    /// Replications.
    pub replications: u64,
    /// The command line.
    pub command_line: Vec<String>,
}

/// Writes every output file of a run into `folder`, atomically: the files go to a
/// temporary sibling folder first, which then replaces `folder`. An existing
/// `folder` is replaced only if it holds earlier reformsim results.
pub fn write_run(
    folder: &Path,
    model: &Model,
    info: &RunInfo,
    outputs: &[ReplicationOutput],
) -> Result<(), ExportError> {
    if folder.exists() && !folder.join("manifest.ron").exists() {
        return Err(ExportError::NotAResultFolder(folder.to_path_buf()));
    }
    let (_, staging) = staging_folder(folder).map_err(|(path, source)| ExportError::Io { path, source })?;
    let written = (|| {
        csv::write_summary(&staging.join("summary.csv"), outputs)?;
        csv::write_departments(&staging.join("departments.csv"), outputs)?;
        csv::write_services(&staging.join("services.csv"), outputs)?;
        csv::write_daily(&staging.join("daily.csv"), outputs)?;
        csv::write_yearly(&staging.join("yearly.csv"), outputs)?;
        manifest::write(&staging.join("manifest.ron"), model, info)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if folder.exists() {
        std::fs::remove_dir_all(folder).map_err(io_error(folder))?;
    }
    std::fs::rename(&staging, folder).map_err(io_error(folder))
}
