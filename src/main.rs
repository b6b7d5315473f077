//! The `reformsim` command line: run, validate and demo.
//!
//! Exit status: 0 success, 2 invalid input (scenario or arguments), 1 a failure
//! while running or writing results.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use reformsim::engine::ReplicationOutput;
use reformsim::export::{self, RunInfo};
use reformsim::runner::run_replications;
use reformsim::scenario::{self, Model};
use reformsim::stats::Summary;

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
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Independent replications.
        #[arg(long, default_value_t = 1)]
        replications: u64,
        /// Output folder [default: results/<scenario name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Threads (0: all cores).
        #[arg(long, default_value_t = 0)]
        jobs: usize,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Checks a scenario and reports every problem found.
    Validate {
        /// The scenario file (RON).
        scenario: PathBuf,
    },
    /// Runs the two shipped structures and prints them side by side.
    Demo {
        /// Replications per scenario.
        #[arg(long, default_value_t = 3)]
        replications: u64,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
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
    let result = match cli.command {
        None => demo(3, false),
        Some(Command::Demo { replications, quiet }) => demo(replications, quiet),
        Some(Command::Validate { scenario }) => validate(&scenario),
        Some(Command::Run { scenario, seed, replications, out, jobs, quiet }) => {
            run(&scenario, seed, replications, out, jobs, quiet)
        }
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

fn load(path: &Path) -> Result<Arc<Model>, Failure> {
    scenario::load(path).map(Arc::new).map_err(|e| Failure::Input(e.to_string()))
}

fn validate(path: &Path) -> Result<(), Failure> {
    let model = load(path)?;
    for w in scenario::warnings(&model) {
        eprintln!("warning: {w}");
    }
    println!(
        "{}: valid — {} departments, {} services, {} staff, about {:.0} cases over {} days",
        path.display(),
        model.departments.len(),
        model.services.len(),
        model.headcount(),
        model.expected_cases(),
        model.horizon_days
    );
    Ok(())
}

fn check_replications(replications: u64) -> Result<(), Failure> {
    if replications == 0 || replications > MAX_REPLICATIONS {
        return Err(Failure::Input(format!(
            "error: --replications must be between 1 and {MAX_REPLICATIONS} (found {replications}); for more, run several commands with different --seed values"
        )));
    }
    Ok(())
}

/// Runs replications with a progress bar that appears only for runs longer than a second.
fn simulate_with_progress(
    model: &Arc<Model>,
    seed: u64,
    replications: u64,
    jobs: usize,
    quiet: bool,
) -> Result<Vec<ReplicationOutput>, Failure> {
    let total = u64::from(model.horizon_days) * replications;
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {percent}% {msg} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(model.name.clone());
    let started = Instant::now();
    let shown = AtomicBool::new(false);
    let progress = |done: u64| {
        if !quiet && !shown.load(Ordering::Relaxed) && started.elapsed() > Duration::from_secs(1) {
            shown.store(true, Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.set_position(done);
    };
    let outputs = run_replications(model, seed, replications, jobs, &progress).map_err(|e| Failure::Run(e.to_string()));
    bar.finish_and_clear();
    outputs
}

fn run(
    path: &Path,
    seed: u64,
    replications: u64,
    out: Option<PathBuf>,
    jobs: usize,
    quiet: bool,
) -> Result<(), Failure> {
    check_replications(replications)?;
    let model = load(path)?;
    for w in scenario::warnings(&model) {
        eprintln!("warning: {w}");
    }
    let outputs = simulate_with_progress(&model, seed, replications, jobs, quiet)?;
    let folder = out.unwrap_or_else(|| PathBuf::from("results").join(&model.name));
    let info = RunInfo {
        scenario_path: path.display().to_string(),
        seed,
        replications,
        command_line: std::env::args().collect(),
    };
    export::write_run(&folder, &model, &info, &outputs).map_err(|e| Failure::Run(e.to_string()))?;
    print_table(&[(model.name.as_str(), outputs.as_slice())]);
    println!("results written to {}", folder.display());
    Ok(())
}

/// The shipped scenarios folder: `./scenarios`, or the one next to the sources.
fn shipped_scenarios() -> PathBuf {
    let local = PathBuf::from("scenarios");
    if local.join("small-department.ron").exists() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
    }
}

fn demo(replications: u64, quiet: bool) -> Result<(), Failure> {
    check_replications(replications)?;
    let folder = shipped_scenarios();
    let mut results = Vec::new();
    for name in ["small-department", "super-department"] {
        let path = folder.join(format!("{name}.ron"));
        let model = load(&path)?;
        let outputs = simulate_with_progress(&model, 1, replications, 0, quiet)?;
        let out = PathBuf::from("results").join("demo").join(name);
        let info = RunInfo {
            scenario_path: path.display().to_string(),
            seed: 1,
            replications,
            command_line: std::env::args().collect(),
        };
        export::write_run(&out, &model, &info, &outputs).map_err(|e| Failure::Run(e.to_string()))?;
        results.push((model.name.clone(), outputs));
    }
    println!(
        "reformsim demo: the same county, demand and staff in two structures ({replications} replications each, seed 1)\n"
    );
    let borrowed: Vec<(&str, &[ReplicationOutput])> = results.iter().map(|(n, o)| (n.as_str(), o.as_slice())).collect();
    print_table(&borrowed);
    println!("\nresults written to results/demo/");
    Ok(())
}

/// Prints mean ± 95% confidence half-width of every indicator, one column per scenario.
fn print_table(columns: &[(&str, &[ReplicationOutput])]) {
    let Some((_, first)) = columns.first() else { return };
    let Some(rep) = first.first() else { return };
    let width = 38;
    print!("{:width$}", "indicator");
    for (name, _) in columns {
        print!(" {name:>26}");
    }
    println!();
    for (i, (indicator, _)) in rep.summary.iter().enumerate() {
        print!("{indicator:width$}");
        for (_, outputs) in columns {
            let values: Vec<f64> = outputs.iter().map(|o| o.summary[i].1).collect();
            let s = Summary::of(&values);
            let cell = if s.mean.is_nan() {
                "—".to_string()
            } else if s.n > 1 && s.half_width_95.is_finite() {
                format!("{} ± {}", fmt(s.mean), fmt(s.half_width_95))
            } else {
                fmt(s.mean)
            };
            print!(" {cell:>26}");
        }
        println!();
    }
}

/// Four significant digits, without scientific notation for everyday sizes.
fn fmt(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1e4 {
        format!("{x:.0}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.3}")
    } else {
        format!("{x:.4}")
    }
}
