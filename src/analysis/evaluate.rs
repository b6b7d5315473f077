//! Runs a batch of parameter points × replications through the sweep
//! machinery: the points become the design points of a [`Sweep`] built in
//! memory, [`run_sweep`] runs them into a sweep folder (journal, resume,
//! `--jobs`, `--shard`, common random numbers: replication r of every point uses
//! the seed and index r), and the chosen indicators are read back from its
//! `runs.csv`. Sensitivity and calibration do nothing else to simulate.

use std::path::{Path, PathBuf};

use super::spec::{Parameter, Scenario};
use crate::experiment::design::{Design, Domain};
use crate::experiment::files::names;
use crate::experiment::param_path::ParamPath;
use crate::experiment::spec::DesignPoint;
use crate::experiment::{self, ExperimentError, Progress, Shard, Sweep, SweepOptions, run_sweep};
use crate::export::output::OutputLock;
use crate::schema::fnv1a64;

/// One batch of runs.
pub struct Batch<'a> {
    /// The spec file (named in the sweep manifest).
    pub spec_file: &'a Path,
    /// What makes this batch's sweep different from any other of the same spec
    /// (the spec's text, the scenario's role, the batch's number…): fingerprinted
    /// into the manifest, so that resuming never mixes batches.
    pub identity: String,
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Whether it is a `difference_from` scenario (parameters set only in the
    /// base are not set in it).
    pub reference: bool,
    /// The parameters.
    pub parameters: &'a [Parameter],
    /// Values set at every point.
    pub fixed: &'a [(ParamPath, String)],
    /// The points: one value per parameter.
    pub points: &'a [Vec<f64>],
    /// Seed of the simulation.
    pub seed: u64,
    /// Replications per point.
    pub replications: u64,
}

/// How to run batches.
#[derive(Clone, Debug)]
pub struct Execution {
    /// Threads (0: one per core).
    pub jobs: usize,
    /// Only this share of the runs.
    pub shard: Option<Shard>,
}

/// The batch as a sweep.
fn sweep(batch: &Batch) -> Sweep {
    let points = batch
        .points
        .iter()
        .enumerate()
        .map(|(i, x)| DesignPoint {
            index: i as u64,
            levels: batch.parameters.iter().zip(x).map(|(p, x)| p.level(*x)).collect(),
        })
        .collect::<Vec<_>>();
    Sweep {
        file: batch.spec_file.to_path_buf(),
        sweep_hash: format!("{:016x}", fnv1a64(batch.identity.as_bytes())),
        base: batch.scenario.path.clone(),
        base_text: batch.scenario.text.clone(),
        base_model_hash: batch.scenario.model_hash.clone(),
        seed: batch.seed,
        replications: batch.replications,
        parameters: batch
            .parameters
            .iter()
            .map(|p| experiment::spec::Parameter {
                name: p.name.clone(),
                paths: if batch.reference && p.only_in_base { Vec::new() } else { p.paths.clone() },
                domain: Domain::List(Vec::new()),
            })
            .collect(),
        fixed: batch.fixed.to_vec(),
        design: Design::Random { points: points.len() as u64 },
        precision: None,
        points,
    }
}

/// Runs `batch` into the sweep folder `folder`; returns, unless only a shard was
/// run, `values[point][replication][indicator]` for `indicators` (NaN where
/// undefined).
pub fn run_batch(
    batch: &Batch,
    folder: &Path,
    indicators: &[String],
    execution: &Execution,
    progress: Progress,
) -> Result<Option<Vec<Vec<Vec<f64>>>>, ExperimentError> {
    let sweep = sweep(batch);
    let options = SweepOptions { out: folder.to_path_buf(), jobs: execution.jobs, shard: execution.shard };
    run_sweep(&sweep, &options, progress)?;
    if execution.shard.is_some() {
        return Ok(None);
    }
    read_runs(&folder.join(names::RUNS), batch.points.len(), batch.replications, indicators).map(Some)
}

/// Reads `runs.csv`: every (point, replication) once, the `indicators` columns.
fn read_runs(
    path: &PathBuf,
    points: usize,
    replications: u64,
    indicators: &[String],
) -> Result<Vec<Vec<Vec<f64>>>, ExperimentError> {
    let bad = |what: String| ExperimentError::Inconsistent(format!("{}: {what}", path.display()));
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
    let header = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let column = |name: &str| header.iter().position(|h| h == name).ok_or_else(|| bad(format!("no column `{name}`")));
    let (point_column, replication_column) = (column("design_point")?, column("replication")?);
    let columns: Vec<usize> = indicators.iter().map(|i| column(i)).collect::<Result<_, _>>()?;
    let mut values = vec![vec![Vec::new(); replications as usize]; points];
    let mut seen = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| bad(e.to_string()))?;
        let index = |c: usize| record.get(c).and_then(|v| v.parse::<usize>().ok());
        let (Some(p), Some(r)) = (index(point_column), index(replication_column)) else {
            return Err(bad("a row without its design point and replication".into()));
        };
        if p >= points || r >= replications as usize || !values[p][r].is_empty() {
            return Err(bad(format!("unexpected run (design point {p}, replication {r})")));
        }
        values[p][r] =
            columns.iter().map(|&c| record.get(c).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN)).collect();
        seen += 1;
    }
    if seen != points * replications as usize {
        return Err(bad(format!("{seen} runs, expected {}", points * replications as usize)));
    }
    Ok(values)
}

/// Claims `folder` ([`OutputLock`], to be held until the analysis returns) and
/// refuses it unless it is missing, empty, or holds only `own` entries (an
/// analysis folder started before): an analysis never writes into a folder of
/// something else, nor into one another analysis is writing.
pub fn prepare_folder(folder: &Path, own: &[&str]) -> Result<OutputLock, ExperimentError> {
    let lock = OutputLock::acquire(&crate::export::output::canonical(folder))?;
    let refuse = |reason: String| ExperimentError::OutputExists { folder: folder.to_path_buf(), reason };
    if crate::export::output::dangling_link(folder) {
        return Err(refuse(crate::export::output::DANGLING_LINK.into()));
    }
    if folder.exists() {
        if !folder.is_dir() {
            return Err(crate::export::ExportError::NotAFolder(folder.to_path_buf()).into());
        }
        let entries = std::fs::read_dir(folder).map_err(experiment::io_error(folder))?;
        for entry in entries {
            let entry = entry.map_err(experiment::io_error(folder))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // An own file's name (with an extension) on anything but a plain file
            // is the user's: a folder or a link.
            let plain = entry.file_type().is_ok_and(|t| t.is_file());
            let ours = own.iter().any(|o| {
                (name == *o || name.starts_with(&format!("{o}-")) || name.starts_with('.'))
                    && (plain || !o.contains('.'))
            });
            if !ours {
                return Err(refuse(format!(
                    "holds `{name}`, which is not a result of this analysis; choose another --out or remove it"
                )));
            }
        }
    }
    crate::export::output::create_folder(folder)?;
    Ok(lock)
}

/// Writes `text` to `folder/name` atomically.
pub fn write_file(folder: &Path, name: &str, text: &str) -> Result<(), ExperimentError> {
    crate::export::atomic::write_atomic(&folder.join(name), text.as_bytes()).map_err(ExperimentError::from)
}
