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
use crate::export::csv::number;

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
    /// The discrete levels, or `None` for a continuous real range.
    pub fn levels(&self) -> Option<Vec<Level>> {
        match *self {
            Domain::List(ref levels) => Some(levels.clone()),
            Domain::Integers { from, to, steps: None } => Some((from..=to).map(Level::integer).collect()),
            Domain::Integers { from, to, steps: Some(steps) } => {
                let mut out: Vec<Level> = Vec::new();
                for i in 0..steps {
                    let x = grid(from as f64, to as f64, i, steps).round() as i64;
                    if out.last().is_none_or(|l| l.ron != x.to_string()) {
                        out.push(Level::integer(x));
                    }
                }
                Some(out)
            }
            Domain::Reals { from, to, steps: Some(steps) } => {
                Some((0..steps).map(|i| Level::real(grid(from, to, i, steps))).collect())
            }
            Domain::Reals { steps: None, .. } => None,
        }
    }

    /// Number of discrete levels (`None` for a continuous range).
    pub fn level_count(&self) -> Option<u64> {
        match *self {
            Domain::List(ref levels) => Some(levels.len() as u64),
            Domain::Integers { from, to, steps: None } => Some(to.abs_diff(from).saturating_add(1)),
            Domain::Integers { .. } | Domain::Reals { steps: Some(_), .. } => self.levels().map(|l| l.len() as u64),
            Domain::Reals { steps: None, .. } => None,
        }
    }

    /// The level at position `u` in [0, 1) of the domain: stratum ⌊u·k⌋ of k
    /// discrete levels, or `from + u·(to − from)` on a continuous range.
    fn at(&self, u: f64, levels: Option<&[Level]>) -> Level {
        let pick = |levels: &[Level]| levels[((u * levels.len() as f64) as usize).min(levels.len() - 1)].clone();
        match (self, levels) {
            (Domain::List(listed), _) => pick(listed),
            (_, Some(levels)) => pick(levels),
            (&Domain::Reals { from, to, .. }, None) => Level::real(from + u * (to - from)),
            (&Domain::Integers { from, to, .. }, None) => {
                let span = (to - from) as f64 + 1.0;
                Level::integer((from + (u * span) as i64).min(to))
            }
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
    let levels: Vec<Option<Vec<Level>>> = domains.iter().map(Domain::levels).collect();
    match design {
        Design::FullFactorial => {
            let levels: Vec<Vec<Level>> = levels.into_iter().map(Option::unwrap_or_default).collect();
            let count: usize = levels.iter().map(Vec::len).product();
            (0..count)
                .map(|mut index| {
                    let mut point = vec![Level::integer(0); levels.len()];
                    for (j, l) in levels.iter().enumerate().rev() {
                        point[j] = l[index % l.len()].clone();
                        index /= l.len();
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
                .zip(&levels)
                .map(|(domain, levels)| {
                    let mut strata: Vec<u64> = (0..points).collect();
                    for i in (1..n).rev() {
                        let k = rng.below(i as u64 + 1) as usize;
                        strata.swap(i, k);
                    }
                    strata
                        .iter()
                        .map(|&s| domain.at((s as f64 + rng.uniform()) / points as f64, levels.as_deref()))
                        .collect()
                })
                .collect();
            (0..n).map(|i| columns.iter().map(|c| c[i].clone()).collect()).collect()
        }
        Design::Random { points } => {
            let mut rng = DesignRng::new(seed);
            (0..points)
                .map(|_| domains.iter().zip(&levels).map(|(d, l)| d.at(rng.uniform(), l.as_deref())).collect())
                .collect()
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
