//! `reformsim compare`: several scenarios on the same replications (common random
//! numbers), each indicator's mean with a 95% confidence interval, and the paired
//! difference of every scenario against the first with its 95% interval.
//!
//! Replication `r` of every scenario uses the same seed and index, so the
//! scenarios face the same applicants (`docs/random-streams.md`). The paired
//! interval (Law 2015, §10.2.1) uses the differences `B_r − A_r`, whose variance
//! is `Var A + Var B − 2 Cov(A, B)`: the positive covariance that common random
//! numbers induce narrows it. The unpaired (Welch) interval, which ignores the
//! pairing, is reported beside it so the gain can be seen.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::files::{fill_claimed, write_atomic};
use super::precision::{Outcome, Plan, Precision, plan_with};
use super::tables::csv_line;
use super::{ExperimentError, MAX_RUNS, Progress, indicator_names, runner};
use crate::export::output::{FolderOutput, Replace, canonical};
use crate::scenario::{self, Model};
use crate::schema::{
    COMPARISON_COLUMNS, COMPARISON_RUN_KEY_COLUMNS, model_hash, number, short_number, short_plus_minus,
};
use crate::stats::{Summary, paired_difference};

/// Most replications a comparison may hold in memory.
pub const MAX_REPLICATIONS: u64 = 10_000;

/// A scenario to compare.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// A unique short name (the scenario's name, or its file name when names repeat).
    pub name: String,
    /// The file it came from.
    pub path: PathBuf,
    /// The validated model.
    pub model: Arc<Model>,
}

/// How to compare.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// Seed shared by every scenario.
    pub seed: u64,
    /// Replications (the first batch, with a precision target).
    pub replications: u64,
    /// Threads (0: one per core).
    pub jobs: usize,
    /// Add replications until every scenario's mean of this indicator is this precise.
    pub precision: Option<Precision>,
}

/// The results of a comparison.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Scenario names, the reference first.
    pub names: Vec<String>,
    /// Scenario files.
    pub paths: Vec<PathBuf>,
    /// Model fingerprints.
    pub model_hashes: Vec<String>,
    /// Seed.
    pub seed: u64,
    /// Indicator names.
    pub indicators: Vec<&'static str>,
    /// `values[s][r][i]`: indicator `i` of replication `r` of scenario `s`.
    pub values: Vec<Vec<Vec<f64>>>,
    /// The precision target asked for, and what became of it.
    pub precision: Option<(Precision, Outcome)>,
}

/// One indicator of one scenario in a comparison.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    /// Mean and 95% interval over replications.
    pub summary: Summary,
    /// Paired difference against the first scenario (`None` for the first).
    pub paired: Option<Summary>,
    /// Half-width of the unpaired (Welch) 95% interval of the same difference.
    pub unpaired_half_width_95: Option<f64>,
}

/// Loads the scenarios to compare and gives each a unique name.
pub fn load_candidates(paths: &[PathBuf]) -> Result<Vec<Candidate>, ExperimentError> {
    if paths.len() < 2 {
        return Err(ExperimentError::Argument("compare needs at least two scenario files".into()));
    }
    let mut out: Vec<Candidate> = Vec::new();
    // Every scenario is loaded, so that the problems of each broken one are reported at once.
    let mut failures = Vec::new();
    for path in paths {
        match scenario::load(path) {
            Ok(model) => out.push(Candidate { name: model.name.clone(), path: path.clone(), model: Arc::new(model) }),
            Err(source) => failures.push(ExperimentError::Scenario { what: path.display().to_string(), source }),
        }
    }
    if failures.len() > 1 {
        return Err(ExperimentError::Scenarios { failures, of: paths.len() });
    }
    if let Some(failure) = failures.pop() {
        return Err(failure);
    }
    let repeated = |c: &[Candidate], name: &str| c.iter().filter(|x| x.name == name).count() > 1;
    if out.iter().any(|c| repeated(&out, &c.name)) {
        for c in &mut out {
            c.name = c.path.file_stem().map_or_else(|| c.name.clone(), |s| s.to_string_lossy().into_owned());
        }
    }
    for i in 0..out.len() {
        if out[..i].iter().any(|c| c.name == out[i].name) {
            out[i].name = format!("{} ({})", out[i].name, i + 1);
        }
    }
    Ok(out)
}

/// A warning for each candidate whose measured period (start, warm-up and
/// horizon) differs from the first's: its period totals (costs, cases) differ
/// with the period's length and dates as much as with the reform.
pub fn period_warnings(candidates: &[Candidate]) -> Vec<String> {
    let period = |m: &Model| (m.start_date, m.warmup_days, m.horizon_days);
    let Some(first) = candidates.first() else { return Vec::new() };
    let days = |m: &Model| m.horizon_days.saturating_sub(m.warmup_days);
    candidates[1..]
        .iter()
        .filter(|c| period(&c.model) != period(&first.model))
        .map(|c| {
            format!(
                "{} measures {} days from day {} of a run starting {}, {} measures {} from day {} of one starting {}: totals over the period (costs, cases) are not like for like; compare yearly rates, or give both the same start_date, warmup_days and horizon_days",
                c.name,
                days(&c.model),
                c.model.warmup_days,
                c.model.start_date,
                first.name,
                days(&first.model),
                first.model.warmup_days,
                first.model.start_date
            )
        })
        .collect()
}

/// Runs every candidate on replications `0..n` with the same seed (and more, up to
/// the cap, while a precision target is not met).
pub fn compare(
    candidates: &[Candidate],
    options: &CompareOptions,
    progress: Progress,
) -> Result<Comparison, ExperimentError> {
    let cap = options.precision.as_ref().map_or(options.replications, |p| p.max_replications.max(options.replications));
    if options.replications == 0 || cap > MAX_REPLICATIONS {
        return Err(ExperimentError::Argument(format!(
            "replications must be between 1 and {MAX_REPLICATIONS} (found {cap}); for more, run several comparisons with different --seed values"
        )));
    }
    let most = cap.saturating_mul(candidates.len() as u64);
    if most > MAX_RUNS {
        return Err(ExperimentError::TooManyRuns { runs: most, limit: MAX_RUNS, suggested: most.div_ceil(MAX_RUNS) });
    }
    let runner = runner(options.seed, options.jobs)?;
    let indicators = indicator_names();
    let mut values: Vec<Vec<Vec<f64>>> = vec![Vec::new(); candidates.len()];
    let finished = AtomicU64::new(0);
    loop {
        let done = values[0].len() as u64;
        let target = match &options.precision {
            None => options.replications,
            Some(rule) => match plan_with(options.replications, rule, done, |n| worst_precision(&values, rule, n)) {
                Plan::Complete(_) => break,
                Plan::RunUpTo(n) => n,
            },
        };
        if done >= target {
            break;
        }
        let total = target * candidates.len() as u64;
        let jobs: Vec<(usize, u64)> = (0..candidates.len()).flat_map(|s| (done..target).map(move |r| (s, r))).collect();
        let results: Vec<Result<Vec<f64>, ExperimentError>> = runner.map(&jobs, |&(s, r)| {
            let c = &candidates[s];
            let output = runner
                .run(&c.model, r)
                .map_err(|source| ExperimentError::Engine { what: format!("{}, replication {r}", c.name), source })?;
            progress(finished.fetch_add(1, Ordering::Relaxed) + 1, total);
            Ok(output.summary.iter().map(|(_, v)| *v).collect())
        });
        for (&(s, _), result) in jobs.iter().zip(results) {
            values[s].push(result?);
        }
        if options.precision.is_none() {
            break;
        }
    }
    let names: Vec<String> = candidates.iter().map(|c| c.name.clone()).collect();
    let precision = options.precision.as_ref().map(|rule| {
        let columns: Vec<Vec<f64>> =
            values.iter().map(|reps| reps.iter().map(|r| r[rule.indicator_index]).collect()).collect();
        (rule.clone(), Outcome::of(rule, &names, &columns))
    });
    Ok(Comparison {
        names,
        paths: candidates.iter().map(|c| c.path.clone()).collect(),
        model_hashes: candidates.iter().map(|c| model_hash(&c.model)).collect(),
        seed: options.seed,
        indicators,
        values,
        precision,
    })
}

/// Claims `folder` for a comparison of the scenario files `paths` before it
/// runs, so that a second process asking for it is refused at once: a new or
/// empty folder, or one holding only an earlier comparison of the same files,
/// in the same order (as its manifest records them), which the new one
/// replaces. Anything else (a user's file, other results, a comparison of
/// other files) is refused and kept.
pub fn claim_folder(folder: &Path, paths: &[PathBuf]) -> Result<FolderOutput, ExperimentError> {
    let scenarios: Vec<PathBuf> = paths.iter().map(|p| canonical(p)).collect();
    Ok(FolderOutput::claim(folder, &Replace::Comparison { scenarios: scenarios.clone() }, &scenarios)?)
}

/// The largest relative half-width over the scenarios after `n` replications (NaN if any is NaN).
fn worst_precision(values: &[Vec<Vec<f64>>], rule: &Precision, n: u64) -> f64 {
    values
        .iter()
        .map(|reps| {
            let xs: Vec<f64> = reps[..n as usize].iter().map(|r| r[rule.indicator_index]).collect();
            Summary::of(&xs).relative_half_width_95()
        })
        .fold(0.0, |worst: f64, h| if h.is_nan() || worst.is_nan() { f64::NAN } else { worst.max(h) })
}

#[derive(Serialize)]
#[serde(rename = "ComparisonManifest")]
struct Manifest<'a> {
    program: &'a str,
    version: &'a str,
    scenarios: Vec<(&'a str, String, &'a str)>,
    /// The scenario files relative to the results folder, so that a later
    /// comparison of the same files may replace it ([`claim_folder`]).
    scenario_files: Vec<String>,
    seed: u64,
    replications: u64,
    /// Only with a precision target, so that other comparisons' manifests are as before.
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<PrecisionRecord<'a>>,
}

/// A comparison's precision target and its outcome, in its manifest.
#[derive(Serialize)]
struct PrecisionRecord<'a> {
    indicator: &'a str,
    relative_half_width: f64,
    max_replications: u64,
    outcome: String,
}

impl Comparison {
    /// What became of the precision target, in words, if there was one.
    pub fn precision_outcome(&self) -> Option<String> {
        self.precision.as_ref().map(|(rule, outcome)| outcome.describe(rule, self.replications()))
    }

    /// Replications run (the same for every scenario).
    pub fn replications(&self) -> u64 {
        self.values.first().map_or(0, |v| v.len() as u64)
    }

    /// The values of indicator `i` over the replications of scenario `s`.
    pub fn column(&self, s: usize, i: usize) -> Vec<f64> {
        self.values[s].iter().map(|r| r[i]).collect()
    }

    /// Indicator `i` of scenario `s`: mean, paired and unpaired differences.
    pub fn cell(&self, s: usize, i: usize) -> Cell {
        let mine = self.column(s, i);
        let summary = Summary::of(&mine);
        if s == 0 {
            return Cell { summary, paired: None, unpaired_half_width_95: None };
        }
        let reference = self.column(0, i);
        Cell {
            summary,
            paired: paired_difference(&reference, &mine),
            unpaired_half_width_95: Some(crate::stats::welch_half_width_95(&Summary::of(&reference), &summary)),
        }
    }

    /// Writes `comparison.csv`, `replications.csv` and `manifest.ron` into
    /// `folder`, which must be new, empty or an earlier comparison of the same
    /// files ([`claim_folder`]).
    pub fn write(&self, folder: &Path) -> Result<(), ExperimentError> {
        fill_claimed(claim_folder(folder, &self.paths)?, |staging| self.write_files(staging))
    }

    /// Writes the same files into a folder claimed before the comparison ran
    /// ([`claim_folder`]).
    pub fn write_claimed(&self, output: FolderOutput) -> Result<(), ExperimentError> {
        fill_claimed(output, |staging| self.write_files(staging))
    }

    fn write_files(&self, folder: &Path) -> Result<(), ExperimentError> {
        let mut table = csv_line(COMPARISON_COLUMNS);
        table.push('\n');
        for (i, indicator) in self.indicators.iter().enumerate() {
            for (s, name) in self.names.iter().enumerate() {
                let c = self.cell(s, i);
                let m = c.summary;
                let mut fields = vec![
                    indicator.to_string(),
                    name.clone(),
                    m.n.to_string(),
                    number(m.mean),
                    number(m.mean - m.half_width_95),
                    number(m.mean + m.half_width_95),
                ];
                match (c.paired, c.unpaired_half_width_95) {
                    (Some(d), Some(u)) => fields.extend([
                        number(d.mean),
                        number(d.mean - d.half_width_95),
                        number(d.mean + d.half_width_95),
                        number(d.mean - u),
                        number(d.mean + u),
                    ]),
                    _ => fields.extend(std::iter::repeat_n(String::new(), 5)),
                }
                table.push_str(&csv_line(&fields));
                table.push('\n');
            }
        }
        write_atomic(&folder.join("comparison.csv"), table.as_bytes())?;
        let mut runs = csv_line(COMPARISON_RUN_KEY_COLUMNS.into_iter().chain(self.indicators.iter().copied()));
        runs.push('\n');
        for (s, name) in self.names.iter().enumerate() {
            for (r, row) in self.values[s].iter().enumerate() {
                let fields = [name.clone(), r.to_string()].into_iter().chain(row.iter().map(|v| number(*v)));
                runs.push_str(&csv_line(fields));
                runs.push('\n');
            }
        }
        write_atomic(&folder.join("replications.csv"), runs.as_bytes())?;
        let manifest = Manifest {
            program: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            scenarios: (0..self.names.len())
                .map(|s| (self.names[s].as_str(), self.paths[s].display().to_string(), self.model_hashes[s].as_str()))
                .collect(),
            scenario_files: self
                .paths
                .iter()
                .map(|p| crate::export::manifest::relative_path(&canonical(folder), &canonical(p)))
                .map(|p| p.to_string_lossy().into_owned())
                .collect(),
            seed: self.seed,
            replications: self.replications(),
            precision: self.precision.as_ref().map(|(rule, _)| PrecisionRecord {
                indicator: &rule.indicator,
                relative_half_width: rule.relative_half_width,
                max_replications: rule.max_replications,
                outcome: self.precision_outcome().unwrap_or_default(),
            }),
        };
        let text = ron::ser::to_string_pretty(&manifest, ron::ser::PrettyConfig::default())
            .map_err(|e| ExperimentError::Inconsistent(format!("cannot write the manifest: {e}")))?;
        write_atomic(&folder.join("manifest.ron"), (text + "\n").as_bytes()).map_err(ExperimentError::from)
    }

    /// The comparison as a text table: each scenario's mean ± 95% half-width, then
    /// each other scenario's paired difference from the first ± 95% half-width.
    pub fn table(&self) -> String {
        let mut header: Vec<String> = vec!["indicator".into()];
        header.extend(self.names.iter().cloned());
        header.extend(self.names.iter().skip(1).map(|n| format!("{n} − {}", self.names[0])));
        let mut lines: Vec<Vec<String>> = vec![header];
        for (i, indicator) in self.indicators.iter().enumerate() {
            let mut line = vec![indicator.to_string()];
            let cells: Vec<Cell> = (0..self.names.len()).map(|s| self.cell(s, i)).collect();
            line.extend(cells.iter().map(|c| plus_minus(&c.summary)));
            line.extend(cells.iter().skip(1).map(|c| c.paired.as_ref().map_or_else(String::new, plus_minus)));
            lines.push(line);
        }
        let columns = lines[0].len();
        let widths: Vec<usize> =
            (0..columns).map(|j| lines.iter().map(|l| l[j].chars().count()).max().unwrap_or(0)).collect();
        let mut out = String::new();
        for line in &lines {
            for (j, cell) in line.iter().enumerate() {
                let pad = widths[j] - cell.chars().count();
                if j == 0 {
                    let _ = write!(out, "{cell}{}", " ".repeat(pad));
                } else {
                    let _ = write!(out, "  {}{cell}", " ".repeat(pad));
                }
            }
            out.push('\n');
        }
        out
    }
}

/// `mean ± half-width` with four significant digits, `—` when undefined.
fn plus_minus(s: &Summary) -> String {
    if s.mean.is_nan() {
        "—".into()
    } else if s.n > 1 && s.half_width_95.is_finite() {
        short_plus_minus(s.mean, s.half_width_95)
    } else {
        short_number(s.mean)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Student's sleep data (Cushny and Peebles 1905, as analysed by "Student" 1908
    /// and shipped with R as `sleep`): extra hours of sleep with two drugs, the same
    /// ten patients. R's `t.test(extra ~ group, data = sleep, paired = TRUE)` gives
    /// the interval (−2.4598858, −0.7001142) for group 1 − group 2, and without
    /// `paired` (Welch) (−3.3654832, 0.2054832) with 17.776 degrees of freedom.
    const GROUP_1: [f64; 10] = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const GROUP_2: [f64; 10] = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

    #[test]
    fn paired_interval_matches_the_textbook_sleep_example() {
        // paired_difference(a, b) summarises b − a: group 1 − group 2 here.
        let d = paired_difference(&GROUP_2, &GROUP_1).expect("same length");
        assert!((d.mean - -1.58).abs() < 1e-12, "{}", d.mean);
        assert!((d.mean - d.half_width_95 - -2.459_885_8).abs() < 5e-8, "{d:?}");
        assert!((d.mean + d.half_width_95 - -0.700_114_2).abs() < 5e-8, "{d:?}");
    }

    #[test]
    fn welch_interval_matches_the_textbook_sleep_example() {
        let (a, b) = (Summary::of(&GROUP_1), Summary::of(&GROUP_2));
        let h = crate::stats::welch_half_width_95(&a, &b);
        let centre = a.mean - b.mean;
        assert!((centre - h - -3.365_483_2).abs() < 5e-7, "{centre} ± {h}");
        assert!((centre + h - 0.205_483_2).abs() < 5e-7, "{centre} ± {h}");
        assert_eq!(crate::stats::welch_half_width_95(&Summary::of(&[1.0]), &b), f64::INFINITY);
        assert_eq!(crate::stats::welch_half_width_95(&Summary::of(&[1.0, 1.0]), &Summary::of(&[2.0, 2.0])), 0.0);
    }

    #[test]
    fn numbers_are_shown_with_about_four_digits() {
        assert_eq!(short_number(7.02345), "7.023");
        assert_eq!(short_number(123456.7), "123457");
        assert_eq!(short_number(0.012345), "0.0123");
        assert_eq!(plus_minus(&Summary::of(&[1.0, 2.0, 3.0])), "2 ± 2.484");
    }
}
