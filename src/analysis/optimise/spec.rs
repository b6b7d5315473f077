//! Optimise files: the RON description of a search for the cheapest plan that
//! meets service targets, read and checked into an [`OptimiseSpec`] whose
//! parameter paths are known to resolve in every base scenario (see
//! `docs/analysis.md`, "optimise", for the format).
//!
//! Reading and checking the file is in `raw.rs` ([`OptimiseSpec::load`]): problems
//! are reported all at once, each at its place in the file, as for scenarios and
//! sweeps (the sweep's `Problems` collector and the scenario loader's syntax
//! diagnostics).

use std::path::PathBuf;

use crate::experiment::ExperimentError;
use crate::experiment::design::Level;
use crate::experiment::param_path::{self, ParamPath};
use crate::scenario::{self, Model};

/// Most levels one decision variable may have.
pub const MAX_LEVELS: usize = 10_000;

/// Most candidates a final selection may compare (ranking-and-selection
/// procedures are built for a handful of designs, not hundreds).
pub const MAX_FINALISTS: usize = 20;

/// A base scenario: the file, its text, the fingerprint of its model with the
/// fixed values applied.
#[derive(Clone, Debug)]
pub struct Base {
    /// The scenario file.
    pub path: PathBuf,
    /// Its text as read.
    pub text: String,
    /// Fingerprint of its validated model with the fixed values.
    pub model_hash: String,
}

/// Where a decision variable acts.
#[derive(Clone, Debug)]
pub enum VariableKind {
    /// Whole numbers set at these parameter paths.
    Paths(Vec<ParamPath>),
    /// A choice of the base scenario among [`OptimiseSpec::bases`].
    Scenario,
}

/// A decision variable: its name (a CSV column), where it acts, its levels in order.
#[derive(Clone, Debug)]
pub struct Variable {
    /// Column name.
    pub name: String,
    /// Where it acts.
    pub kind: VariableKind,
    /// Its levels, lowest first (for a scenario choice: the files as listed).
    pub levels: Vec<Level>,
}

/// What is minimised: a weighted sum of indicators (one term with weight 1 for
/// a single indicator).
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    /// `(indicator index in the summary, its name, weight)`.
    pub terms: Vec<(usize, String, f64)>,
}

impl Objective {
    /// The objective's value for one run's summary indicators.
    pub fn value(&self, indicators: &[f64]) -> f64 {
        self.terms.iter().map(|(i, _, w)| w * indicators[*i]).sum()
    }

    /// "admin_cost_cny_per_year" or "1·a + 0.5·b".
    pub fn describe(&self) -> String {
        match self.terms.as_slice() {
            [(_, name, w)] if *w == 1.0 => name.clone(),
            terms => terms.iter().map(|(_, n, w)| format!("{w}·{n}")).collect::<Vec<_>>().join(" + "),
        }
    }
}

/// Which side of its bound an indicator must stay.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// The indicator's mean must be at most this.
    AtMost(f64),
    /// The indicator's mean must be at least this.
    AtLeast(f64),
}

/// A service target: an indicator's mean on one side of a bound, held with a
/// confidence level (judged on a one-sided Student-t interval over replications).
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    /// Index of the indicator in the summary.
    pub indicator: usize,
    /// Its name.
    pub name: String,
    /// The bound.
    pub bound: Bound,
    /// Confidence level of the one-sided interval (0.5 < confidence < 1).
    pub confidence: f64,
}

/// The search stage's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchSettings {
    /// Replications of every candidate first (and the batch an incumbent gains).
    pub replications: u64,
    /// Most replications of a candidate during the search.
    pub max_replications: u64,
    /// Most candidates evaluated.
    pub max_candidates: u64,
    /// The starting candidate: a level index per variable.
    pub start: Vec<usize>,
}

/// The final selection procedure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Selection {
    /// KN++ for a fixed probability of correct selection.
    KnPlusPlus(super::kn::KnSettings),
    /// OCBA for a fixed budget.
    Ocba(super::ocba::OcbaSettings),
}

impl Selection {
    /// Most runs the selection may do among `finalists` candidates.
    pub fn most_runs(&self, finalists: u64) -> u64 {
        match self {
            Selection::KnPlusPlus(kn) => finalists.saturating_mul(kn.max_replications),
            Selection::Ocba(o) => o.budget.max(finalists.saturating_mul(o.first_stage)),
        }
    }
}

/// A checked optimise file.
#[derive(Clone, Debug)]
pub struct OptimiseSpec {
    /// The file.
    pub file: PathBuf,
    /// FNV-1a fingerprint of its text.
    pub spec_hash: String,
    /// Seed of the simulation streams.
    pub seed: u64,
    /// The base scenario, or the files a scenario choice picks among.
    pub bases: Vec<Base>,
    /// Values set in every candidate.
    pub fixed: Vec<(ParamPath, String)>,
    /// The decision variables.
    pub variables: Vec<Variable>,
    /// What is minimised.
    pub objective: Objective,
    /// The service targets.
    pub constraints: Vec<Constraint>,
    /// The search stage.
    pub search: SearchSettings,
    /// The final selection.
    pub selection: Selection,
    /// Most candidates in the final selection.
    pub finalists: usize,
}

impl OptimiseSpec {
    /// The scenario text of a candidate (a level index per variable), and the base it is built on.
    pub fn scenario_text(&self, candidate: &[usize]) -> Result<(&Base, String), ExperimentError> {
        let mut base = &self.bases[0];
        let mut edits: Vec<(&ParamPath, &str)> = self.fixed.iter().map(|(p, v)| (p, v.as_str())).collect();
        for (variable, &level) in self.variables.iter().zip(candidate) {
            match &variable.kind {
                VariableKind::Scenario => base = &self.bases[level],
                VariableKind::Paths(paths) => {
                    edits.extend(paths.iter().map(|p| (p, variable.levels[level].ron.as_str())));
                }
            }
        }
        let text = param_path::apply(&base.path, &base.text, &edits)
            .map_err(|e| ExperimentError::Point { point: self.describe(candidate), message: e.to_string() })?;
        Ok((base, text))
    }

    /// The validated model of a candidate.
    pub fn model(&self, candidate: &[usize]) -> Result<Model, ExperimentError> {
        let (base, text) = self.scenario_text(candidate)?;
        scenario::load_from_str(&base.path, &text)
            .map_err(|source| ExperimentError::Scenario { what: self.describe(candidate), source })
    }

    /// The labels of a candidate's levels, in variable order.
    pub fn labels(&self, candidate: &[usize]) -> Vec<String> {
        self.variables.iter().zip(candidate).map(|(v, &l)| v.levels[l].label.clone()).collect()
    }

    /// "clerks = 4, structure = super-department.ron".
    pub fn describe(&self, candidate: &[usize]) -> String {
        let shown = crate::scenario::shown;
        let values: Vec<String> = self
            .variables
            .iter()
            .zip(self.labels(candidate))
            .map(|(v, l)| format!("{} = {}", v.name, shown(&l)))
            .collect();
        values.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weighted_objective_sums_its_terms() {
        let objective = Objective { terms: vec![(0, "a".into(), 1.0), (2, "c".into(), 0.5)] };
        assert_eq!(objective.value(&[10.0, 99.0, 4.0]), 12.0);
        assert_eq!(objective.describe(), "1·a + 0.5·c");
        let single = Objective { terms: vec![(1, "b".into(), 1.0)] };
        assert_eq!(single.value(&[10.0, 99.0, 4.0]), 99.0);
        assert_eq!(single.describe(), "b");
    }
}
