//! The research commands of the command line: `optimise`, `sensitivity` and
//! `calibrate` (the work is in the library's `analysis` module; here, the
//! output folder, the progress line and what is printed).

use std::path::{Path, PathBuf};

use reformsim::experiment::Shard;

use crate::progress::Progress;
use crate::{Failure, stem};

pub(crate) fn optimise(
    path: &Path,
    out: Option<PathBuf>,
    jobs: usize,
    shard: Option<Shard>,
    quiet: bool,
) -> Result<(), Failure> {
    use reformsim::analysis::optimise::{OptimiseOptions, OptimiseSpec, run_optimise};
    if shard.is_some() {
        return Err(Failure::Input(
            "error: `optimise` cannot be split with --shard: each step of its search depends on the results of the one before (docs/analysis.md, section optimise); run it on one machine, with --jobs for its cores".into(),
        ));
    }
    let spec = OptimiseSpec::load(path)?;
    let folder = out.unwrap_or_else(|| PathBuf::from("results").join("optimise").join(stem(path)));
    let progress = Progress::resumed_runs(&format!("optimise {}", stem(path)), quiet);
    let outcome =
        run_optimise(&spec, &OptimiseOptions { out: folder, jobs }, &|done, total| progress.update(done, total));
    progress.finish();
    let outcome = outcome?;
    if outcome.damaged_lines > 0 {
        eprintln!("warning: {} damaged journal line(s) ignored; their runs were done again", outcome.damaged_lines);
    }
    if outcome.outside_lines > 0 {
        eprintln!(
            "warning: {} journal line(s) for runs outside this search (candidates or replications it does not ask for) ignored",
            outcome.outside_lines
        );
    }
    if outcome.already_complete {
        println!("{} already holds this search's complete results; nothing to do\n", outcome.folder.display());
    } else {
        println!(
            "optimise: {} candidates, {} runs ({} found done, {} run now)\n",
            outcome.candidates, outcome.runs, outcome.resumed, outcome.ran
        );
    }
    print!("{}", outcome.result);
    println!("\nresults written to {}", outcome.folder.display());
    if outcome.objective_undefined {
        return Err(Failure::Input(
            "error: no plan was chosen: the objective is not a number for any plan that met the targets (see result.txt)"
                .into(),
        ));
    }
    if outcome.chosen.is_none() && !outcome.already_complete {
        return Err(Failure::Run("no plan was chosen (see result.txt for why)".into()));
    }
    Ok(())
}

pub(crate) fn sensitivity(
    path: &Path,
    out: Option<PathBuf>,
    jobs: usize,
    shard: Option<Shard>,
    quiet: bool,
) -> Result<(), Failure> {
    use reformsim::analysis::{Sensitivity, SensitivityOptions, evaluate::Execution, sensitivity::table};
    let spec = Sensitivity::load(path)?;
    let name = match shard {
        Some(s) => format!("{}-shard-{}-of-{}", stem(path), s.index, s.count),
        None => stem(path),
    };
    let out = out.unwrap_or_else(|| PathBuf::from("results").join("sensitivity").join(name));
    let options = SensitivityOptions { out, execution: Execution { jobs, shard } };
    let progress = Progress::resumed_runs(&format!("sensitivity {}", stem(path)), quiet);
    let rows = reformsim::analysis::run_sensitivity(&spec, &options, &|done, total| progress.update(done, total));
    progress.finish();
    print!("{}", table(&rows?));
    println!("results written to {}", options.out.display());
    Ok(())
}

pub(crate) fn calibrate(path: &Path, out: Option<PathBuf>, jobs: usize, quiet: bool) -> Result<(), Failure> {
    use reformsim::analysis::{CalibrateOptions, Calibration, calibrate::summary};
    let spec = Calibration::load(path)?;
    let out = out.unwrap_or_else(|| PathBuf::from("results").join("calibration").join(stem(path)));
    let options = CalibrateOptions { out, jobs };
    let progress = Progress::resumed_runs(&format!("calibrate {}", stem(path)), quiet);
    let outcome = reformsim::analysis::run_calibration(&spec, &options, &|done, total| progress.update(done, total));
    progress.finish();
    print!("{}", summary(&outcome?));
    println!("results written to {}", options.out.display());
    Ok(())
}

/// The spec files of the commands that run many scenarios, told by the name
/// their text starts with: the name, the command that reads them, what they are.
const SPECS: [(&str, &str, &str); 4] = [
    ("Sweep", "sweep", "sweep"),
    ("Optimise", "optimise", "optimisation spec"),
    ("Sensitivity", "sensitivity", "sensitivity spec"),
    ("Calibration", "calibrate", "calibration spec"),
];

/// `validate` of a spec file (`Sweep(…)`, `Optimise(…)`, `Sensitivity(…)`,
/// `Calibration(…)`) rather than a scenario: checks it as the command that
/// reads it does (its base scenario, every path) and names that command.
/// `None` when `path` does not hold one of those.
pub(crate) fn validate_spec(path: &Path) -> Option<Result<(), Failure>> {
    use reformsim::analysis::{Calibration, Sensitivity, optimise::OptimiseSpec};
    let text = reformsim::scenario::read_text(path).ok()?;
    let tree = reformsim::scenario::ron_tree::parse(&text).ok()?;
    let &(_, command, what) = SPECS.iter().find(|(name, ..)| tree.name() == Some(*name))?;
    let checked = match command {
        "sweep" => reformsim::experiment::Sweep::load(path).map(|sweep| {
            let points = sweep.points.len() as u64;
            format!(
                ", {} of {} each",
                reformsim::schema::counted(points, "design point", "design points"),
                reformsim::schema::counted(sweep.replications, "replication", "replications")
            )
        }),
        "optimise" => OptimiseSpec::load(path).map(|_| String::new()),
        "sensitivity" => Sensitivity::load(path).map(|_| String::new()),
        _ => Calibration::load(path).map(|_| String::new()),
    };
    Some(match checked {
        Ok(details) => {
            println!(
                "{}: a valid {what}{details}; run it with `reformsim {command} {}`",
                path.display(),
                path.display()
            );
            Ok(())
        }
        Err(e) => Err(match Failure::from(e) {
            Failure::Input(m) => Failure::Input(format!(
                "{}\n({} is a {what}, read by `reformsim {command}`)",
                m.trim_end(),
                path.display()
            )),
            run => run,
        }),
    })
}
