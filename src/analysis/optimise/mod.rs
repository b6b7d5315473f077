//! `reformsim optimise`: the cheapest plan that meets service targets.
//!
//! A spec ([`spec`]) names a base scenario, integer decision variables at
//! parameter paths (the sweep's paths) or a choice among scenario files, an
//! objective to minimise and constraints on indicators, each held with a
//! confidence level. [`search`] walks down from a generous plan, judging each
//! candidate on one-sided intervals over adaptively many replications, then picks
//! among the best feasible candidates with a ranking-and-selection procedure
//! ([`kn`] for a fixed probability of correct selection, [`ocba`] for a fixed
//! budget), using common random numbers. [`runs`] does the runs (through the
//! experiment [`Runner`](crate::runner::Runner), journalled so a killed search
//! resumes) and [`output`] writes the folder.
//!
//! Same spec and seed → byte-identical files whatever `--jobs`: every decision is
//! a function of run results, and run `(candidate, replication)` depends only on
//! the candidate's model, the seed and the replication. `--shard` does not apply:
//! each step of the search depends on the results of the one before.

pub mod kn;
pub mod ocba;
pub mod output;
mod raw;
pub mod runs;
pub mod search;
pub mod spec;

use std::path::PathBuf;

use crate::experiment::files::write_atomic;
use crate::experiment::{ExperimentError, Progress, io_error};
pub use spec::OptimiseSpec;

/// How to run a search.
#[derive(Clone, Debug)]
pub struct OptimiseOptions {
    /// Result folder.
    pub out: PathBuf,
    /// Threads (0: one per core).
    pub jobs: usize,
}

/// What an optimise command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptimiseOutcome {
    /// The result folder.
    pub folder: PathBuf,
    /// Candidates evaluated.
    pub candidates: usize,
    /// Runs in the result.
    pub runs: u64,
    /// Runs found already done in the journal.
    pub resumed: u64,
    /// Runs done by this command.
    pub ran: u64,
    /// Journal lines ignored because damaged (their runs were done again).
    pub damaged_lines: usize,
    /// Journal lines ignored because their run is not one this search asks for:
    /// a candidate it never reaches, a replication it never asks, another
    /// candidate's decision values, a row without every column.
    pub outside_lines: usize,
    /// The folder was already complete: nothing was run or written.
    pub already_complete: bool,
    /// The chosen plan, `variable = value` pairs; `None` if no plan was feasible.
    pub chosen: Option<Vec<(String, String)>>,
    /// Plans met every target, but the objective was not a number for any of
    /// them (an indicator the scenario leaves empty): the spec is to blame.
    pub objective_undefined: bool,
    /// `result.txt`'s text.
    pub result: String,
}

/// Runs the search `spec` into `options.out`, carrying on from the journal if the
/// folder holds an interrupted run of the same search.
pub fn run_optimise(
    spec: &OptimiseSpec,
    options: &OptimiseOptions,
    progress: Progress,
) -> Result<OptimiseOutcome, ExperimentError> {
    let runner =
        crate::runner::Runner::new(spec.seed, options.jobs).map_err(|e| ExperimentError::Argument(e.to_string()))?;
    // The start, and each variable at its ends with the others at the start, must
    // build: a value the scenario rejects is reported before anything runs.
    spec.model(&spec.search.start)?;
    for (i, variable) in spec.variables.iter().enumerate() {
        for level in [0, variable.levels.len().saturating_sub(1)] {
            let mut candidate = spec.search.start.clone();
            candidate[i] = level;
            if candidate != spec.search.start {
                spec.model(&candidate)?;
            }
        }
    }
    let folder = options.out.clone();
    let _lock = crate::export::output::OutputLock::acquire(&crate::export::output::canonical(&folder))?;
    let state = output::prepare_folder(&folder, &output::OptimiseManifest::of(spec))?;
    let mut outcome = OptimiseOutcome {
        folder: folder.clone(),
        candidates: 0,
        runs: 0,
        resumed: 0,
        ran: 0,
        damaged_lines: 0,
        outside_lines: 0,
        already_complete: state == output::FolderState::Complete,
        chosen: None,
        objective_undefined: false,
        result: String::new(),
    };
    if outcome.already_complete {
        let path = folder.join(output::names::RESULT);
        outcome.result = std::fs::read_to_string(&path).map_err(io_error(&path))?;
        return Ok(outcome);
    }
    let journal_path = folder.join(output::names::JOURNAL);
    let (mut evaluator, damaged) = runs::Evaluator::open(spec, runner, &journal_path, progress)?;
    outcome.damaged_lines = damaged;
    let mut search = search::Search::new(spec, &mut evaluator);
    let selected = if search.run()? { search.select()? } else { None };
    search.evaluator.finish();
    let candidates = output::candidates_csv(spec, &search);
    let selection = output::selection_csv(spec, &search, selected.as_ref());
    let result = output::result_text(spec, &search, selected.as_ref());
    outcome.chosen = selected.as_ref().map(|s| {
        let levels = &search.evaluator.candidates[s.chosen];
        spec.variables.iter().map(|v| v.name.clone()).zip(spec.labels(levels)).collect()
    });
    outcome.candidates = search.evaluator.candidates.len();
    outcome.objective_undefined =
        selected.is_none() && (0..outcome.candidates).any(|c| search.status(c) == search::Status::Feasible);
    let mut runs_text = runs::runs_header(spec) + "\n";
    for row in search.evaluator.sorted_rows() {
        runs_text.push_str(row);
        runs_text.push('\n');
    }
    outcome.runs = search.evaluator.runs();
    outcome.ran = search.evaluator.ran;
    outcome.resumed = search.evaluator.resumed;
    outcome.outside_lines = search.evaluator.outside_lines;
    write_atomic(&folder.join(output::names::RUNS), runs_text.as_bytes())?;
    write_atomic(&folder.join(output::names::CANDIDATES), candidates.as_bytes())?;
    write_atomic(&folder.join(output::names::SELECTION), selection.as_bytes())?;
    // Written last: its presence (without a journal) marks the folder complete.
    write_atomic(&folder.join(output::names::RESULT), result.as_bytes())?;
    drop(evaluator);
    std::fs::remove_file(&journal_path).map_err(io_error(&journal_path))?;
    outcome.result = result;
    Ok(outcome)
}
