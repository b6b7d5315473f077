//! The search stage and the final selection.
//!
//! **Judging a candidate.** Each constraint is judged on a one-sided Student-t
//! interval at its confidence level over the candidate's replications: *met* when
//! the whole interval is on the right side of the bound (for `at_most: b`, mean +
//! t·s/√n ≤ b), *violated* when the opposite one-sided bound is on the wrong side
//! (mean − t·s/√n > b), *unclear* otherwise. A candidate starts with
//! `replications` runs; while some constraint is unclear and none is violated, it
//! gets `replications` more, up to `max_replications`; still unclear then, it is
//! *undecided* and counts as infeasible. Feasible means every constraint met.
//!
//! **Search** (a greedy descent over the integer lattice of the decision
//! variables). From the start (by default every variable at its upper bound: the
//! most generous plan, which should be feasible), the neighbours one step down in
//! each variable (and every other file of a scenario choice) are evaluated; the
//! incumbent moves to the feasible neighbour with the smallest objective mean, if
//! it is below the incumbent's. When no step down helps, steps up are tried (a
//! weighted objective need not grow with staff). The new incumbent is then
//! *re-evaluated* with `replications` more runs (and more while unclear): if it is
//! no longer feasible the move is undone. The search ends at a plan no single step
//! improves, or after `max_candidates` candidates.
//!
//! **Selection.** The best feasible candidates by objective mean (at most
//! `finalists`) go to KN++ or OCBA on the objective, with common random numbers
//! (replication `r` of every finalist shares its random numbers), reusing the
//! runs the search already did.
//!
//! Everything here is a function of the runs' results, so the same spec and seed
//! give the same candidates, runs and choice, whatever the threads, and a resumed
//! search retraces its steps.

use super::kn::{self, KnStatus};
use super::ocba::{self, OcbaStatus};
use super::runs::Evaluator;
use super::spec::{Bound, Constraint, OptimiseSpec, Selection, VariableKind};
use crate::experiment::ExperimentError;
use crate::stats::{Summary, student_t_quantile};

/// Where a constraint stands on a candidate's replications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// The one-sided interval lies within the bound.
    Met,
    /// The opposite one-sided interval lies beyond the bound.
    Violated,
    /// The interval straddles the bound.
    Unclear,
}

impl Standing {
    /// The word in the CSV files.
    pub fn word(self) -> &'static str {
        match self {
            Standing::Met => "met",
            Standing::Violated => "violated",
            Standing::Unclear => "unclear",
        }
    }
}

/// One constraint judged on a candidate's replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Judgement {
    /// Mean of the indicator.
    pub mean: f64,
    /// The one-sided confidence limit on the constrained side (upper for
    /// `at_most`, lower for `at_least`).
    pub limit: f64,
    /// Where it stands.
    pub standing: Standing,
}

/// Judges `constraint` on an indicator's values over replications.
pub fn judge(values: &[f64], constraint: &Constraint) -> Judgement {
    let s = Summary::of(values);
    if values.iter().any(|v| v.is_nan()) {
        // An undefined indicator (e.g. no case finished) cannot meet a target.
        return Judgement { mean: s.mean, limit: f64::NAN, standing: Standing::Violated };
    }
    if s.n < 2 {
        return Judgement { mean: s.mean, limit: f64::NAN, standing: Standing::Unclear };
    }
    let half = student_t_quantile(constraint.confidence, (s.n - 1) as f64) * s.std_dev / (s.n as f64).sqrt();
    let (limit, standing) = match constraint.bound {
        Bound::AtMost(b) if s.mean + half <= b => (s.mean + half, Standing::Met),
        Bound::AtMost(b) if s.mean - half > b => (s.mean + half, Standing::Violated),
        Bound::AtMost(_) => (s.mean + half, Standing::Unclear),
        Bound::AtLeast(b) if s.mean - half >= b => (s.mean - half, Standing::Met),
        Bound::AtLeast(b) if s.mean + half < b => (s.mean - half, Standing::Violated),
        Bound::AtLeast(_) => (s.mean - half, Standing::Unclear),
    };
    Judgement { mean: s.mean, limit, standing }
}

/// What the search concluded about a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every constraint met.
    Feasible,
    /// Some constraint violated.
    Infeasible,
    /// Some constraint still unclear (at the replication cap: counted infeasible).
    Undecided,
}

impl Status {
    /// The word in the CSV files.
    pub fn word(self) -> &'static str {
        match self {
            Status::Feasible => "feasible",
            Status::Infeasible => "infeasible",
            Status::Undecided => "undecided",
        }
    }
}

/// The final selection's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Selected {
    /// The finalists' candidate numbers, best objective mean first (as the search left them).
    pub finalists: Vec<usize>,
    /// The candidate chosen.
    pub chosen: usize,
    /// What the choice is worth, in words.
    pub guarantee: String,
}

/// The search and selection over an [`Evaluator`].
pub struct Search<'s, 'e> {
    spec: &'s OptimiseSpec,
    /// The runs.
    pub evaluator: &'s mut Evaluator<'e>,
    /// Replications each candidate is judged on, by candidate number.
    pub planned: Vec<u64>,
    /// The incumbents, start first.
    pub path: Vec<usize>,
    /// Why the search stopped.
    pub stop: String,
}

impl<'s, 'e> Search<'s, 'e> {
    /// A search with no candidate evaluated yet.
    pub fn new(spec: &'s OptimiseSpec, evaluator: &'s mut Evaluator<'e>) -> Search<'s, 'e> {
        Search { spec, evaluator, planned: Vec::new(), path: Vec::new(), stop: String::new() }
    }

    /// The values of summary indicator `i` over candidate `c`'s judged replications.
    pub fn values(&self, c: usize, i: usize) -> Vec<f64> {
        self.evaluator.indicators(c, self.planned[c]).iter().map(|x| x[i]).collect()
    }

    /// The objective's values over candidate `c`'s judged replications.
    pub fn objective_values(&self, c: usize) -> Vec<f64> {
        self.evaluator.indicators(c, self.planned[c]).iter().map(|x| self.spec.objective.value(x)).collect()
    }

    /// Candidate `c`'s constraints, judged.
    pub fn judgements(&self, c: usize) -> Vec<Judgement> {
        self.spec.constraints.iter().map(|k| judge(&self.values(c, k.indicator), k)).collect()
    }

    /// Candidate `c`'s status on its judged replications.
    pub fn status(&self, c: usize) -> Status {
        let standings: Vec<Standing> = self.judgements(c).iter().map(|j| j.standing).collect();
        if standings.contains(&Standing::Violated) {
            Status::Infeasible
        } else if standings.contains(&Standing::Unclear) {
            Status::Undecided
        } else {
            Status::Feasible
        }
    }

    fn objective_mean(&self, c: usize) -> f64 {
        Summary::of(&self.objective_values(c)).mean
    }

    fn number(&mut self, candidate: &[usize]) -> Result<usize, ExperimentError> {
        let n = self.evaluator.number(candidate)?;
        if self.planned.len() <= n {
            self.planned.resize(n + 1, 0);
        }
        Ok(n)
    }

    /// Evaluates `candidates` adaptively: the first batch, then more while a
    /// constraint is unclear and none violated, up to the cap.
    fn evaluate(&mut self, candidates: &[usize]) -> Result<(), ExperimentError> {
        let (first, most) = (self.spec.search.replications, self.spec.search.max_replications);
        loop {
            let mut requests = Vec::new();
            for &c in candidates {
                if self.planned[c] < first {
                    self.planned[c] = first;
                } else if self.status(c) == Status::Undecided && self.planned[c] < most {
                    self.planned[c] = (self.planned[c] + first).min(most);
                } else {
                    continue;
                }
                requests.push((c, self.planned[c]));
            }
            if requests.is_empty() {
                return Ok(());
            }
            self.evaluator.ensure(&requests)?;
        }
    }

    /// The neighbours of `c` one step down (`up` false) or up in each variable; a
    /// scenario choice's other files count as steps down.
    fn neighbours(&self, c: usize, up: bool) -> Vec<Vec<usize>> {
        let at = &self.evaluator.candidates[c];
        let mut out = Vec::new();
        for (i, variable) in self.spec.variables.iter().enumerate() {
            let mut step = |level: usize| {
                let mut n = at.clone();
                n[i] = level;
                out.push(n);
            };
            match variable.kind {
                VariableKind::Scenario if !up => (0..variable.levels.len()).filter(|&l| l != at[i]).for_each(&mut step),
                VariableKind::Scenario => {}
                VariableKind::Paths(_) if up => {
                    if at[i] + 1 < variable.levels.len() {
                        step(at[i] + 1);
                    }
                }
                VariableKind::Paths(_) => {
                    if at[i] > 0 {
                        step(at[i] - 1);
                    }
                }
            }
        }
        out
    }

    /// The best feasible neighbour of the incumbent in one direction that improves
    /// on it, if any. `None` with `exhausted` when the candidate budget ran out.
    fn best_move(&mut self, incumbent: usize, up: bool) -> Result<(Option<usize>, bool), ExperimentError> {
        let mut numbers = Vec::new();
        let mut exhausted = false;
        for n in self.neighbours(incumbent, up) {
            let known = self.evaluator.candidates.len();
            if known as u64 >= self.spec.search.max_candidates && !self.evaluator.candidates.contains(&n) {
                exhausted = true;
                continue;
            }
            numbers.push(self.number(&n)?);
        }
        self.evaluate(&numbers)?;
        let here = self.objective_mean(incumbent);
        let best = numbers
            .into_iter()
            .filter(|&n| !self.path.contains(&n) && self.status(n) == Status::Feasible)
            .map(|n| (self.objective_mean(n), n))
            .filter(|(m, _)| *m < here)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        Ok((best.map(|(_, n)| n), exhausted))
    }

    /// Runs the search from the spec's start. Returns false if the start is not feasible.
    pub fn run(&mut self) -> Result<bool, ExperimentError> {
        let start = self.number(&self.spec.search.start.clone())?;
        self.evaluate(&[start])?;
        self.path.push(start);
        if self.status(start) != Status::Feasible {
            self.stop = format!(
                "the start ({}) is {}",
                self.spec.describe(&self.evaluator.candidates[start]),
                self.status(start).word()
            );
            return Ok(false);
        }
        let mut rejected = 0;
        loop {
            let incumbent = *self.path.last().expect("the path holds the start");
            let (mut next, mut exhausted) = self.best_move(incumbent, false)?;
            if next.is_none() {
                let (up, out) = self.best_move(incumbent, true)?;
                next = up;
                exhausted |= out;
            }
            let Some(next) = next else {
                self.stop = if exhausted {
                    format!("the candidate budget (max_candidates = {}) ran out", self.spec.search.max_candidates)
                } else {
                    "no single step from the incumbent gives a cheaper feasible plan (a local optimum)".into()
                };
                return Ok(true);
            };
            // Re-evaluate the new incumbent with another batch before moving.
            let most = self.spec.search.max_replications;
            self.planned[next] = (self.planned[next] + self.spec.search.replications).min(most);
            self.evaluator.ensure(&[(next, self.planned[next])])?;
            self.evaluate(&[next])?;
            if self.status(next) == Status::Feasible {
                self.path.push(next);
            } else {
                rejected += 1;
                if rejected > self.spec.search.max_candidates {
                    self.stop = "too many re-evaluations failed".into();
                    return Ok(true);
                }
            }
        }
    }

    /// Every feasible candidate, by objective mean (then number), at most `finalists`;
    /// a candidate whose objective is undefined in some run cannot be ranked and is left out.
    pub fn finalists(&self) -> Vec<usize> {
        let mut feasible: Vec<(f64, usize)> = (0..self.evaluator.candidates.len())
            .filter(|&c| self.planned[c] > 0 && self.status(c) == Status::Feasible)
            .map(|c| (self.objective_mean(c), c))
            .filter(|(mean, _)| mean.is_finite())
            .collect();
        feasible.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        feasible.into_iter().take(self.spec.finalists).map(|(_, c)| c).collect()
    }

    /// The final selection among the finalists.
    pub fn select(&mut self) -> Result<Option<Selected>, ExperimentError> {
        let finalists = self.finalists();
        if finalists.is_empty() {
            return Ok(None);
        }
        let start: Vec<u64> = finalists.iter().map(|&c| self.planned[c]).collect();
        let (index, guarantee) = loop {
            let data: Vec<Vec<f64>> = finalists.iter().map(|&c| self.objective_values(c)).collect();
            let needs: Vec<(usize, u64)> = match self.spec.selection {
                Selection::KnPlusPlus(settings) => match kn::select(&data, settings) {
                    KnStatus::Need { designs, replication } => {
                        designs.into_iter().map(|d| (d, replication + 1)).collect()
                    }
                    KnStatus::Selected { design, stage, guaranteed } => {
                        break (design, kn_guarantee(self.spec, &settings, finalists.len(), stage, guaranteed));
                    }
                },
                Selection::Ocba(settings) => match ocba::sequential(&data, &start, settings) {
                    OcbaStatus::Need(needs) => needs,
                    OcbaStatus::Selected { design, approximate_pcs } => {
                        break (design, ocba_guarantee(&settings, finalists.len(), approximate_pcs));
                    }
                },
            };
            let mut requests = Vec::new();
            for (d, want) in needs {
                let c = finalists[d];
                self.planned[c] = self.planned[c].max(want);
                requests.push((c, self.planned[c]));
            }
            self.evaluator.ensure(&requests)?;
        };
        Ok(Some(Selected { chosen: finalists[index], finalists, guarantee }))
    }
}

fn kn_guarantee(spec: &OptimiseSpec, s: &kn::KnSettings, finalists: usize, stage: u64, guaranteed: bool) -> String {
    if finalists == 1 {
        return "one feasible candidate reached the selection: no ranking was needed".into();
    }
    if !guaranteed {
        return format!(
            "KN++ reached its cap of {} replications per finalist with several finalists left; the one with the smallest mean was taken, without the selection guarantee",
            s.max_replications
        );
    }
    format!(
        "KN++ (Kim and Nelson 2006) with common random numbers over {finalists} finalists, stopped at {stage} replications: if the best finalist's mean {} is at least δ = {} below every other finalist's, this is the best finalist with probability at least 1 − α = {} (asymptotically valid; differences within δ are treated as indifferent)",
        spec.objective.describe(),
        s.delta,
        1.0 - s.alpha
    )
}

fn ocba_guarantee(s: &ocba::OcbaSettings, finalists: usize, approximate_pcs: f64) -> String {
    if finalists == 1 {
        return "one feasible candidate reached the selection: no ranking was needed".into();
    }
    format!(
        "OCBA (Chen and Lee 2010) spent a fixed budget of {} replications over {finalists} finalists; it carries no guaranteed probability of correct selection: the approximate PCS (Bonferroni bound, normal approximation) at the end is {:.3}",
        s.budget, approximate_pcs
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constraint(bound: Bound) -> Constraint {
        Constraint { indicator: 0, name: "x".into(), bound, confidence: 0.95 }
    }

    #[test]
    fn constraints_are_met_violated_or_unclear_by_their_one_sided_interval() {
        let values = [9.0, 10.0, 11.0, 10.0, 10.0];
        // mean 10, s = 0.707, n = 5, t_{0.95,4} = 2.132: upper limit 10.674.
        let j = judge(&values, &constraint(Bound::AtMost(11.0)));
        assert_eq!(j.standing, Standing::Met);
        assert!((j.limit - 10.674).abs() < 0.001, "{}", j.limit);
        assert_eq!(judge(&values, &constraint(Bound::AtMost(10.5))).standing, Standing::Unclear);
        assert_eq!(judge(&values, &constraint(Bound::AtMost(9.0))).standing, Standing::Violated);
        assert_eq!(judge(&values, &constraint(Bound::AtLeast(9.0))).standing, Standing::Met);
        assert_eq!(judge(&values, &constraint(Bound::AtLeast(9.5))).standing, Standing::Unclear);
        assert_eq!(judge(&values, &constraint(Bound::AtLeast(11.0))).standing, Standing::Violated);
        assert_eq!(judge(&[1.0, f64::NAN], &constraint(Bound::AtMost(5.0))).standing, Standing::Violated);
        assert_eq!(judge(&[1.0], &constraint(Bound::AtMost(5.0))).standing, Standing::Unclear);
    }
}
