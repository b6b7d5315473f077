//! Running a sweep, or one shard of it: every (design point, replication) run on a
//! thread pool, each finished run appended to the journal, then the sorted final
//! tables written atomically.
//!
//! Run `(p, r)` simulates design point `p`'s model with the sweep's seed and
//! replication index `r`: all design points share the random numbers of a
//! replication (common random numbers across the design). Nothing about a run
//! depends on the thread that did it or on when it finished.
//!
//! Shards: without a precision target, run `(p, r)` belongs to shard
//! `(p·R + r) mod N + 1` (R replications), which spreads work evenly whatever the
//! number of points. With a precision target, the replications of a point depend
//! on each other, so whole design points are dealt out: point `p` to shard
//! `p mod N + 1`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use super::files::{FolderState, SweepManifest, names, prepare_sweep_folder};
use super::journal::{Entry, Journal};
use super::precision::{Plan, Unjudged, not_met_in_words, plan, reasons_in_words, target_in_words, unjudged};
use super::spec::{DesignPoint, Sweep};
use super::tables::{Row, csv_line, sort_rows, write_tables};
use super::{ExperimentError, MAX_RUNS, Progress, Shard, indicator_names, io_error, runner};
use crate::runner::Runner;
use crate::scenario::Model;
use crate::schema::{RUN_KEY_COLUMNS, number};
use crate::stats::Summary;

/// Design points whose models are kept in memory between validation and running;
/// larger sweeps load each point's model again when its runs start.
const KEEP_MODELS_UP_TO: usize = 256;

/// How to run a sweep.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// Result folder.
    pub out: PathBuf,
    /// Threads (0: one per core).
    pub jobs: usize,
    /// Only this share of the runs, if given.
    pub shard: Option<Shard>,
}

/// What a sweep command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepOutcome {
    /// The result folder.
    pub folder: PathBuf,
    /// Design points in this command's share.
    pub points: u64,
    /// Runs in the result.
    pub runs: u64,
    /// Runs found already done in the journal.
    pub resumed: u64,
    /// Runs done by this command.
    pub ran: u64,
    /// Journal lines ignored because damaged (their runs were done again).
    pub damaged_lines: usize,
    /// Journal lines ignored because their run is not one of this command's:
    /// a design point or replication the sweep (or this shard) does not have.
    pub outside_lines: usize,
    /// The folder was already complete: nothing was run or written.
    pub already_complete: bool,
    /// With a precision target: the design points on which it could not be
    /// judged (the indicator undefined, infinite, or of mean 0), in words.
    pub precision_not_judged: Option<String>,
    /// With a precision target: the design points that reached the most
    /// replications with the target judged and not met, in words.
    pub precision_not_met: Option<String>,
}

/// Which runs a command is responsible for.
struct Share {
    shard: Option<Shard>,
    replications: u64,
    precision: bool,
}

impl Share {
    fn has_point(&self, point: u64) -> bool {
        match self.shard {
            Some(s) if self.precision => point % s.count + 1 == s.index,
            _ => true,
        }
    }

    fn has_run(&self, point: u64, replication: u64) -> bool {
        match self.shard {
            Some(s) if !self.precision => {
                (point.wrapping_mul(self.replications).wrapping_add(replication)) % s.count + 1 == s.index
            }
            _ => self.has_point(point),
        }
    }
}

/// The header of `runs.csv`: run keys, parameter names, indicator names.
pub fn runs_header(sweep: &Sweep) -> String {
    let mut columns: Vec<String> = RUN_KEY_COLUMNS.map(String::from).to_vec();
    columns.extend(sweep.parameters.iter().map(|p| p.name.clone()));
    columns.extend(indicator_names().into_iter().map(String::from));
    csv_line(&columns)
}

/// The manifest of a sweep folder.
pub fn manifest(sweep: &Sweep, sweep_path: &Path, shard: Option<Shard>) -> SweepManifest {
    SweepManifest {
        program: env!("CARGO_PKG_NAME").into(),
        version: env!("CARGO_PKG_VERSION").into(),
        sweep: sweep_path.display().to_string(),
        sweep_hash_fnv1a64: sweep.sweep_hash.clone(),
        base_scenario: sweep.base.display().to_string(),
        base_model_hash_fnv1a64: sweep.base_model_hash.clone(),
        seed: sweep.seed,
        design_points: sweep.points.len() as u64,
        replications: sweep.replications,
        max_replications: sweep.max_replications(),
        shard,
        precision_target: sweep.precision.as_ref().map(|p| super::files::PrecisionTarget {
            indicator: p.indicator.clone(),
            relative_half_width: p.relative_half_width,
        }),
    }
}

/// Runs `sweep` (or the shard of it in `options`) into `options.out`, carrying on
/// from the journal if the folder holds an interrupted run of the same sweep.
pub fn run_sweep(sweep: &Sweep, options: &SweepOptions, progress: Progress) -> Result<SweepOutcome, ExperimentError> {
    let share = Share { shard: options.shard, replications: sweep.replications, precision: sweep.precision.is_some() };
    let mine: Vec<&DesignPoint> = sweep.points.iter().filter(|p| share.has_point(p.index)).collect();
    let most = planned_most(sweep, &share, mine.len() as u64);
    if most > MAX_RUNS {
        let shards = options.shard.map_or(1, |s| s.count);
        return Err(ExperimentError::TooManyRuns {
            runs: most,
            limit: MAX_RUNS,
            suggested: shards * most.div_ceil(MAX_RUNS),
        });
    }
    let runner = runner(sweep.seed, options.jobs)?;
    // Check every design point before anything is written.
    let loaded: Vec<Result<Model, ExperimentError>> = runner.map(&mine, |p| sweep.model(p));
    let mut models: Vec<Option<Arc<Model>>> = Vec::with_capacity(mine.len());
    for result in loaded {
        let model = result?;
        models.push((mine.len() <= KEEP_MODELS_UP_TO).then(|| Arc::new(model)));
    }
    let folder = options.out.clone();
    // Held until the sweep returns: another sweep to this folder refuses clearly.
    let _lock = crate::export::output::OutputLock::acquire(&crate::export::output::canonical(&folder))?;
    let own_manifest = manifest(sweep, &sweep.file, options.shard);
    let state = prepare_sweep_folder(&folder, &own_manifest)?;
    let mut outcome = SweepOutcome {
        folder: folder.clone(),
        points: mine.len() as u64,
        runs: 0,
        resumed: 0,
        ran: 0,
        damaged_lines: 0,
        outside_lines: 0,
        already_complete: state == FolderState::Complete,
        precision_not_judged: None,
        precision_not_met: None,
    };
    if state == FolderState::Complete {
        return Ok(outcome);
    }
    let header = runs_header(sweep);
    let journal_path = folder.join(names::JOURNAL);
    let value_column = sweep.precision.as_ref().map(|p| 2 + sweep.parameters.len() + p.indicator_index);
    let mut done = Done::default();
    let position: HashMap<u64, usize> = mine.iter().enumerate().map(|(i, p)| (p.index, i)).collect();
    // A run this command would never do (a line copied from another journal, or
    // edited) is not taken as done: it is left out and counted.
    let most = sweep.max_replications();
    let (mut journal, recovered) = Journal::open(&journal_path, &header, &mut |entry, row| {
        if position.contains_key(&entry.point)
            && entry.replication < most
            && share.has_run(entry.point, entry.replication)
        {
            done.record(entry, value_column.map(|c| precision_value(row, c)));
        } else {
            outcome.outside_lines += 1;
        }
    })?;
    outcome.resumed = done.runs.len() as u64;
    outcome.damaged_lines = recovered.damaged;
    loop {
        let (pending, total) = pending_runs(sweep, &share, &mine, &done);
        if pending.is_empty() {
            break;
        }
        progress(total - pending.iter().map(|(_, r)| r.len() as u64).sum::<u64>(), total);
        let context = RunContext { sweep, mine: &mine, models: &models, position: &position, total };
        let finished = execute(&runner, &context, &pending, &mut journal, progress)?;
        outcome.ran += finished.len() as u64;
        for (entry, value) in finished {
            done.record(&entry, value);
        }
    }
    // The final tables hold exactly the planned runs, sorted.
    let planned = plan_all(sweep, &mine, &done);
    outcome.precision_not_judged = not_judged(sweep, &mine, &done, &planned);
    outcome.precision_not_met = not_met(sweep, &mine, &done, &planned);
    let mut rows: Vec<Row> = done
        .runs
        .values()
        .filter(|e| planned.get(&e.point).is_some_and(|&n| e.replication < n) && share.has_run(e.point, e.replication))
        .map(|&entry| Row { source: 0, entry })
        .collect();
    let sources = [journal_path.clone()];
    sort_rows(&mut rows, &sources)?;
    outcome.runs = rows.len() as u64;
    let parameters = options.shard.is_none().then_some(sweep.parameters.len());
    write_tables(&folder, &header, &sources, &rows, parameters, own_manifest.precision_target.as_ref())?;
    // `merge` refuses a shard whose runs.csv no longer has this checksum, and a
    // finished sweep started again one whose runs.csv was changed.
    super::files::write_runs_checksum(&folder)?;
    // The tables are in place (and their names synced): the journal has served its
    // purpose. Its removal needs no sync: a journal that comes back after a power cut
    // only makes the next start write the same tables again.
    drop(journal);
    std::fs::remove_file(&journal_path).map_err(io_error(&journal_path))?;
    Ok(outcome)
}

/// The design points where the precision target could not be judged, in words
/// (`None` without a target, or if it was judged everywhere).
fn not_judged(sweep: &Sweep, mine: &[&DesignPoint], done: &Done, planned: &HashMap<u64, u64>) -> Option<String> {
    let rule = sweep.precision.as_ref()?;
    let reasons: Vec<(String, Unjudged)> = mine
        .iter()
        .filter_map(|p| {
            let values = done.prefix(p.index);
            let n = (planned[&p.index] as usize).min(values.len());
            Some((format!("point {}", p.index), unjudged(&values[..n])?))
        })
        .collect();
    if reasons.is_empty() {
        return None;
    }
    Some(format!(
        "the precision target ({}) was not judged at {} of {} design points: `{}` {}; they ran to the most replications, {}, with no precision to judge",
        target_in_words(rule),
        reasons.len(),
        mine.len(),
        rule.indicator,
        reasons_in_words(&reasons),
        rule.max_replications.max(sweep.replications)
    ))
}

/// The design points that stopped at the most replications without meeting the
/// precision target (where it could be judged), in words: which points, their
/// relative half-widths, the cap (`None` without a target, or if all met it).
fn not_met(sweep: &Sweep, mine: &[&DesignPoint], done: &Done, planned: &HashMap<u64, u64>) -> Option<String> {
    let rule = sweep.precision.as_ref()?;
    let wide: Vec<(String, f64)> = mine
        .iter()
        .filter_map(|p| {
            let values = done.prefix(p.index);
            let values = &values[..(planned[&p.index] as usize).min(values.len())];
            if unjudged(values).is_some() {
                return None; // Said by `not_judged`.
            }
            let h = Summary::of(values).relative_half_width_95();
            // As `plan` judges it: a half-width that is not a number never meets it.
            let met = h <= rule.relative_half_width;
            (!met).then(|| (format!("point {}", p.index), h))
        })
        .collect();
    (!wide.is_empty()).then(|| not_met_in_words(rule, &wide, mine.len(), rule.max_replications.max(sweep.replications)))
}

/// Most runs this command may do.
fn planned_most(sweep: &Sweep, share: &Share, points: u64) -> u64 {
    match share.shard {
        Some(s) if !share.precision => {
            let all = (sweep.points.len() as u64).saturating_mul(sweep.replications);
            all / s.count + u64::from(all % s.count >= s.index)
        }
        _ => points.saturating_mul(sweep.max_replications()),
    }
}

/// Runs found done, and the precision indicator's values by point.
#[derive(Default)]
struct Done {
    runs: HashMap<(u64, u64), Entry>,
    values: HashMap<u64, Vec<Option<f64>>>,
}

impl Done {
    fn record(&mut self, entry: &Entry, value: Option<f64>) {
        self.runs.entry((entry.point, entry.replication)).or_insert(*entry);
        if let Some(v) = value {
            let values = self.values.entry(entry.point).or_default();
            let r = entry.replication as usize;
            if values.len() <= r {
                values.resize(r + 1, None);
            }
            values[r] = Some(v);
        }
    }

    /// The values of replications 0, 1, … up to the first one not done.
    fn prefix(&self, point: u64) -> Vec<f64> {
        self.values.get(&point).map_or_else(Vec::new, |v| v.iter().map_while(|x| *x).collect())
    }
}

fn precision_value(row: &str, column: usize) -> f64 {
    super::tables::csv_fields(row).get(column).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

/// Replications each point of the share needs, as far as the runs done so far tell.
fn plan_all(sweep: &Sweep, mine: &[&DesignPoint], done: &Done) -> HashMap<u64, u64> {
    let mut planned = HashMap::new();
    for p in mine {
        let n = match &sweep.precision {
            None => sweep.replications,
            Some(rule) => match plan(sweep.replications, rule, &done.prefix(p.index)) {
                Plan::Complete(n) | Plan::RunUpTo(n) => n,
            },
        };
        planned.insert(p.index, n);
    }
    planned
}

/// Runs still to do, grouped by design point (in point order), and the runs planned so far.
fn pending_runs(sweep: &Sweep, share: &Share, mine: &[&DesignPoint], done: &Done) -> (Vec<(u64, Vec<u64>)>, u64) {
    let planned = plan_all(sweep, mine, done);
    let mut pending = Vec::new();
    let mut total = 0;
    for p in mine {
        let n = planned[&p.index];
        let reps: Vec<u64> = (0..n).filter(|&r| share.has_run(p.index, r)).collect();
        total += reps.len() as u64;
        let missing: Vec<u64> = reps.into_iter().filter(|&r| !done.runs.contains_key(&(p.index, r))).collect();
        if !missing.is_empty() {
            pending.push((p.index, missing));
        }
    }
    (pending, total)
}

/// What the worker threads share.
struct RunContext<'a> {
    sweep: &'a Sweep,
    mine: &'a [&'a DesignPoint],
    models: &'a [Option<Arc<Model>>],
    position: &'a HashMap<u64, usize>,
    total: u64,
}

/// A finished run on its way to the journal.
struct Finished {
    point: u64,
    replication: u64,
    row: String,
    value: Option<f64>,
}

/// Runs `pending` on `runner`'s threads; a writer thread appends rows to the journal as they
/// come (all rows waiting at once share one sync). Returns the rows' places.
fn execute(
    runner: &Runner,
    context: &RunContext,
    pending: &[(u64, Vec<u64>)],
    journal: &mut Journal,
    progress: Progress,
) -> Result<Vec<(Entry, Option<f64>)>, ExperimentError> {
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<ExperimentError>> = Mutex::new(None);
    let fail = |e: ExperimentError| {
        failed.store(true, Ordering::SeqCst);
        let mut slot = first_error.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(e);
    };
    let already = context.total - pending.iter().map(|(_, r)| r.len() as u64).sum::<u64>();
    let (sender, receiver) = mpsc::channel::<Finished>();
    let written = std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_rows(receiver, journal, already, context.total, progress));
        runner.for_each(pending, |(point, replications)| {
            if failed.load(Ordering::SeqCst) {
                return;
            }
            let i = context.position[point];
            let model = match &context.models[i] {
                Some(m) => Arc::clone(m),
                None => match context.sweep.model(context.mine[i]) {
                    Ok(m) => Arc::new(m),
                    Err(e) => return fail(e),
                },
            };
            runner.for_each(replications, |&replication| {
                if failed.load(Ordering::SeqCst) {
                    return;
                }
                match run_one(runner, context.sweep, context.mine[i], &model, replication) {
                    Ok(finished) => {
                        if sender.send(finished).is_err() {
                            failed.store(true, Ordering::SeqCst);
                        }
                    }
                    Err(e) => fail(e),
                }
            });
        });
        drop(sender);
        writer.join()
    });
    let written = match written {
        Ok(result) => result,
        Err(_) => Err(ExperimentError::Inconsistent("the journal writer thread panicked".into())),
    };
    if let Some(e) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    written
}

/// One run: simulate and turn the summary into a `runs.csv` row.
fn run_one(
    runner: &Runner,
    sweep: &Sweep,
    point: &DesignPoint,
    model: &Arc<Model>,
    replication: u64,
) -> Result<Finished, ExperimentError> {
    let output = runner.run(model, replication).map_err(|source| ExperimentError::Engine {
        what: format!("{}, replication {replication}", sweep.describe(point)),
        source,
    })?;
    let names = indicator_names();
    if output.summary.len() != names.len() || output.summary.iter().zip(&names).any(|((a, _), b)| a != b) {
        return Err(ExperimentError::Inconsistent(
            "the engine's summary row does not have the indicators indicators::summary lists".into(),
        ));
    }
    let mut fields: Vec<String> = vec![point.index.to_string(), replication.to_string()];
    fields.extend(point.levels.iter().map(|l| l.label.clone()));
    fields.extend(output.summary.iter().map(|(_, v)| number(*v)));
    let value = sweep.precision.as_ref().map(|p| output.summary[p.indicator_index].1);
    Ok(Finished { point: point.index, replication, row: csv_line(&fields), value })
}

/// The journal writer: appends whatever has arrived, syncs once per batch.
fn write_rows(
    receiver: mpsc::Receiver<Finished>,
    journal: &mut Journal,
    already: u64,
    total: u64,
    progress: Progress,
) -> Result<Vec<(Entry, Option<f64>)>, ExperimentError> {
    let mut out = Vec::new();
    let mut done = already;
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        batch.extend(receiver.try_iter());
        let rows: Vec<&str> = batch.iter().map(|f| f.row.as_str()).collect();
        let places = journal.append(&rows)?;
        for (f, (offset, len)) in batch.iter().zip(places) {
            let entry = Entry { point: f.point, replication: f.replication, offset, len };
            // Only the precision indicator's value is needed (value is None without a target).
            out.push((entry, f.value.map(|v| if v.is_finite() { v } else { f64::NAN })));
        }
        done += batch.len() as u64;
        progress(done, total);
    }
    Ok(out)
}
