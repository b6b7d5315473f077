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

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(target: f64, cap: u64) -> Precision {
        Precision { indicator: "x".into(), indicator_index: 0, relative_half_width: target, max_replications: cap }
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
    fn undefined_values_run_to_the_cap() {
        let nan = [f64::NAN; 4];
        assert_eq!(plan(2, &rule(0.05, 4), &nan), Plan::Complete(4));
        assert_eq!(plan(2, &rule(0.05, 4), &nan[..2]), Plan::RunUpTo(4));
    }
}
