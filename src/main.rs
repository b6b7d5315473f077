//! The `reformsim` command line: run, validate, demo, compare, sweep, optimise, merge, sensitivity,
//! calibrate, report, serve and init.
//!
//! Exit status: 0 success, 2 invalid input (scenario or arguments), 1 a failure
//! while running or writing results.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use reformsim::engine::ReplicationOutput;
use reformsim::experiment::compare::{CompareOptions, load_candidates};
use reformsim::experiment::precision::Precision;
use reformsim::experiment::{self as experiment, ExperimentError, Shard, Sweep, SweepOptions};
use reformsim::export::{self, ExportError, RunInfo, RunOutput};
use reformsim::runner::Runner;
use reformsim::scenario::{self, Model};
use reformsim::schema::counted;

mod console;
mod interrupt;
mod progress;
mod research;
mod shipped;
use console::{print_table, print_yearly};
use progress::Progress;

/// Large blocks on huge pages where the kernel has them (`src/alloc.rs`).
#[global_allocator]
static ALLOCATOR: reformsim::alloc::HugePages = reformsim::alloc::HugePages;

/// Simulates government administrative cost and organisational restructuring.
#[derive(Parser)]
#[command(name = "reformsim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Runs a scenario and writes its results.
    Run {
        /// The scenario file (RON).
        scenario: PathBuf,
        /// Seed of the random streams.
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<u64>, default_value_t = 1)]
        seed: u64,
        /// Independent replications.
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<u64>, default_value_t = 1)]
        replications: u64,
        /// Output folder [default: results/<scenario name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Threads (0: all cores; at most the cores available).
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<usize>, default_value_t = 0)]
        jobs: usize,
        /// No progress bar (nor progress lines when standard error is not a terminal).
        #[arg(long)]
        quiet: bool,
        /// Also write the event log: a row per step done and per applicant who gave up (CSV, or XES for a name ending in .xes; docs/event-log.md).
        #[arg(long)]
        event_log: Option<PathBuf>,
        /// Indicators over a date window, FROM..TO (both days included, inside the
        /// measured period), written to windows.csv; repeatable.
        #[arg(long = "window", value_name = "FROM..TO")]
        windows: Vec<String>,
    },
    /// Checks a scenario (or a sweep, optimisation, sensitivity or calibration
    /// spec) and reports every problem found.
    Validate {
        /// The scenario file (RON), or a spec file.
        scenario: PathBuf,
    },
    /// Writes a starter project (a scenario and its CSV catalogues, every column
    /// explained) into a new or empty folder.
    Init {
        /// The folder to create (or an empty one).
        dir: PathBuf,
    },
    /// Runs the shipped county in two structures and through the one-trip reform,
    /// prints them side by side and writes their results and an HTML report.
    Demo {
        /// Replications per scenario.
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<u64>, default_value_t = 3)]
        replications: u64,
        /// Output folder: a folder of results per scenario and report.html.
        #[arg(long, default_value = "results/demo")]
        out: PathBuf,
        /// No progress bar (nor progress lines when standard error is not a terminal).
        #[arg(long)]
        quiet: bool,
    },
    /// Runs scenarios on the same replications (common random numbers) and reports
    /// each indicator's mean and its paired difference from the first scenario.
    Compare {
        /// Scenario files (RON); the first is the reference.
        #[arg(required = true, num_args = 2..)]
        scenarios: Vec<PathBuf>,
        /// Seed of the random streams, shared by every scenario.
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<u64>, default_value_t = 1)]
        seed: u64,
        /// Replications (the first batch, with --precision).
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<u64>, default_value_t = 10)]
        replications: u64,
        /// Add replications until every scenario's 95% half-width of --precision-indicator
        /// is at most this share of its mean (e.g. 0.05).
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<f64>)]
        precision: Option<f64>,
        /// The indicator --precision applies to.
        #[arg(long, default_value = "wait_minutes_mean", requires = "precision")]
        precision_indicator: String,
        /// Most replications with --precision (at least --replications).
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<u64>, default_value_t = 100, requires = "precision")]
        max_replications: u64,
        /// Output folder [default: results/compare/<first>-vs-<second>…]; replaced only if it holds an earlier comparison of the same files.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Threads (0: all cores; at most the cores available).
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<usize>, default_value_t = 0)]
        jobs: usize,
        /// No progress bar (nor progress lines when standard error is not a terminal).
        #[arg(long)]
        quiet: bool,
    },
    /// Runs a parameter sweep; started again with the same command after an
    /// interruption, it does only the runs that are missing.
    Sweep {
        /// The sweep file (RON, see docs/experiments.md).
        sweep: PathBuf,
        /// Output folder [default: results/sweeps/<sweep name>[-shard-K-of-N]].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Threads (0: all cores; at most the cores available).
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<usize>, default_value_t = 0)]
        jobs: usize,
        /// Run only share K of N of the sweep (1 ≤ K ≤ N); combine with `reformsim merge`.
        #[arg(long)]
        shard: Option<Shard>,
        /// No progress bar (nor progress lines when standard error is not a terminal).
        #[arg(long)]
        quiet: bool,
    },
    /// Searches for the cheapest plan that meets service targets (docs/analysis.md, "optimise");
    /// started again with the same command after an interruption, it carries on.
    Optimise {
        /// The optimise file (RON, see docs/analysis.md, "optimise").
        spec: PathBuf,
        /// Output folder [default: results/optimise/<spec name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Threads (0: all cores; at most the cores available).
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<usize>, default_value_t = 0)]
        jobs: usize,
        /// Not supported: each step of the search depends on the one before (refused with a reason).
        #[arg(long, hide = true)]
        shard: Option<Shard>,
        /// No progress bar (nor progress lines when standard error is not a terminal).
        #[arg(long)]
        quiet: bool,
    },
    /// Global sensitivity of indicators to parameters (Morris or Sobol), run as a
    /// sweep: resumable, parallel, shardable (docs/analysis.md).
    Sensitivity {
        /// The sensitivity spec (RON, see docs/analysis.md).
        spec: PathBuf,
        /// Output folder [default: results/sensitivity/<spec name>[-shard-K-of-N]].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Threads (0: all cores; at most the cores available).
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<usize>, default_value_t = 0)]
        jobs: usize,
        /// Run only share K of N of the runs; merge each `runs*` folder with `reformsim merge`.
        #[arg(long)]
        shard: Option<Shard>,
        /// No progress bar (nor progress lines when standard error is not a terminal).
        #[arg(long)]
        quiet: bool,
    },
    /// Fits uncertain parameters to observed indicators (ABC rejection or SMC) and
    /// predicts what was not fitted, with intervals (docs/analysis.md).
    Calibrate {
        /// The calibration spec (RON, see docs/analysis.md).
        spec: PathBuf,
        /// Output folder [default: results/calibration/<spec name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Threads (0: all cores; at most the cores available).
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<usize>, default_value_t = 0)]
        jobs: usize,
        /// No progress bar (nor progress lines when standard error is not a terminal).
        #[arg(long)]
        quiet: bool,
    },
    /// Serves the training-room dashboard: shipped scenarios, reform levers, live charts.
    Serve {
        /// Port to listen on (0: any free port; the address is printed).
        #[arg(long, allow_negative_numbers = true, value_parser = plain_number::<u16>, default_value_t = 8080)]
        port: u16,
        /// Address to listen on; anything but a loopback address opens the dashboard to the network.
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
    },
    /// Combines the folders of a sweep's shards into one result folder.
    Merge {
        /// The shard folders (all N of them).
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// The merged folder (must not exist yet).
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes one self-contained HTML page (charts and tables) for a run, a
    /// comparison, a sweep, or a folder of runs.
    Report {
        /// The result folder.
        folder: PathBuf,
        /// The HTML file [default: FOLDER/report.html].
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Most replications one command may ask for (each holds its results in memory).
const MAX_REPLICATIONS: u64 = 10_000;

/// What went wrong, and the exit status it maps to.
enum Failure {
    /// Invalid input: status 2.
    Input(String),
    /// Failure while running or writing: status 1.
    Run(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Some(Command::Serve { .. })) {
        end_quietly_when_output_closes();
    }
    let result = match cli.command {
        None => shipped::demo(3, Path::new("results/demo"), false),
        Some(Command::Demo { replications, out, quiet }) => shipped::demo(replications, &out, quiet),
        Some(Command::Validate { scenario }) => validate(&scenario),
        Some(Command::Init { dir }) => match reformsim::init::write(&dir) {
            Ok(written) => {
                print!("{written}");
                Ok(())
            }
            Err(e) if e.is_input() => Err(Failure::Input(format!("error: {e}"))),
            Err(e) => Err(Failure::Run(e.to_string())),
        },
        Some(Command::Run { scenario, seed, replications, out, jobs, quiet, event_log, windows }) => {
            run(&scenario, seed, replications, out, jobs, quiet, event_log.as_deref(), &windows)
        }
        Some(Command::Compare {
            scenarios,
            seed,
            replications,
            precision,
            precision_indicator,
            max_replications,
            out,
            jobs,
            quiet,
        }) => {
            let target = precision.map(|p| (precision_indicator.as_str(), p, max_replications));
            compare(&scenarios, seed, replications, target, out, jobs, quiet)
        }
        Some(Command::Sweep { sweep, out, jobs, shard, quiet }) => run_sweep(&sweep, out, jobs, shard, quiet),
        Some(Command::Optimise { spec, out, jobs, shard, quiet }) => research::optimise(&spec, out, jobs, shard, quiet),
        Some(Command::Merge { shards, out }) => merge(&shards, &out),
        Some(Command::Sensitivity { spec, out, jobs, shard, quiet }) => {
            research::sensitivity(&spec, out, jobs, shard, quiet)
        }
        Some(Command::Calibrate { spec, out, jobs, quiet }) => research::calibrate(&spec, out, jobs, quiet),
        Some(Command::Report { folder, out }) => report(&folder, out.as_deref()),
        Some(Command::Serve { port, host }) => shipped::serve(host, port),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
        Err(Failure::Run(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

/// A number on the command line as the project reads numbers everywhere else:
/// without a sign (`+5` is refused, as it is in scenario files and catalogues;
/// Rust's own parsing would take it).
fn plain_number<T: std::str::FromStr>(text: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    if let Some(unsigned) = text.strip_prefix('+') {
        return Err(format!("`{text}` has a plus sign: numbers are written without one (`{unsigned}`)"));
    }
    if text.starts_with('-')
        && text[1..].parse::<f64>().is_ok()
        && "0".parse::<T>().is_ok()
        && "-1".parse::<T>().is_err()
    {
        return Err(format!("`{text}` is negative: write a whole number, 0 or more"));
    }
    text.parse().map_err(|e: T::Err| e.to_string())
}

/// A closed standard output (`reformsim validate x | head -1`) ends the program
/// quietly, as it does other command-line tools: Rust ignores `SIGPIPE`, so the
/// next print panicked ("failed printing to stdout: Broken pipe", exit 101).
/// Results being written are staged and switched in whole, so a run ended this
/// way leaves only its staging folder, which the next run cleans. Not for
/// `serve`, whose sockets must outlive a browser that goes away.
fn end_quietly_when_output_closes() {
    #[cfg(target_os = "linux")]
    // SAFETY: restores the default disposition of one signal, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// An output problem: exit status 2 when the path is to blame (nothing was done), 1 otherwise.
fn export_failure(e: ExportError) -> Failure {
    if e.is_input() { Failure::Input(format!("error: {e}")) } else { Failure::Run(e.to_string()) }
}

fn load(path: &Path) -> Result<Arc<Model>, Failure> {
    scenario::load(path).map(Arc::new).map_err(|e| Failure::Input(e.report()))
}

fn validate(path: &Path) -> Result<(), Failure> {
    if let Some(checked) = research::validate_spec(path) {
        return checked;
    }
    let model = load(path)?;
    console::print_warnings(path, &model, "");
    println!(
        "{}: valid — {}, {}, {} staff, about {:.0} cases over {} days",
        path.display(),
        counted(model.departments.len() as u64, "department", "departments"),
        counted(model.services.len() as u64, "service", "services"),
        model.headcount(),
        model.expected_cases(),
        model.horizon_days
    );
    Ok(())
}

/// `FROM..TO` as two dates.
fn parse_window(text: &str) -> Result<(reformsim::time::Date, reformsim::time::Date), String> {
    let date = |t: &str| {
        reformsim::time::Date::parse(t.trim())
            .ok_or_else(|| format!("`{t}` is not a date: expected YYYY-MM-DD, a day that exists, in years 1 to 9999"))
    };
    match text.split_once("..") {
        Some((from, to)) => Ok((date(from)?, date(to)?)),
        None => Err("expected FROM..TO, e.g. 2018-10-01..2018-10-31".to_string()),
    }
}

fn check_replications(replications: u64) -> Result<(), Failure> {
    if replications == 0 || replications > MAX_REPLICATIONS {
        return Err(Failure::Input(format!(
            "error: --replications must be between 1 and {MAX_REPLICATIONS} (found {replications}); for more, run several commands with different --seed values"
        )));
    }
    Ok(())
}

/// Runs replications, showing their progress (see `progress`).
fn simulate_with_progress(
    model: &Arc<Model>,
    seed: u64,
    replications: u64,
    jobs: usize,
    quiet: bool,
) -> Result<Vec<ReplicationOutput>, Failure> {
    let runner = Runner::new(seed, jobs).map_err(|e| Failure::Run(e.to_string()))?;
    let days = model.horizon_days + model.cooldown_days;
    let total = u64::from(days) * replications;
    let progress = Progress::days(&model.name, days, replications, quiet);
    let outputs = runner.replications(model, replications, &|done| progress.update(done, total));
    progress.finish();
    outputs.map_err(|e| Failure::Run(e.to_string()))
}

#[allow(clippy::too_many_arguments)]
fn run(
    path: &Path,
    seed: u64,
    replications: u64,
    out: Option<PathBuf>,
    jobs: usize,
    quiet: bool,
    event_log: Option<&Path>,
    windows: &[String],
) -> Result<(), Failure> {
    check_replications(replications)?;
    let (mut model, inputs) = scenario::load_with_inputs(path).map_err(|e| Failure::Input(e.report()))?;
    for text in windows {
        let window = parse_window(text).and_then(|(from, to)| model.window(from, to));
        let window = window.map_err(|e| Failure::Input(format!("error: --window {text}: {e}")))?;
        // The same days twice would be two identical rows of windows.csv.
        if model.windows.iter().any(|w| (w.first_day, w.last_day) == (window.first_day, window.last_day)) {
            return Err(Failure::Input(format!("error: --window {text}: these days are already a window")));
        }
        model.windows.push(window);
    }
    let model = Arc::new(model);
    console::print_warnings(path, &model, "");
    let scenario_file = export::output::canonical(path);
    let folder = match out {
        Some(out) => out,
        None => {
            let folder = PathBuf::from("results").join(&model.name);
            export::manifest::check_same_scenario(&folder, &scenario_file).map_err(export_failure)?;
            folder
        }
    };
    // Every output path is checked and claimed before any simulation.
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| export::output::canonical(p)).collect();
    let output = RunOutput::claim(&folder, event_log, &inputs).map_err(export_failure)?;
    interrupt::say_on_interrupt(&format!(
        "interrupted: nothing was written to {}: results replace it only when a run ends (the next run there removes the hidden files left beside it)",
        folder.display()
    ));
    let outputs = match output.event_log_staging() {
        None => simulate_with_progress(&model, seed, replications, jobs, quiet)?,
        Some(staging) => {
            let format = export::event_log::Format::of(event_log.unwrap_or(&staging));
            simulate_with_event_log(&model, seed, replications, quiet, (&staging, format))?
        }
    };
    let info = RunInfo {
        scenario_path: path.display().to_string(),
        scenario_file,
        seed,
        replications,
        command_line: std::env::args().collect(),
    };
    output.commit(&model, &info, &outputs).map_err(export_failure)?;
    print_table(&[(model.name.as_str(), outputs.as_slice())]);
    if outputs.first().is_some_and(|o| o.years.len() > 1) {
        println!();
        print_yearly(&outputs);
    }
    println!("results written to {}", folder.display());
    Ok(())
}

/// Runs the replications one after another, writing every step done to an event
/// log (`staging`, in `format`).
fn simulate_with_event_log(
    model: &Arc<Model>,
    seed: u64,
    replications: u64,
    quiet: bool,
    (staging, format): (&Path, export::event_log::Format),
) -> Result<Vec<ReplicationOutput>, Failure> {
    let mut log = export::event_log::EventLog::create(staging, format).map_err(|e| Failure::Run(e.to_string()))?;
    let days = model.horizon_days + model.cooldown_days;
    let total = u64::from(days) * replications;
    let progress = Progress::days(&model.name, days, replications, quiet);
    let mut failure = None;
    let mut write = |r: u64, rows: &[reformsim::engine::StepRecord]| {
        if failure.is_none()
            && let Err(e) = log.write(model, r, rows)
        {
            failure = Some(e);
        }
    };
    let outputs = Runner::in_this_thread(seed).replications_logged(
        model,
        replications,
        &|done| progress.update(done, total),
        &mut write,
    );
    progress.finish();
    let outputs = match (outputs, failure) {
        (Ok(o), None) => o,
        (Err(e), _) => {
            log.abandon();
            return Err(Failure::Run(e.to_string()));
        }
        (_, Some(e)) => {
            log.abandon();
            return Err(Failure::Run(e.to_string()));
        }
    };
    log.finish().map_err(|e| Failure::Run(e.to_string()))?;
    Ok(outputs)
}

impl From<ExperimentError> for Failure {
    fn from(e: ExperimentError) -> Failure {
        match (e.is_input(), e.is_diagnostic()) {
            (true, true) => Failure::Input(e.to_string()),
            (true, false) => Failure::Input(format!("error: {e}")),
            (false, _) => Failure::Run(e.to_string()),
        }
    }
}

fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(|| "scenario".to_string(), |s| s.to_string_lossy().into_owned())
}

fn compare(
    paths: &[PathBuf],
    seed: u64,
    replications: u64,
    precision: Option<(&str, f64, u64)>,
    out: Option<PathBuf>,
    jobs: usize,
    quiet: bool,
) -> Result<(), Failure> {
    if let Some((_, _, max)) = precision
        && max < replications
    {
        return Err(Failure::Input(format!(
            "error: --max-replications ({max}) must be at least --replications ({replications}), the first batch"
        )));
    }
    let precision = precision
        .map(|(indicator, target, max)| Precision::new(indicator, target, max))
        .transpose()
        .map_err(|e| Failure::Input(format!("error: --precision: {e}")))?;
    let candidates = load_candidates(paths)?;
    for c in &candidates {
        console::print_warnings(&c.path, &c.model, &format!("{}: ", c.name));
    }
    for w in experiment::compare::period_warnings(&candidates) {
        eprintln!("warning: {w}");
    }
    let folder = out.unwrap_or_else(|| {
        let names: Vec<String> = paths.iter().map(|p| stem(p)).collect();
        PathBuf::from("results").join("compare").join(names.join("-vs-"))
    });
    // Claimed before the runs: a second compare into the same folder is refused at once.
    let output = experiment::compare::claim_folder(&folder, paths)?;
    let options = CompareOptions { seed, replications, jobs, precision };
    let progress = Progress::runs(&format!("compare {}", stem(&folder)), quiet);
    let comparison = experiment::compare(&candidates, &options, &|done, total| progress.update(done, total));
    progress.finish();
    let comparison = comparison?;
    comparison.write_claimed(output)?;
    println!(
        "{} scenarios on the same {} (seed {seed}); differences are paired, against {}\n",
        candidates.len(),
        counted(comparison.replications(), "replication", "replications"),
        comparison.names[0]
    );
    print!("{}", comparison.table());
    if let (Some((_, outcome)), Some(said)) = (&comparison.precision, comparison.precision_outcome()) {
        match outcome {
            experiment::precision::Outcome::Met { .. } => println!("\nprecision target {said}"),
            _ => eprintln!("warning: precision target {said}"),
        }
    }
    println!("\nresults written to {}", folder.display());
    Ok(())
}

fn run_sweep(path: &Path, out: Option<PathBuf>, jobs: usize, shard: Option<Shard>, quiet: bool) -> Result<(), Failure> {
    let sweep = Sweep::load(path)?;
    let folder = out.unwrap_or_else(|| {
        let name = match shard {
            Some(s) => format!("{}-shard-{}-of-{}", stem(path), s.index, s.count),
            None => stem(path),
        };
        PathBuf::from("results").join("sweeps").join(name)
    });
    interrupt::say_on_interrupt(&format!(
        "interrupted: the runs finished so far are kept in {}; the same command resumes the sweep where it stopped",
        folder.display()
    ));
    let options = SweepOptions { out: folder, jobs, shard };
    let progress = Progress::resumed_runs(&format!("sweep {}", stem(path)), quiet);
    let outcome = experiment::run_sweep(&sweep, &options, &|done, total| progress.update(done, total));
    progress.finish();
    let outcome = outcome?;
    if outcome.already_complete {
        println!("{} already holds this sweep's complete results; nothing to do", outcome.folder.display());
        return Ok(());
    }
    if let Some(not_judged) = &outcome.precision_not_judged {
        eprintln!("warning: {not_judged}");
    }
    if let Some(not_met) = &outcome.precision_not_met {
        eprintln!("warning: {not_met}");
    }
    if outcome.damaged_lines > 0 {
        eprintln!("warning: {} damaged journal line(s) ignored; their runs were done again", outcome.damaged_lines);
    }
    if outcome.outside_lines > 0 {
        eprintln!(
            "warning: {} journal line(s) for runs outside this sweep's design (or shard) ignored",
            outcome.outside_lines
        );
    }
    let share = shard.map_or_else(String::new, |s| format!(" (shard {s})"));
    println!(
        "sweep{share}: {}, {} ({} found done, {} run now)",
        counted(outcome.points, "design point", "design points"),
        counted(outcome.runs, "run", "runs"),
        outcome.resumed,
        outcome.ran
    );
    println!("results written to {}", outcome.folder.display());
    Ok(())
}

fn merge(shards: &[PathBuf], out: &Path) -> Result<(), Failure> {
    let outcome = experiment::merge(shards, out)?;
    println!(
        "merged {} shards, {}, into {}",
        outcome.shards,
        counted(outcome.runs, "run", "runs"),
        outcome.folder.display()
    );
    Ok(())
}

fn report(folder: &Path, out: Option<&Path>) -> Result<(), Failure> {
    match reformsim::report::write(folder, out) {
        Ok(page) => {
            println!("report written to {}", page.display());
            Ok(())
        }
        Err(e) if e.is_input() => Err(Failure::Input(format!("error: {e}"))),
        Err(e) => Err(Failure::Run(e.to_string())),
    }
}
