//! Experimental designs: which combinations of parameter values a sweep runs.
//!
//! * Full factorial: every combination of every parameter's levels, the last
//!   parameter varying fastest.
//! * Latin hypercube with N points: each parameter's range is cut into N equal
//!   strata and each stratum is used exactly once (McKay, Beckman and Conover,
//!   *Technometrics* 21, 1979); the strata are paired at random.
//! * Random with N points: each parameter drawn independently and uniformly.
//!
//! The random designs draw from their own SplitMix64 stream keyed by the sweep's
//! seed, separate from the simulation's streams, so a design is the same on every
//! machine and for every `--jobs`, and changing it does not change the applicants.

use crate::engine::random::{mix64, unit};
use crate::schema::number;

/// Salt that separates the design stream from the simulation streams of the same seed.
const DESIGN_STREAM: u64 = 0x6465_7369_676e_0001;

/// Weyl increment of SplitMix64.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// One value a parameter takes: RON text to put into the scenario and a label for CSV files.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    /// The value as RON text (`4`, `0.25`, `General(windows: 3)`).
    pub ron: String,
    /// The value as written to CSV files (`4`, `0.25`, strings without quotes).
    pub label: String,
}

impl Level {
    /// A level for an integer value.
    pub fn integer(value: i64) -> Level {
        Level { ron: value.to_string(), label: value.to_string() }
    }

    /// A level for a real value (RON text always has a decimal point or exponent).
    pub fn real(value: f64) -> Level {
        Level { ron: format!("{value:?}"), label: number(value) }
    }
}

/// The values a parameter may take.
#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    /// These values, as listed.
    List(Vec<Level>),
    /// Whole numbers from `from` to `to` inclusive; with `steps`, only that many
    /// evenly spaced ones (rounded).
    Integers {
        /// Lowest value.
        from: i64,
        /// Highest value.
        to: i64,
        /// Number of evenly spaced levels, if a grid.
        steps: Option<u64>,
    },
    /// Real numbers from `from` to `to`; with `steps`, that many evenly spaced ones
    /// including both ends.
    Reals {
        /// Lowest value.
        from: f64,
        /// Highest value.
        to: f64,
        /// Number of evenly spaced levels, if a grid.
        steps: Option<u64>,
    },
}

impl Domain {
    /// The discrete levels, or `None` for a continuous real range. Holds every
    /// level in memory: check [`Domain::level_count`] first.
    pub fn levels(&self) -> Option<Vec<Level>> {
        let count = self.level_count()?;
        Some((0..count).map(|i| self.level(i)).collect())
    }

    /// Number of discrete levels (`None` for a continuous range), worked out from
    /// the description alone: a range of 10^9 steps is counted, not built.
    pub fn level_count(&self) -> Option<u64> {
        match *self {
            Domain::List(ref levels) => Some(levels.len() as u64),
            Domain::Integers { from, to, steps } => {
                let every = to.abs_diff(from).saturating_add(1);
                // Evenly spaced steps at least one apart round to distinct whole
                // numbers; closer than that, they reach every whole number once.
                Some(steps.map_or(every, |steps| steps.min(every)))
            }
            Domain::Reals { steps, .. } => steps,
        }
    }

    /// Discrete level `index` (below [`Domain::level_count`]), without building
    /// the others.
    pub fn level(&self, index: u64) -> Level {
        match *self {
            Domain::List(ref levels) => levels[index as usize].clone(),
            Domain::Integers { from, to, steps } => {
                let every = to.abs_diff(from).saturating_add(1);
                match steps {
                    Some(steps) if steps < every => {
                        Level::integer(grid(from as f64, to as f64, index, steps).round() as i64)
                    }
                    _ => Level::integer(from.saturating_add_unsigned(index).min(to)),
                }
            }
            Domain::Reals { from, to, steps } => Level::real(grid(from, to, index, steps.unwrap_or(1))),
        }
    }

    /// The level at position `u` in [0, 1) of the domain: stratum ⌊u·k⌋ of k
    /// discrete levels, or `from + u·(to − from)` on a continuous range.
    fn at(&self, u: f64) -> Level {
        match (self, self.level_count()) {
            (&Domain::Reals { from, to, steps: None }, _) => Level::real(from + u * (to - from)),
            (_, Some(count)) => self.level(((u * count as f64) as u64).min(count.saturating_sub(1))),
            (_, None) => Level::integer(0),
        }
    }
}

/// Value `i` of `steps` evenly spaced values from `from` to `to`, ends exact.
fn grid(from: f64, to: f64, i: u64, steps: u64) -> f64 {
    if steps <= 1 {
        from
    } else if i + 1 == steps {
        to
    } else {
        from + (to - from) * (i as f64) / ((steps - 1) as f64)
    }
}

/// How design points are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Design {
    /// Every combination of levels.
    FullFactorial,
    /// A Latin hypercube with this many points.
    LatinHypercube {
        /// Number of points.
        points: u64,
    },
    /// Independent uniform draws, this many points.
    Random {
        /// Number of points.
        points: u64,
    },
}

/// Why a design cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DesignError {
    /// A full factorial design needs levels, not a continuous range.
    #[error(
        "parameter `{0}` is a continuous range: a full factorial design needs `steps` (how many evenly spaced values)"
    )]
    Continuous(String),
    /// The design would have more points than allowed.
    #[error("the design has more than {limit} points; use fewer levels or a LatinHypercube/Random design")]
    TooLarge {
        /// The most points allowed.
        limit: u64,
    },
}

/// A counter-based generator (SplitMix64) for designs.
struct DesignRng(u64);

impl DesignRng {
    fn new(seed: u64) -> DesignRng {
        DesignRng(mix64(seed ^ DESIGN_STREAM))
    }

    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        unit(mix64(self.0))
    }

    /// A whole number in `0..n` (n ≥ 1).
    fn below(&mut self, n: u64) -> u64 {
        ((self.uniform() * n as f64) as u64).min(n - 1)
    }
}

/// Number of points `design` has over `domains`, or an error if it exceeds `limit`.
pub fn point_count(design: Design, names: &[String], domains: &[Domain], limit: u64) -> Result<u64, DesignError> {
    match design {
        Design::FullFactorial => {
            let mut count: u64 = 1;
            for (name, domain) in names.iter().zip(domains) {
                let k = domain.level_count().ok_or_else(|| DesignError::Continuous(name.clone()))?;
                count = count.checked_mul(k).filter(|&c| c <= limit).ok_or(DesignError::TooLarge { limit })?;
            }
            Ok(count)
        }
        Design::LatinHypercube { points } | Design::Random { points } => {
            if points > limit {
                return Err(DesignError::TooLarge { limit });
            }
            Ok(points)
        }
    }
}

/// The design points: for each point, one level per parameter (in parameter order).
/// Call [`point_count`] first: this function assumes the design is not too large.
pub fn points(design: Design, domains: &[Domain], seed: u64) -> Vec<Vec<Level>> {
    match design {
        Design::FullFactorial => {
            let counts: Vec<u64> = domains.iter().map(|d| d.level_count().unwrap_or(1).max(1)).collect();
            let count: u64 = counts.iter().product();
            (0..count)
                .map(|mut index| {
                    let mut point = vec![Level::integer(0); counts.len()];
                    for (j, &k) in counts.iter().enumerate().rev() {
                        point[j] = domains[j].level(index % k);
                        index /= k;
                    }
                    point
                })
                .collect()
        }
        Design::LatinHypercube { points } => {
            let mut rng = DesignRng::new(seed);
            let n = points as usize;
            let columns: Vec<Vec<Level>> = domains
                .iter()
                .map(|domain| {
                    let mut strata: Vec<u64> = (0..points).collect();
                    for i in (1..n).rev() {
                        let k = rng.below(i as u64 + 1) as usize;
                        strata.swap(i, k);
                    }
                    strata.iter().map(|&s| domain.at((s as f64 + rng.uniform()) / points as f64)).collect()
                })
                .collect();
            (0..n).map(|i| columns.iter().map(|c| c[i].clone()).collect()).collect()
        }
        Design::Random { points } => {
            let mut rng = DesignRng::new(seed);
            (0..points).map(|_| domains.iter().map(|d| d.at(rng.uniform())).collect()).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(points: &[Vec<Level>]) -> Vec<Vec<String>> {
        points.iter().map(|p| p.iter().map(|l| l.label.clone()).collect()).collect()
    }

    #[test]
    fn full_factorial_enumerates_every_combination_last_fastest() {
        let domains =
            [Domain::Integers { from: 3, to: 4, steps: None }, Domain::Reals { from: 0.0, to: 1.0, steps: Some(3) }];
        let names = ["a".to_string(), "b".to_string()];
        assert_eq!(point_count(Design::FullFactorial, &names, &domains, 100), Ok(6));
        let p = points(Design::FullFactorial, &domains, 1);
        assert_eq!(
            labels(&p),
            [["3", "0"], ["3", "0.5"], ["3", "1"], ["4", "0"], ["4", "0.5"], ["4", "1"]]
                .map(|r| r.map(String::from).to_vec())
                .to_vec()
        );
        assert_eq!(p[1][1].ron, "0.5");
        assert_eq!(p[0][1].ron, "0.0", "RON text of a real keeps its decimal point");
        let continuous = [Domain::Reals { from: 0.0, to: 1.0, steps: None }];
        assert!(point_count(Design::FullFactorial, &names[..1], &continuous, 100).is_err());
        let big =
            [Domain::Integers { from: 0, to: 999, steps: None }, Domain::Integers { from: 0, to: 999, steps: None }];
        assert_eq!(point_count(Design::FullFactorial, &names, &big, 1000), Err(DesignError::TooLarge { limit: 1000 }));
    }

    #[test]
    fn integer_grids_round_and_drop_repeats() {
        let d = Domain::Integers { from: 1, to: 3, steps: Some(5) };
        let l: Vec<String> = d.levels().expect("discrete").into_iter().map(|l| l.label).collect();
        assert_eq!(l, ["1", "2", "3"]);
    }

    /// The levels of an integer grid as they were built before levels were
    /// counted from the description: every grid value rounded, repeats dropped.
    fn built_grid(from: i64, to: i64, steps: u64) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in 0..steps {
            let x = (grid(from as f64, to as f64, i, steps).round() as i64).to_string();
            if out.last() != Some(&x) {
                out.push(x);
            }
        }
        out
    }

    #[test]
    fn levels_counted_from_the_description_match_the_levels_built() {
        for from in -7..4 {
            for to in from..from + 40 {
                for steps in 1..60 {
                    let d = Domain::Integers { from, to, steps: Some(steps) };
                    let built = built_grid(from, to, steps);
                    assert_eq!(d.level_count(), Some(built.len() as u64), "{d:?}");
                    let labels: Vec<String> = d.levels().expect("discrete").into_iter().map(|l| l.label).collect();
                    assert_eq!(labels, built, "{d:?}");
                }
            }
        }
        // A range of 10^9 steps, or the whole of i64, is counted without being built.
        let huge = Domain::Integers { from: i64::MIN, to: i64::MAX, steps: None };
        assert_eq!(huge.level_count(), Some(u64::MAX));
        assert_eq!(huge.at(0.999_999).label.parse::<i64>().map(|x| x > 0), Ok(true));
        assert_eq!(Domain::Reals { from: 0.0, to: 1.0, steps: Some(1_000_000_000) }.level_count(), Some(1_000_000_000));
        let names = ["a".to_string(), "b".to_string(), "c".to_string()];
        let factorial = [huge.clone(), huge.clone(), huge];
        assert_eq!(
            point_count(Design::FullFactorial, &names, &factorial, 1_000_000),
            Err(DesignError::TooLarge { limit: 1_000_000 })
        );
    }

    #[test]
    fn latin_hypercube_uses_every_stratum_once() {
        let n = 20;
        let domains = [
            Domain::Reals { from: 10.0, to: 20.0, steps: None },
            Domain::Integers { from: 0, to: 19, steps: None },
            Domain::List((0..4).map(Level::integer).collect()),
        ];
        let p = points(Design::LatinHypercube { points: n }, &domains, 7);
        assert_eq!(p.len(), n as usize);
        let mut strata: Vec<usize> =
            p.iter().map(|x| ((x[0].label.parse::<f64>().expect("number") - 10.0) / 0.5) as usize).collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..n as usize).collect::<Vec<_>>(), "one point in each real stratum");
        let mut integers: Vec<i64> = p.iter().map(|x| x[1].label.parse().expect("integer")).collect();
        integers.sort_unstable();
        assert_eq!(integers, (0..20).collect::<Vec<_>>(), "each integer once");
        for k in 0..4 {
            let count = p.iter().filter(|x| x[2].label == k.to_string()).count();
            assert_eq!(count, 5, "list level {k} used in its share of strata");
        }
        assert_eq!(p, points(Design::LatinHypercube { points: n }, &domains, 7), "same seed, same design");
        assert_ne!(p, points(Design::LatinHypercube { points: n }, &domains, 8), "another seed, another design");
    }

    #[test]
    fn random_design_stays_in_range() {
        let domains =
            [Domain::Reals { from: -1.0, to: 1.0, steps: None }, Domain::Integers { from: 5, to: 6, steps: None }];
        let p = points(Design::Random { points: 200 }, &domains, 3);
        assert!(p.iter().all(|x| {
            let r: f64 = x[0].label.parse().expect("number");
            (-1.0..1.0).contains(&r) && (x[1].label == "5" || x[1].label == "6")
        }));
        assert!(p.iter().any(|x| x[1].label == "5") && p.iter().any(|x| x[1].label == "6"));
    }
}
