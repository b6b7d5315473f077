//! The files of an optimise folder: `manifest.ron` (what was searched, so that a
//! restart recognises its own folder), `candidates.csv`, `selection.csv`,
//! `runs.csv` and `result.txt`, each written atomically once the search is over.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::search::{Search, Selected, Status};
use super::spec::{Bound, OptimiseSpec, Selection};
use crate::experiment::files::write_atomic;
use crate::experiment::tables::csv_line;
use crate::experiment::{ExperimentError, io_error};
use crate::schema::{CANDIDATE_COLUMNS, CONSTRAINT_COLUMN_SUFFIXES, number, short_number, short_plus_minus};
use crate::stats::Summary;

/// File names inside an optimise folder.
pub mod names {
    /// How the folder was made.
    pub const MANIFEST: &str = "manifest.ron";
    /// Finished runs while the search is under way.
    pub const JOURNAL: &str = "journal.csv";
    /// Every run, sorted by candidate and replication.
    pub const RUNS: &str = "runs.csv";
    /// Every candidate evaluated.
    pub const CANDIDATES: &str = "candidates.csv";
    /// The finalists of the selection.
    pub const SELECTION: &str = "selection.csv";
    /// The chosen plan and its guarantee, in words.
    pub const RESULT: &str = "result.txt";
}

/// `manifest.ron` of an optimise folder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "OptimiseManifest", deny_unknown_fields)]
pub struct OptimiseManifest {
    /// Program name.
    pub program: String,
    /// Program version.
    pub version: String,
    /// The optimise file as named on the command line.
    pub spec: String,
    /// Fingerprint of its text.
    pub spec_hash_fnv1a64: String,
    /// The base scenarios and the fingerprints of their models.
    pub bases: Vec<(String, String)>,
    /// Seed.
    pub seed: u64,
}

impl OptimiseManifest {
    /// The manifest of `spec` run from the file named `named`.
    pub fn of(spec: &OptimiseSpec) -> OptimiseManifest {
        OptimiseManifest {
            program: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
            spec: spec.file.display().to_string(),
            spec_hash_fnv1a64: spec.spec_hash.clone(),
            bases: spec.bases.iter().map(|b| (b.path.display().to_string(), b.model_hash.clone())).collect(),
            seed: spec.seed,
        }
    }

    fn to_text(&self) -> Result<String, ExperimentError> {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map(|t| t + "\n")
            .map_err(|e| ExperimentError::Inconsistent(format!("cannot write the manifest: {e}")))
    }
}

/// What an optimise folder holds before a search starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FolderState {
    /// Nothing yet.
    Fresh,
    /// An interrupted search of the same spec: carry on from its journal.
    Resume,
    /// The same search, finished.
    Complete,
}

/// Creates `folder` for `manifest`'s search or recognises it as the same search
/// started before; any other non-empty folder is refused.
pub fn prepare_folder(folder: &Path, manifest: &OptimiseManifest) -> Result<FolderState, ExperimentError> {
    let refuse = |reason: String| ExperimentError::OutputExists { folder: folder.to_path_buf(), reason };
    if crate::export::output::dangling_link(folder) {
        return Err(refuse(crate::export::output::DANGLING_LINK.into()));
    }
    if folder.exists() {
        if !folder.is_dir() {
            return Err(crate::export::ExportError::NotAFolder(folder.to_path_buf()).into());
        }
        // Its files are replaced by renames, which a file mounted there cannot take.
        crate::export::output::check_no_mount_inside(&crate::export::output::canonical(folder))?;
        let manifest_path = folder.join(names::MANIFEST);
        if manifest_path.exists() {
            let text = std::fs::read_to_string(&manifest_path).map_err(io_error(&manifest_path))?;
            let existing: OptimiseManifest = ron::from_str(&text).map_err(|_| {
                refuse("holds other results (its manifest.ron is not an optimise manifest); choose another --out or remove the folder".into())
            })?;
            let same = OptimiseManifest { spec: manifest.spec.clone(), ..existing };
            if same != *manifest {
                return Err(refuse(
                    "holds the results of a different search (spec file, base scenarios, seed or program version differ); choose another --out, or remove the folder to start afresh".into(),
                ));
            }
            if folder.join(names::JOURNAL).exists() || !folder.join(names::RESULT).exists() {
                return Ok(FolderState::Resume);
            }
            return Ok(FolderState::Complete);
        }
        let empty = std::fs::read_dir(folder).map_err(io_error(folder))?.next().is_none();
        if !empty {
            return Err(refuse(
                "exists and is not an optimise result folder (no manifest.ron); choose another --out or remove it"
                    .into(),
            ));
        }
    }
    crate::export::output::create_folder(folder)?;
    write_atomic(&folder.join(names::MANIFEST), manifest.to_text()?.as_bytes())?;
    Ok(FolderState::Fresh)
}

/// `mean ± half-width` of a 95% interval, for people.
fn plus_minus(values: &[f64]) -> String {
    let s = Summary::of(values);
    if s.n > 1 && s.half_width_95.is_finite() {
        short_plus_minus(s.mean, s.half_width_95)
    } else {
        short_number(s.mean)
    }
}

/// `candidates.csv`: every candidate evaluated, in the order the search met them.
pub fn candidates_csv(spec: &OptimiseSpec, search: &Search) -> String {
    let mut header: Vec<String> = vec!["candidate".into()];
    header.extend(spec.variables.iter().map(|v| v.name.clone()));
    header.extend(CANDIDATE_COLUMNS.map(String::from));
    for c in &spec.constraints {
        header.extend(CONSTRAINT_COLUMN_SUFFIXES.map(|suffix| format!("{}{suffix}", c.name)));
    }
    let mut out = csv_line(&header) + "\n";
    for (n, candidate) in search.evaluator.candidates.iter().enumerate() {
        let objective = Summary::of(&search.objective_values(n));
        let mut fields = vec![n.to_string()];
        fields.extend(spec.labels(candidate));
        fields.extend([
            search.planned[n].to_string(),
            search.status(n).word().to_string(),
            number(objective.mean),
            number(objective.half_width_95),
        ]);
        for j in search.judgements(n) {
            fields.extend([number(j.mean), number(j.limit), j.standing.word().to_string()]);
        }
        out += &(csv_line(&fields) + "\n");
    }
    out
}

/// `selection.csv`: the finalists, best objective mean first, and which was chosen.
pub fn selection_csv(spec: &OptimiseSpec, search: &Search, selected: Option<&Selected>) -> String {
    let mut header: Vec<String> = vec!["rank".into(), "candidate".into()];
    header.extend(spec.variables.iter().map(|v| v.name.clone()));
    header.extend(["replications", "objective_mean", "objective_ci95_half_width", "selected"].map(String::from));
    let mut out = csv_line(&header) + "\n";
    for (rank, &c) in selected.map_or(&[][..], |s| s.finalists.as_slice()).iter().enumerate() {
        let objective = Summary::of(&search.objective_values(c));
        let mut fields = vec![(rank + 1).to_string(), c.to_string()];
        fields.extend(spec.labels(&search.evaluator.candidates[c]));
        fields.extend([
            search.planned[c].to_string(),
            number(objective.mean),
            number(objective.half_width_95),
            if selected.is_some_and(|s| s.chosen == c) { "yes" } else { "no" }.to_string(),
        ]);
        out += &(csv_line(&fields) + "\n");
    }
    out
}

/// `result.txt`: the chosen plan, its indicators with intervals, its guarantee.
pub fn result_text(spec: &OptimiseSpec, search: &Search, selected: Option<&Selected>) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "reformsim optimise {}", spec.file.display());
    let _ = writeln!(t, "objective: minimise {}", spec.objective.describe());
    for c in &spec.constraints {
        let (word, b) = match c.bound {
            Bound::AtMost(b) => ("at most", b),
            Bound::AtLeast(b) => ("at least", b),
        };
        let _ = writeln!(
            t,
            "constraint: mean {} {word} {} with {}% confidence (one-sided)",
            c.name,
            b,
            c.confidence * 100.0
        );
    }
    let feasible = (0..search.evaluator.candidates.len()).filter(|&c| search.status(c) == Status::Feasible).count();
    let _ = writeln!(
        t,
        "search: {} candidates evaluated ({feasible} feasible), {} runs; {} incumbents; stopped because {}",
        search.evaluator.candidates.len(),
        search.evaluator.runs(),
        search.path.len(),
        search.stop
    );
    let Some(selected) = selected else {
        let _ = if feasible > 0 {
            writeln!(
                t,
                "\nNO PLAN could be chosen: {feasible} candidates met every target, but the objective ({}) was not a finite number for any of them: it names an indicator this scenario leaves empty (such as `public_service_cny` without a budget), or its weights overflow. Minimise an indicator the scenario defines, with moderate weights.",
                spec.objective.describe()
            )
        } else {
            writeln!(
                t,
                "\nNO FEASIBLE PLAN was found: widen the variables' ranges (the start should meet every target) or relax the targets."
            )
        };
        return t;
    };
    let c = selected.chosen;
    let _ = writeln!(t, "\nchosen plan (candidate {c}): {}", spec.describe(&search.evaluator.candidates[c]));
    let _ = writeln!(t, "replications: {}", search.planned[c]);
    let _ = writeln!(
        t,
        "objective {}: {} (mean ± 95% half-width)",
        spec.objective.describe(),
        plus_minus(&search.objective_values(c))
    );
    for (k, j) in spec.constraints.iter().zip(search.judgements(c)) {
        let side = match k.bound {
            Bound::AtMost(_) => "upper",
            Bound::AtLeast(_) => "lower",
        };
        let _ = writeln!(
            t,
            "{}: {} (mean ± 95% half-width); one-sided {}% {side} limit {}: {}",
            k.name,
            plus_minus(&search.values(c, k.indicator)),
            k.confidence * 100.0,
            short_number(j.limit),
            j.standing.word()
        );
    }
    for (i, (name, _, _)) in
        spec.objective.terms.iter().enumerate().filter(|(_, t)| spec.objective.terms.len() > 1 || t.2 != 1.0)
    {
        let _ = writeln!(t, "{name}: {}", plus_minus(&search.values(c, spec.objective.terms[i].0)));
    }
    let status = search.status(c);
    let _ = writeln!(
        t,
        "feasibility on all {} replications: {}",
        search.planned[c],
        if status == Status::Feasible {
            "every constraint met".to_string()
        } else {
            format!("{} (the selection's extra replications moved a limit across its bound)", status.word())
        }
    );
    let _ = writeln!(t, "\nguarantee: {}.", selected.guarantee);
    let joint: f64 = 1.0 - spec.constraints.iter().map(|k| 1.0 - k.confidence).sum::<f64>();
    let _ = writeln!(
        t,
        "Each constraint is held at its own confidence; all of them together at least {:.0}% (Bonferroni). The search is a greedy descent: the plan is the best of the candidates it met, not a proven optimum over every plan.",
        joint.max(0.0) * 100.0
    );
    let _ = writeln!(
        t,
        "selection: {}",
        match spec.selection {
            Selection::KnPlusPlus(_) => "KN++ (fixed probability of correct selection)",
            Selection::Ocba(_) => "OCBA (fixed budget)",
        }
    );
    t
}
