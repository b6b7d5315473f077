//! The runs of an optimisation: candidates (a level per decision variable) are
//! numbered in the order the search first asks for them, and run `(candidate,
//! replication)` simulates that candidate's model with the spec's seed and
//! replication index — every candidate faces the same applicants in replication
//! `r` (common random numbers).
//!
//! Each finished run is appended to the folder's journal (the sweep's
//! [`Journal`]: one checksummed, synced CSV line per run, its candidate number in
//! the first column), so a killed `optimise` started again reads the runs already
//! done and does only the missing ones. The search is a function of the runs'
//! results, so it retraces the same steps and numbers candidates the same way; a
//! candidate whose journal rows all hold other decision values than its
//! number's is a different search and stops the command. A row is taken as done
//! only for a run this search asks for, with its candidate's decision values and
//! every column: any other (a number the search never reaches, a replication it
//! never asks, another candidate's values, a row copied from elsewhere or
//! edited) is left out of the results and counted in [`Evaluator::outside_lines`],
//! as the sweep's journal does with runs outside its design.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use super::spec::OptimiseSpec;
use crate::experiment::journal::Journal;
use crate::experiment::tables::{csv_fields, csv_line};
use crate::experiment::{ExperimentError, Progress, indicator_names};
use crate::runner::Runner;
use crate::scenario::Model;
use crate::schema::number;

/// A run: (candidate number, replication).
type RunKey = (usize, u64);

/// Most candidates' models kept in memory at once.
const KEEP_MODELS: usize = 32;

/// One run's result: its row of `runs.csv` and its summary indicators (as read back
/// from the row, so that a resumed search sees exactly the same numbers).
#[derive(Clone, Debug)]
pub struct RunResult {
    /// The row (candidate, replication, decision labels, indicators).
    pub row: String,
    /// The summary indicators, in [`indicator_names`] order (NaN where undefined).
    pub indicators: Vec<f64>,
}

/// Candidates, their runs, the journal and the threads.
pub struct Evaluator<'a> {
    spec: &'a OptimiseSpec,
    runner: Runner,
    journal: Journal,
    /// Candidate number → level index per variable.
    pub candidates: Vec<Vec<usize>>,
    numbers: HashMap<Vec<usize>, usize>,
    /// The journal's rows not yet matched with a candidate, by candidate number:
    /// (replication, decision labels, result).
    journal_rows: HashMap<usize, Vec<JournalRow>>,
    /// Results by (candidate, replication).
    results: HashMap<(usize, u64), RunResult>,
    /// Per candidate number, how many replications the search has asked for.
    asked: Vec<u64>,
    models: HashMap<usize, Arc<Model>>,
    progress: Progress<'a>,
    /// Runs found in the journal and used (known once [`Evaluator::finish`] ran).
    pub resumed: u64,
    /// Runs done by this command.
    pub ran: u64,
    /// Journal lines left out: runs this search does not ask for.
    pub outside_lines: usize,
}

/// A journal row: its replication, its decision labels and its result.
type JournalRow = (u64, Vec<String>, RunResult);

/// Number of the columns before the indicators in a run row.
fn key_columns(spec: &OptimiseSpec) -> usize {
    2 + spec.variables.len()
}

/// The header of `runs.csv` and of the journal.
pub fn runs_header(spec: &OptimiseSpec) -> String {
    let mut columns: Vec<String> = vec!["candidate".into(), "replication".into()];
    columns.extend(spec.variables.iter().map(|v| v.name.clone()));
    columns.extend(indicator_names().into_iter().map(String::from));
    csv_line(&columns)
}

/// A row's indicators, parsed back (an empty field is NaN).
fn parse_indicators(spec: &OptimiseSpec, fields: &[String]) -> Vec<f64> {
    fields.iter().skip(key_columns(spec)).map(|v| v.parse().unwrap_or(f64::NAN)).collect()
}

impl<'a> Evaluator<'a> {
    /// Opens (or resumes) the journal at `journal_path`.
    pub fn open(
        spec: &'a OptimiseSpec,
        runner: Runner,
        journal_path: &std::path::Path,
        progress: Progress<'a>,
    ) -> Result<(Evaluator<'a>, usize), ExperimentError> {
        let header = runs_header(spec);
        let columns = csv_fields(&header).len();
        let mut rows: HashMap<usize, Vec<JournalRow>> = HashMap::new();
        let mut outside_lines = 0;
        let (journal, recovered) = Journal::open(journal_path, &header, &mut |entry, row| {
            let fields = csv_fields(row);
            match usize::try_from(entry.point) {
                Ok(candidate) if fields.len() == columns => {
                    let labels = fields[2..key_columns(spec)].to_vec();
                    let indicators = parse_indicators(spec, &fields);
                    let result = RunResult { row: row.to_string(), indicators };
                    rows.entry(candidate).or_default().push((entry.replication, labels, result));
                }
                _ => outside_lines += 1,
            }
        })?;
        let evaluator = Evaluator {
            spec,
            runner,
            journal,
            candidates: Vec::new(),
            numbers: HashMap::new(),
            journal_rows: rows,
            results: HashMap::new(),
            asked: Vec::new(),
            models: HashMap::new(),
            progress,
            resumed: 0,
            ran: 0,
            outside_lines,
        };
        Ok((evaluator, recovered.damaged))
    }

    /// The number of `candidate`, given the next free one if it is new; the
    /// journal's rows of that number with its decision values become its results.
    pub fn number(&mut self, candidate: &[usize]) -> Result<usize, ExperimentError> {
        if let Some(&n) = self.numbers.get(candidate) {
            return Ok(n);
        }
        let n = self.candidates.len();
        if let Some(found) = self.journal_rows.remove(&n) {
            let expected = self.spec.labels(candidate);
            if !found.iter().any(|(_, labels, _)| *labels == expected) {
                return Err(ExperimentError::Inconsistent(format!(
                    "the journal's candidate {n} is ({}), but this search's candidate {n} is ({}): the folder holds another search; remove it to start afresh",
                    found[0].1.join(", "),
                    expected.join(", ")
                )));
            }
            for (replication, labels, result) in found {
                let key = (n, replication);
                if labels != expected || self.results.get(&key).is_some_and(|r| r.row != result.row) {
                    self.outside_lines += 1;
                } else {
                    self.results.entry(key).or_insert(result);
                }
            }
        }
        self.candidates.push(candidate.to_vec());
        self.numbers.insert(candidate.to_vec(), n);
        self.asked.push(0);
        Ok(n)
    }

    /// Leaves out the journal's rows of runs the search never asked for (of
    /// candidates it never reached, or replications past those it asked of a
    /// candidate), counting them in [`Evaluator::outside_lines`], and counts the
    /// runs found done in [`Evaluator::resumed`]. Called once the search is over.
    pub fn finish(&mut self) {
        self.outside_lines += self.journal_rows.drain().map(|(_, rows)| rows.len()).sum::<usize>();
        let asked = &self.asked;
        let before = self.results.len();
        self.results.retain(|&(c, r), _| r < asked[c]);
        self.outside_lines += before - self.results.len();
        self.resumed = self.runs() - self.ran;
    }

    /// The summary indicators of replications `0..n` of candidate `c` (all present
    /// after [`Evaluator::ensure`]).
    pub fn indicators(&self, c: usize, n: u64) -> Vec<&[f64]> {
        (0..n).filter_map(|r| self.results.get(&(c, r)).map(|x| x.indicators.as_slice())).collect()
    }

    /// Every run done, sorted by candidate and replication: the rows of `runs.csv`.
    pub fn sorted_rows(&self) -> Vec<&str> {
        let mut keys: Vec<&(usize, u64)> = self.results.keys().collect();
        keys.sort_unstable();
        keys.into_iter().map(|k| self.results[k].row.as_str()).collect()
    }

    /// Runs done in all (found in the journal and run now).
    pub fn runs(&self) -> u64 {
        self.results.len() as u64
    }

    /// Makes sure replications `0..want` of every `(candidate, want)` are done,
    /// running the missing ones in parallel and journalling each as it finishes.
    pub fn ensure(&mut self, requests: &[(usize, u64)]) -> Result<(), ExperimentError> {
        let mut missing: Vec<(usize, u64)> = Vec::new();
        for &(c, want) in requests {
            self.asked[c] = self.asked[c].max(want);
            missing.extend((0..want).filter(|&r| !self.results.contains_key(&(c, r))).map(|r| (c, r)));
        }
        missing.sort_unstable();
        missing.dedup();
        if missing.is_empty() {
            return Ok(());
        }
        let mut needed: Vec<usize> = missing.iter().map(|&(c, _)| c).collect();
        needed.dedup();
        if self.models.len() + needed.len() > KEEP_MODELS {
            self.models.clear();
        }
        let to_load: Vec<usize> = needed.iter().copied().filter(|c| !self.models.contains_key(c)).collect();
        let spec = self.spec;
        let candidates = &self.candidates;
        let loaded = self.runner.map(&to_load, |&c| spec.model(&candidates[c]));
        for (c, model) in to_load.into_iter().zip(loaded) {
            self.models.insert(c, Arc::new(model?));
        }
        let finished = self.execute(&missing)?;
        self.ran += finished.len() as u64;
        for (key, result) in finished {
            self.results.insert(key, result);
        }
        Ok(())
    }

    /// Runs `missing` on the runner's threads; a writer thread journals rows as they come.
    fn execute(&mut self, missing: &[(usize, u64)]) -> Result<Vec<(RunKey, RunResult)>, ExperimentError> {
        let failed = AtomicBool::new(false);
        let first_error: Mutex<Option<ExperimentError>> = Mutex::new(None);
        let fail = |e: ExperimentError| {
            failed.store(true, Ordering::SeqCst);
            first_error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
        };
        let (sender, receiver) = mpsc::channel::<((usize, u64), String)>();
        let done_before = self.runs();
        let total = done_before + missing.len() as u64;
        let (spec, runner, models, candidates, progress) =
            (self.spec, &self.runner, &self.models, &self.candidates, self.progress);
        let journal = &mut self.journal;
        progress(done_before, total);
        let written = std::thread::scope(|scope| {
            let writer = scope.spawn(move || -> Result<Vec<(RunKey, String)>, ExperimentError> {
                let mut out = Vec::new();
                while let Ok(first) = receiver.recv() {
                    let mut batch = vec![first];
                    batch.extend(receiver.try_iter());
                    let rows: Vec<&str> = batch.iter().map(|(_, row)| row.as_str()).collect();
                    journal.append(&rows)?;
                    out.extend(batch);
                    progress(done_before + out.len() as u64, total);
                }
                Ok(out)
            });
            runner.for_each(missing, |&(c, r)| {
                if failed.load(Ordering::SeqCst) {
                    return;
                }
                let model = &models[&c];
                match runner.run(model, r) {
                    Ok(output) => {
                        let mut fields: Vec<String> = vec![c.to_string(), r.to_string()];
                        fields.extend(spec.labels(&candidates[c]));
                        fields.extend(output.summary.iter().map(|(_, v)| number(*v)));
                        if sender.send(((c, r), csv_line(&fields))).is_err() {
                            failed.store(true, Ordering::SeqCst);
                        }
                    }
                    Err(source) => fail(ExperimentError::Engine {
                        what: format!("candidate {c} ({}), replication {r}", spec.describe(&candidates[c])),
                        source,
                    }),
                }
            });
            drop(sender);
            writer.join()
        });
        if let Some(e) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
        let rows =
            written.map_err(|_| ExperimentError::Inconsistent("the journal writer thread panicked".into()))??;
        Ok(rows
            .into_iter()
            .map(|(key, row)| {
                let indicators = parse_indicators(self.spec, &csv_fields(&row));
                (key, RunResult { row, indicators })
            })
            .collect())
    }
}
