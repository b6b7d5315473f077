//! Run length by precision: add replications until the 95% confidence interval of
//! an indicator's mean is narrow enough relative to the mean, with a cap.
//!
//! The rule is the sequential procedure of Law (2015, §9.4.1): after `n`
//! replications with relative half-width `h`, the estimate of the replications
//! needed for a target `γ` is `n·(h/γ)²`. The next batch brings the count to that
//! estimate, but at least one more and at most twice as many (so that a poor
//! early estimate of the variance cannot overshoot far), and never beyond the
//! cap. The decision uses replications `0..n` only, in order, so it is the same
//! whatever order runs finish in and whatever the number of threads.

use crate::stats::Summary;

/// A target precision for one indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct Precision {
    /// The indicator, by name.
    pub indicator: String,
    /// Its position in the summary row.
    pub indicator_index: usize,
    /// Target half-width of the 95% interval divided by |mean|.
    pub relative_half_width: f64,
    /// Most replications, whatever the precision reached.
    pub max_replications: u64,
}

impl Precision {
    /// A target for the indicator named `indicator`, checked.
    pub fn new(indicator: &str, relative_half_width: f64, max_replications: u64) -> Result<Precision, String> {
        let names = super::indicator_names();
        let Some(indicator_index) = names.iter().position(|n| *n == indicator) else {
            let hint = crate::scenario::nearest(indicator, names.iter().copied())
                .map(|s| format!(" — did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(format!("unknown indicator `{indicator}`{hint}"));
        };
        if !(relative_half_width > 0.0 && relative_half_width.is_finite()) {
            return Err(format!(
                "the relative half-width must be a positive number, e.g. 0.05 (found {relative_half_width})"
            ));
        }
        if relative_half_width > 1.0 {
            // 5 for 5% would ask for a half-width of five times the mean: met at once.
            return Err(format!(
                "the relative half-width is a share of the mean, at most 1: 0.05 for 5% (found {relative_half_width})"
            ));
        }
        if max_replications < 2 {
            return Err("the most replications must be at least 2".into());
        }
        Ok(Precision { indicator: indicator.to_string(), indicator_index, relative_half_width, max_replications })
    }
}

/// What the rule says about a design point or a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Replications `0..n` are needed and enough: the target is met or the cap reached.
    Complete(u64),
    /// Replications `0..n` must be run before the rule can decide more.
    RunUpTo(u64),
}

/// Applies the rule to the values of replications `0..values.len()` (the complete
/// prefix of replications done so far), starting from `initial` replications.
/// For a comparison, pass the largest relative half-width over the scenarios
/// through [`plan_with`].
pub fn plan(initial: u64, rule: &Precision, values: &[f64]) -> Plan {
    plan_with(initial, rule, values.len() as u64, |n| Summary::of(&values[..n as usize]).relative_half_width_95())
}

/// The rule, given a function that returns the relative half-width after the
/// first `n` replications (`done` of them are available).
pub fn plan_with(initial: u64, rule: &Precision, done: u64, relative_half_width: impl Fn(u64) -> f64) -> Plan {
    let cap = rule.max_replications.max(initial);
    let mut n = initial.max(1);
    loop {
        if done < n {
            return Plan::RunUpTo(n);
        }
        let h = relative_half_width(n);
        // A NaN precision (e.g. an indicator undefined in some replication) never meets the target.
        if h <= rule.relative_half_width || n >= cap {
            return Plan::Complete(n);
        }
        let estimate = (n as f64 * (h / rule.relative_half_width).powi(2)).ceil();
        let next = if estimate.is_finite() && estimate < u64::MAX as f64 { estimate as u64 } else { u64::MAX };
        n = next.clamp(n + 1, n.saturating_mul(2).min(cap).max(n + 1));
    }
}

/// Why a relative precision cannot be judged on an indicator's values: the
/// rule's relative half-width is then not a number (or has no meaning), so the
/// target is never met and the run goes to the cap however precise it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unjudged {
    /// The indicator is undefined (a mean over no cases) in `undefined` of the
    /// `of` replications.
    Undefined {
        /// Replications where it is undefined.
        undefined: usize,
        /// Replications.
        of: usize,
    },
    /// The indicator is infinite in some replication.
    Infinite,
    /// Its mean is 0: a half-width relative to it means nothing.
    ZeroMean,
}

impl Unjudged {
    /// The reason as a clause about the indicator, for the scenarios `names`.
    fn clause(&self, names: &str) -> String {
        match *self {
            Unjudged::Undefined { undefined, of } if undefined == of => {
                format!("is undefined in every replication of {names}")
            }
            Unjudged::Undefined { undefined, of } => {
                format!("is undefined in {undefined} of {of} replications of {names}")
            }
            Unjudged::Infinite => format!("is infinite in some replication of {names}"),
            Unjudged::ZeroMean => {
                format!("has a mean of 0 for {names}, and a half-width relative to a mean of 0 means nothing")
            }
        }
    }
}

/// Why the precision of `values` (an indicator over replications `0..n`) cannot
/// be judged against a relative target, or `None` if it can.
pub fn unjudged(values: &[f64]) -> Option<Unjudged> {
    let undefined = values.iter().filter(|v| v.is_nan()).count();
    if undefined > 0 {
        return Some(Unjudged::Undefined { undefined, of: values.len() });
    }
    if values.iter().any(|v| v.is_infinite()) {
        return Some(Unjudged::Infinite);
    }
    (!values.is_empty() && Summary::of(values).mean == 0.0).then_some(Unjudged::ZeroMean)
}

/// What became of a precision target once the replications are done.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Met: the widest relative half-width (over the scenarios) is at most the target.
    Met {
        /// The widest relative half-width.
        relative_half_width: f64,
    },
    /// Judged and not met: the cap stopped the replications.
    CapReached {
        /// The widest relative half-width.
        relative_half_width: f64,
    },
    /// Not judged: for each scenario (by name) on which it cannot be, why.
    NotJudged(Vec<(String, Unjudged)>),
}

impl Outcome {
    /// The outcome for `rule` with `values[s]`, scenario `names[s]`'s values of
    /// the indicator over the replications done.
    pub fn of(rule: &Precision, names: &[String], values: &[Vec<f64>]) -> Outcome {
        let reasons: Vec<(String, Unjudged)> =
            names.iter().zip(values).filter_map(|(n, v)| Some((n.clone(), unjudged(v)?))).collect();
        if !reasons.is_empty() {
            return Outcome::NotJudged(reasons);
        }
        let widest = values.iter().map(|v| Summary::of(v).relative_half_width_95()).fold(0.0, f64::max);
        if widest <= rule.relative_half_width {
            Outcome::Met { relative_half_width: widest }
        } else {
            Outcome::CapReached { relative_half_width: widest }
        }
    }

    /// The outcome in words, after `replications` replications each.
    pub fn describe(&self, rule: &Precision, replications: u64) -> String {
        let target = target_in_words(rule);
        match self {
            Outcome::Met { relative_half_width } => {
                format!(
                    "met ({target}): the widest is {}, after {replications} replications",
                    percent(*relative_half_width)
                )
            }
            Outcome::CapReached { relative_half_width } => format!(
                "not met ({target}): the widest is {} after the most replications, {replications}",
                percent(*relative_half_width)
            ),
            Outcome::NotJudged(reasons) => format!(
                "not judged ({target}): `{}` {}; the replications went on to the most, {replications}, with no precision to judge",
                rule.indicator,
                reasons_in_words(reasons)
            ),
        }
    }
}

/// The rule's target in words: "the 95% half-width of `x` at most 5% of its mean".
pub fn target_in_words(rule: &Precision) -> String {
    format!("the 95% half-width of `{}` at most {} of its mean", rule.indicator, percent(rule.relative_half_width))
}

/// Design points (by name, with the relative half-width each reached) that
/// stopped at the most replications, `cap`, without meeting the target, of `of`
/// points: "not met (the 95% half-width of `x` at most 5% of its mean) at 1 of 8
/// design points, which stopped at the most replications, 20: point 5 at 7.03%".
/// At most ten are named, the widest first.
pub fn not_met_in_words(rule: &Precision, points: &[(String, f64)], of: usize, cap: u64) -> String {
    let mut widest: Vec<&(String, f64)> = points.iter().collect();
    widest.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut named: Vec<String> = widest.iter().take(10).map(|(name, h)| format!("{name} at {}", percent(*h))).collect();
    if points.len() > named.len() {
        named.push(format!("{} more", points.len() - named.len()));
    }
    let noun = if points.len() == 1 { "it" } else { "they" };
    format!(
        "precision target not met ({}) at {} of {of} design points: {}; {noun} stopped at the most replications, {cap} (raise `max_replications`, or accept a wider interval)",
        target_in_words(rule),
        points.len(),
        named.join(", ")
    )
}

/// Why the indicator could not be judged, one clause per reason naming what it
/// holds for (at most ten names a clause): "is undefined in every replication
/// of a and b".
pub fn reasons_in_words(reasons: &[(String, Unjudged)]) -> String {
    let mut grouped: Vec<(Unjudged, Vec<&str>)> = Vec::new();
    for (name, why) in reasons {
        match grouped.iter_mut().find(|(w, _)| w == why) {
            Some((_, names)) => names.push(name),
            None => grouped.push((*why, vec![name])),
        }
    }
    let clauses: Vec<String> = grouped
        .iter()
        .map(|(why, names)| {
            let shown = match names.len() {
                0..=10 => names.join(" and "),
                n => format!("{} and {} more", names[..10].join(", "), n - 10),
            };
            why.clause(&shown)
        })
        .collect();
    clauses.join(", and ")
}

/// A share as a percentage with at most two decimals (`5%`, `12.35%`).
fn percent(share: f64) -> String {
    let text = format!("{:.2}", share * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(target: f64, cap: u64) -> Precision {
        Precision { indicator: "x".into(), indicator_index: 0, relative_half_width: target, max_replications: cap }
    }

    #[test]
    fn a_percentage_given_for_a_share_is_refused() {
        let err = Precision::new("wait_minutes_mean", 5.0, 100).expect_err("5 is 500%");
        assert!(err.contains("0.05 for 5%"), "{err}");
        assert!(Precision::new("wait_minutes_mean", 1.0, 100).is_ok());
        assert!(Precision::new("wait_minutes_mean", 0.0, 100).is_err());
    }

    #[test]
    fn asks_for_the_first_batch_then_stops_when_precise() {
        let r = rule(0.05, 100);
        assert_eq!(plan(5, &r, &[]), Plan::RunUpTo(5));
        assert_eq!(plan(5, &r, &[10.0, 10.1, 9.9]), Plan::RunUpTo(5));
        // Mean 10, s ≈ 0.158, n = 5: half-width 2.776·0.158/√5 ≈ 0.196, 2% < 5%.
        assert_eq!(plan(5, &r, &[10.0, 10.1, 9.9, 10.2, 9.8]), Plan::Complete(5));
    }

    #[test]
    fn grows_by_the_estimate_at_most_doubling_and_stops_at_the_cap() {
        // Mean 10, s ≈ 3.16, n = 5: half-width ≈ 3.93, 39% ≫ 5%: the estimate (~300) is
        // limited to twice the replications.
        let wide = [5.0, 15.0, 10.0, 6.0, 14.0];
        assert_eq!(plan(5, &rule(0.05, 100), &wide), Plan::RunUpTo(10));
        assert_eq!(plan(5, &rule(0.05, 7), &wide), Plan::RunUpTo(7));
        let mut many = wide.to_vec();
        many.extend([10.0, 10.0]);
        assert_eq!(plan(5, &rule(0.05, 7), &many), Plan::Complete(7), "the cap ends it");
        // Extra values beyond n do not change the decision about the first n.
        many.extend([1.0; 10]);
        assert_eq!(plan(5, &rule(0.05, 7), &many), Plan::Complete(7));
    }

    #[test]
    fn an_undefined_indicator_is_not_judged_and_says_why() {
        let r = rule(0.05, 4);
        assert_eq!(unjudged(&[f64::NAN; 4]), Some(Unjudged::Undefined { undefined: 4, of: 4 }));
        assert_eq!(unjudged(&[1.0, f64::NAN, 2.0]), Some(Unjudged::Undefined { undefined: 1, of: 3 }));
        assert_eq!(unjudged(&[0.0, 0.0]), Some(Unjudged::ZeroMean));
        assert_eq!(unjudged(&[1.0, f64::INFINITY]), Some(Unjudged::Infinite));
        assert_eq!(unjudged(&[10.0, 10.1]), None);
        let names = ["a".to_string(), "b".to_string()];
        let outcome = Outcome::of(&r, &names, &[vec![10.0, 10.1, 9.9, 10.0], vec![f64::NAN; 4]]);
        assert_eq!(outcome, Outcome::NotJudged(vec![("b".into(), Unjudged::Undefined { undefined: 4, of: 4 })]));
        let said = outcome.describe(&r, 4);
        assert!(
            said.starts_with("not judged") && said.contains("`x` is undefined in every replication of b"),
            "{said}"
        );
        let met = Outcome::of(&r, &names, &[vec![10.0, 10.1, 9.9, 10.0], vec![10.0, 10.0, 10.0, 10.1]]);
        assert!(matches!(met, Outcome::Met { .. }), "{met:?}");
        let wide = Outcome::of(&r, &names[..1], &[vec![5.0, 15.0, 10.0, 6.0]]);
        assert!(matches!(wide, Outcome::CapReached { relative_half_width } if relative_half_width > 0.05), "{wide:?}");
    }

    #[test]
    fn undefined_values_run_to_the_cap() {
        let nan = [f64::NAN; 4];
        assert_eq!(plan(2, &rule(0.05, 4), &nan), Plan::Complete(4));
        assert_eq!(plan(2, &rule(0.05, 4), &nan[..2]), Plan::RunUpTo(4));
    }
}
