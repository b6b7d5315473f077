//! Experiments: comparisons of scenarios with common random numbers, parameter
//! sweeps that survive being killed, and sharding a sweep over a cluster.
//!
//! Everything here sits around the engine and uses its public API only: a run is
//! a replication of a model with the seed (`runner::Runner`), so its randomness depends only on
//! the seed and the replication index (and the design point's model). That one
//! fact gives the three guarantees this module is built on:
//!
//! * **Common random numbers.** Every scenario of a comparison and every design
//!   point of a sweep runs replication `r` with the same seed and index, so they
//!   face the same applicants with the same needs (see `docs/random-streams.md`);
//!   paired differences then cancel most of the noise.
//! * **Same bytes whatever the parallelism.** Runs are computed in any order on
//!   any number of threads; rows are written to the final tables sorted by
//!   (design point, replication).
//! * **Nothing lost.** A sweep appends each finished run to a checksummed,
//!   fsync'd journal ([`journal`]); a restarted sweep reads it, ignores a torn
//!   last line and runs only what is missing. Final files are written atomically.
//!
//! Layout: [`spec`] reads sweep files (its problems collected, each at its place,
//! by `problems`; values of the wrong type found by `typed`), [`param_path`] and [`ron_tree`] apply
//! parameter values to a scenario's RON text, [`design`] chooses design points,
//! [`precision`] decides run length, [`sweep`] runs a sweep (or a shard of it),
//! [`merge`](mod@merge) combines shards, [`tables`] writes the final CSV files, [`files`]
//! holds manifests, atomic writes and reading the files a sweep names, [`compare`](mod@compare) compares scenarios.

pub mod compare;
pub mod design;
pub(crate) mod entries;
pub mod files;
pub mod journal;
pub mod merge;
pub mod param_path;
pub mod precision;
pub(crate) mod problems;
/// The span-keeping RON reader lives with the scenario loader, which uses it to
/// locate problems; sweeps use it to edit scenario text in place.
pub use crate::scenario::ron_tree;
pub mod spec;
pub mod sweep;
pub mod tables;
pub(crate) mod typed;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::engine::EngineError;
use crate::scenario::{Diagnostic, LoadError};

pub use compare::{Comparison, compare};
pub use merge::merge;
pub use spec::Sweep;
pub use sweep::{SweepOptions, SweepOutcome, run_sweep};

/// Most runs (design points × replications) one command may do. Each run is a
/// row held in the journal's index and a line of the output; beyond this, split
/// the sweep with `--shard K/N` and combine the parts with `reformsim merge`.
pub const MAX_RUNS: u64 = 1_000_000;

/// Progress callback: runs done so far and runs planned (the plan can grow when
/// a precision target asks for more replications).
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// What can go wrong in an experiment.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// A file named on the command line could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The sweep file is malformed or inconsistent; every problem found is listed.
    #[error("{}", crate::scenario::render_diagnostics(.0))]
    InvalidSweep(Vec<Diagnostic>),
    /// A scenario (a compared one, the base of a sweep or a design point) does not load.
    #[error("{}", scenario_message(what, source))]
    Scenario {
        /// Which scenario.
        what: String,
        /// The loader's report.
        source: LoadError,
    },
    /// Several of the scenarios of a comparison do not load: each one's report,
    /// then how many of how many.
    #[error("{}", scenarios_message(failures, *of))]
    Scenarios {
        /// The scenarios that do not load ([`ExperimentError::Scenario`] each), in
        /// command-line order.
        failures: Vec<ExperimentError>,
        /// How many scenarios were given.
        of: usize,
    },
    /// The values of a design point cannot be applied to the base scenario.
    #[error("{point}: {message}")]
    Point {
        /// The design point, with its values.
        point: String,
        /// What went wrong.
        message: String,
    },
    /// The command asks for more runs than one command may do.
    #[error(
        "this command would do {runs} runs, more than the {limit} one command may do; split the sweep into shards with `--shard K/N` (e.g. --shard 1/{suggested} … {suggested}/{suggested}, one command each) and combine their folders with `reformsim merge`"
    )]
    TooManyRuns {
        /// Runs asked for.
        runs: u64,
        /// The limit.
        limit: u64,
        /// A number of shards that would fit.
        suggested: u64,
    },
    /// A command-line value is not valid.
    #[error("{0}")]
    Argument(String),
    /// The output folder holds something else; it is never overwritten silently.
    #[error("{} {reason}", folder.display())]
    OutputExists {
        /// The folder.
        folder: PathBuf,
        /// What it holds and what to do.
        reason: String,
    },
    /// An output path cannot be written (refused before any work, or failed).
    #[error(transparent)]
    Output(#[from] crate::export::ExportError),
    /// Another process is writing the same sweep folder.
    #[error(
        "{} is in use by another reformsim process (its journal is locked); wait for it to finish or stop it",
        .0.display()
    )]
    Busy(PathBuf),
    /// Shard folders that do not belong together or are incomplete.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// A file could not be written or read while running.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A run broke an engine invariant (a bug).
    #[error("{what}: {source}")]
    Engine {
        /// Which run.
        what: String,
        /// The engine's report.
        source: EngineError,
    },
    /// Results that should be identical are not (a bug, or files edited by hand).
    #[error("{0}")]
    Inconsistent(String),
}

impl ExperimentError {
    /// True for problems with the input (exit status 2), false for failures while
    /// running or writing (exit status 1).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            ExperimentError::Read { .. }
                | ExperimentError::InvalidSweep(_)
                | ExperimentError::Scenario { .. }
                | ExperimentError::Scenarios { .. }
                | ExperimentError::Point { .. }
                | ExperimentError::TooManyRuns { .. }
                | ExperimentError::Argument(_)
                | ExperimentError::OutputExists { .. }
                | ExperimentError::Merge(_)
        ) || matches!(self, ExperimentError::Output(e) if e.is_input())
    }

    /// True if the message already carries its own `error:` headings (diagnostics).
    pub fn is_diagnostic(&self) -> bool {
        matches!(
            self,
            ExperimentError::InvalidSweep(_) | ExperimentError::Scenario { .. } | ExperimentError::Scenarios { .. }
        )
    }
}

/// Adds the path to an I/O error.
pub(crate) fn io_error(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> ExperimentError + '_ {
    move |source| ExperimentError::Io { path: path.to_path_buf(), source }
}

fn scenario_message(what: &str, source: &LoadError) -> String {
    match source {
        LoadError::Invalid(_) => format!("{what} is not valid:\n{source}"),
        // The reason names the file.
        LoadError::Io { .. } => source.report(),
    }
}

fn scenarios_message(failures: &[ExperimentError], of: usize) -> String {
    let each: Vec<String> = failures.iter().map(ToString::to_string).collect();
    format!("{}\n\n{} of the {of} scenarios do not load", each.join("\n\n"), failures.len())
}

/// The summary indicators, the columns every run row carries (see [`crate::schema`]).
pub use crate::schema::summary_names as indicator_names;

/// A share of a sweep: part `index` of `count` (1 ≤ index ≤ count), written `K/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// Which part, from 1.
    pub index: u64,
    /// How many parts.
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("--shard expects K/N with 1 ≤ K ≤ N, e.g. 2/8 (found `{text}`)");
        let (k, n) = text.split_once('/').ok_or_else(usage)?;
        let index: u64 = crate::time::digits(k.trim()).ok_or_else(usage)?;
        let count: u64 = crate::time::digits(n.trim()).ok_or_else(usage)?;
        if index == 0 || count == 0 || index > count {
            return Err(usage());
        }
        if count > MAX_SHARDS {
            return Err(format!(
                "--shard {text}: at most {MAX_SHARDS} shards (each shard's folder is merged by one command)"
            ));
        }
        Ok(Shard { index, count })
    }
}

/// Most shards a sweep may be split into.
pub const MAX_SHARDS: u64 = 100_000;

impl Shard {
    /// Whether it is a share a sweep can be split into: `1 ≤ index ≤ count ≤ MAX_SHARDS`
    /// (a manifest may have been edited).
    pub fn is_valid(&self) -> bool {
        (1..=self.count).contains(&self.index) && self.count <= MAX_SHARDS
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The runner for an experiment with `seed` on `jobs` threads (0: one per core).
pub(crate) fn runner(seed: u64, jobs: usize) -> Result<crate::runner::Runner, ExperimentError> {
    crate::runner::Runner::new(seed, jobs).map_err(|e| ExperimentError::Argument(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_reject_nonsense() {
        assert_eq!("2/8".parse::<Shard>(), Ok(Shard { index: 2, count: 8 }));
        assert_eq!(" 1 / 1 ".parse::<Shard>(), Ok(Shard { index: 1, count: 1 }));
        for bad in ["0/4", "5/4", "1", "a/b", "1/0", "-1/2", "1/100001"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert!("100000/100000".parse::<Shard>().is_ok());
        assert!("+1/2".parse::<Shard>().is_err() && "1/+2".parse::<Shard>().is_err(), "a sign");
    }

    #[test]
    fn indicator_names_carry_the_engine_order() {
        let names = indicator_names();
        assert!(names.contains(&"wait_minutes_mean"));
        assert_eq!(names.first(), Some(&"measured_days"));
    }
}
