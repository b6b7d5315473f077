//! `reformsim report`: one self-contained HTML page (inline styles, inline SVG
//! charts, nothing fetched; one tiny inline script opens the collapsed blocks for printing) for a result folder.
//!
//! The kind of folder is told from the files in it: a run (`summary.csv`, from
//! `reformsim run`), a comparison (`comparison.csv`, from `reformsim compare`), an
//! optimisation (`candidates.csv`, from `reformsim optimise`), a sweep (`runs.csv`,
//! from `reformsim sweep` or `merge`), a sensitivity analysis (`indices.csv`) or a
//! calibration (`posterior.csv`), or a folder of runs (the demo's `results/demo/`).
//! The page is built from those files only: the report
//! reads no scenario and runs nothing.
//!
//! ```no_run
//! let page = reformsim::report::write(std::path::Path::new("results/demo"), None)?;
//! println!("report written to {}", page.display());
//! # Ok::<(), reformsim::report::ReportError>(())
//! ```

mod analysis;
mod compare;
mod daily;
mod data;
mod format;
mod html;
mod names;
mod optimise;
mod run;
mod svg;
mod sweep;

use std::path::{Path, PathBuf};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The folder does not exist or is not a folder.
    #[error("{} is not a folder; give the folder a `reformsim run`, `compare` or `sweep` wrote", .0.display())]
    NoFolder(PathBuf),
    /// The folder holds none of the files a result folder has.
    #[error(
        "{} holds no reformsim results: expected summary.csv (a run), comparison.csv (a comparison), runs.csv (a sweep) or folders of runs",
        .0.display()
    )]
    NotResults(PathBuf),
    /// A result file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A result file is not what reformsim writes (damaged, or from another version).
    #[error("{}{}: {message}; write the results again with this version of reformsim", path.display(), line.map_or_else(String::new, |l| format!(":{l}")))]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line, when one is to blame.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// The report page may not be written there (refused before writing).
    #[error(transparent)]
    Output(crate::export::ExportError),
    /// The report could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

impl ReportError {
    /// True when the input folder is to blame (exit status 2), false for a write failure (1).
    pub fn is_input(&self) -> bool {
        match self {
            ReportError::Write { .. } => false,
            ReportError::Output(e) => e.is_input(),
            _ => true,
        }
    }
}

/// What a result folder holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One scenario's replications (`reformsim run`).
    Run,
    /// Scenarios on common random numbers (`reformsim compare`).
    Comparison,
    /// A parameter sweep (`reformsim sweep` or `merge`).
    Sweep,
    /// A folder whose sub-folders are runs (`reformsim demo`).
    Runs,
    /// A search for the cheapest plan (`reformsim optimise`).
    Optimise,
    /// A sensitivity analysis (`reformsim sensitivity`).
    Sensitivity,
    /// A calibration (`reformsim calibrate`).
    Calibration,
}

/// Tells what `folder` holds from the files present.
pub fn detect(folder: &Path) -> Result<Kind, ReportError> {
    if !folder.is_dir() {
        return Err(ReportError::NoFolder(folder.to_path_buf()));
    }
    if folder.join("summary.csv").is_file() {
        Ok(Kind::Run)
    } else if folder.join("comparison.csv").is_file() {
        Ok(Kind::Comparison)
    } else if folder.join("candidates.csv").is_file() {
        Ok(Kind::Optimise)
    } else if folder.join("runs.csv").is_file() {
        Ok(Kind::Sweep)
    } else if folder.join("indices.csv").is_file() {
        Ok(Kind::Sensitivity)
    } else if folder.join("posterior.csv").is_file() {
        Ok(Kind::Calibration)
    } else if !run::run_folders(folder)?.is_empty() {
        Ok(Kind::Runs)
    } else {
        Err(ReportError::NotResults(folder.to_path_buf()))
    }
}

/// The report of `folder` as one HTML document.
pub fn render(folder: &Path) -> Result<String, ReportError> {
    match detect(folder)? {
        Kind::Run => run::render(folder),
        Kind::Runs => run::render_many(folder),
        Kind::Comparison => compare::render(folder),
        Kind::Sweep => sweep::render(folder),
        Kind::Optimise => optimise::render(folder),
        Kind::Sensitivity => analysis::render_sensitivity(folder),
        Kind::Calibration => analysis::render_calibration(folder),
    }
}

/// Renders the report of `folder` and writes it to `out` (default
/// `folder/report.html`) atomically: a temporary file in the same folder is
/// renamed over the target. Returns the file written.
///
/// The page never replaces one of the folder's result files (or any result
/// folder's), a folder, or a `report.html` that `reformsim report` did not write.
/// The page is checked and claimed (its folder made, locked) before anything is
/// read, and checked again just before it is switched in: a file of the user's
/// put there meanwhile is kept, and the page left beside it.
pub fn write(folder: &Path, out: Option<&Path>) -> Result<PathBuf, ReportError> {
    write_with(folder, out, render)
}

/// [`write`], with `render` making the page.
fn write_with(
    folder: &Path,
    out: Option<&Path>,
    render: impl FnOnce(&Path) -> Result<String, ReportError>,
) -> Result<PathBuf, ReportError> {
    use crate::export::{ExportError, output};
    let target = out.map_or_else(|| folder.join("report.html"), Path::to_path_buf);
    let canonical = output::canonical(&target);
    output::check_file_target(&canonical, &[]).map_err(ReportError::Output)?;
    let name = canonical.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if canonical.starts_with(output::canonical(folder)) && output::is_result_file(&name) {
        let e = ExportError::InsideResults { output: target, folder: folder.to_path_buf() };
        return Err(ReportError::Output(e));
    }
    // Named or not, only a page reformsim wrote is replaced.
    output::check_report_page(&target).map_err(ReportError::Output)?;
    // A folder that is not there is said so before the page's folder is made.
    if !folder.is_dir() {
        return Err(ReportError::NoFolder(folder.to_path_buf()));
    }
    // Where the page cannot be written is found out before the work, too.
    let page = output::FileOutput::claim(&target, &[]).map_err(ReportError::Output)?;
    let html = render(folder)?;
    write_page(page.staging(), html.as_bytes())?;
    // Checked again: a file of the user's put at that path meanwhile is kept.
    if let Err(why) = output::check_report_page(&target) {
        let kept = page.keep_beside().map_err(ReportError::Output)?;
        return Err(ReportError::Output(ExportError::ChangedMeanwhile { why: Box::new(why), kept }));
    }
    page.commit().map_err(ReportError::Output)?;
    Ok(target)
}

/// Writes the page into its staging file, durably (the rename that puts it in
/// place follows).
fn write_page(staging: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new().write(true).truncate(true).open(staging)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()
    };
    write().map_err(|source| ReportError::Write { path: staging.to_path_buf(), source })
}

pub use format::number;
/// `mean ± half-width` as the report writes it (the half-width to two significant
/// digits, the mean to the same decimals).
pub use format::plus_minus as number_plus_minus;

/// `mean ± half-width` of a 95% interval, values multiplied by `scale`; the mean
/// alone when there is no interval (one replication).
fn plus_minus(s: &crate::stats::Summary, scale: f64) -> String {
    if s.n > 1 { format::plus_minus(s.mean * scale, s.half_width_95 * scale) } else { number(s.mean * scale) }
}

/// As [`plus_minus`] for a quantity whose values lie in `bounds` (before
/// `scale`): an interval that reaches past them (a share above 100%, a cost
/// below zero, from few replications) is written cut to them instead,
/// `0.98 (0.95 to 1)`, as the charts draw it.
fn plus_minus_within(s: &crate::stats::Summary, scale: f64, (lo, hi): (f64, f64)) -> String {
    let (low, high) = (s.mean - s.half_width_95, s.mean + s.half_width_95);
    if s.n <= 1 || !s.half_width_95.is_finite() || (low >= lo && high <= hi) {
        return plus_minus(s, scale);
    }
    format::within(s.mean * scale, s.half_width_95 * scale, low.max(lo) * scale, high.min(hi) * scale)
}

/// [`plus_minus_within`] the values `column` can take ([`names::bounds`]).
fn plus_minus_of(column: &str, s: &crate::stats::Summary, scale: f64) -> String {
    plus_minus_within(s, scale, names::bounds(column))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of the user's put at the page's path while the page is being made
    /// is kept, and the page is left beside it (the check before the switch).
    #[test]
    fn a_file_put_at_the_page_meanwhile_is_kept_and_the_page_left_beside_it() {
        let dir = std::env::temp_dir().join(format!("reformsim-report-meanwhile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let target = dir.join("page.html");
        let error = write_with(&dir, Some(&target), |_| {
            std::fs::write(&target, "my own page").expect("write");
            Ok("<html>the report</html>".to_string())
        })
        .expect_err("the user's file is not replaced");
        let text = error.to_string();
        assert!(!error.is_input(), "the page was written, beside: {text}");
        assert!(text.contains("page.html") && text.contains("changed while this command ran"), "{text}");
        assert_eq!(std::fs::read_to_string(&target).expect("kept"), "my own page");
        let beside = format!("page.html.new-{}", std::process::id());
        assert_eq!(std::fs::read_to_string(dir.join(&beside)).expect("beside"), "<html>the report</html>");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["page.html".to_string(), beside], "no staging file or lock left");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
