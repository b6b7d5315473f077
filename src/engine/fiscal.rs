//! The fiscal rule each morning: whether the administrative cost of the calendar
//! year so far (the measured period's ledger) runs over the budget pro rata, and
//! the tallies of what the rule held back (days in force, hires withheld,
//! contracts not renewed). `staffing.rs` reads [`FiscalGate`] to withhold hires
//! and end contracts; see `domain::FiscalRule` for the responses.

use bevy_ecs::prelude::*;
use rand_chacha::ChaCha8Rng;

use super::ecs::{Clock, Flow, Ledger};
use crate::domain::{Employment, FiscalRule};
use crate::indicators::FiscalRuleTally;

/// The fiscal rule's state today and its tallies per year (index 0 = the start
/// year) and per day (for date windows).
#[derive(Resource, Debug)]
pub(crate) struct FiscalGate {
    /// The rule in force, if any.
    rule: Option<FiscalRule>,
    /// Whether the rule acts today.
    over: bool,
    /// The stream of contract endings (its own, so that the rule leaves every
    /// other draw of a run unchanged; drawn only while contracts are not renewed).
    pub(super) rng: ChaCha8Rng,
    /// The calendar year (index) of the days counted in `days_in_year`.
    year: usize,
    /// Measured days of that year before today.
    days_in_year: u32,
    /// The target each reform's hires last asked for (hires held back are
    /// counted once, as the ramp's target rises).
    last_target: Vec<u32>,
    /// Days the rule acted, per year.
    pub days_active: Vec<u32>,
    /// Hires withheld (leavers not replaced, reform hires held back), per year.
    pub not_hired: Vec<u64>,
    /// Contract staff whose contract ended and was not renewed, per year.
    pub not_renewed: Vec<u64>,
    /// The day (from the start) the tallies of today go to.
    day: usize,
    /// The same tallies per day (index: day from the start), for date windows.
    pub by_day: Vec<FiscalRuleTally>,
}

impl FiscalGate {
    /// A gate for `rule` over `years` calendar years (`days` days) and `reforms` reforms.
    pub(super) fn new(
        rule: Option<FiscalRule>,
        rng: ChaCha8Rng,
        [years, days]: [usize; 2],
        reforms: usize,
    ) -> FiscalGate {
        FiscalGate {
            rule,
            over: false,
            rng,
            year: 0,
            days_in_year: 0,
            last_target: vec![0; reforms],
            days_active: vec![0; years],
            not_hired: vec![0; years],
            not_renewed: vec![0; years],
            day: 0,
            by_day: if rule.is_some() { vec![FiscalRuleTally::default(); days] } else { Vec::new() },
        }
    }

    /// Whether hiring staff of `employment` is withheld today.
    pub(super) fn withholds(&self, employment: Employment) -> bool {
        self.over
            && match self.rule {
                Some(FiscalRule::HiringFreeze | FiscalRule::OverspendAllowance { .. }) => true,
                Some(FiscalRule::NotRenewContracts { .. }) => employment == Employment::Contract,
                None => false,
            }
    }

    /// The daily probability that a contract ends unrenewed today (0 unless the
    /// rule does not renew contracts and acts today).
    pub(super) fn contract_end_probability(&self) -> f64 {
        match self.rule {
            Some(FiscalRule::NotRenewContracts { contract_term_days }) if self.over => 1.0 / contract_term_days,
            _ => 0.0,
        }
    }

    /// Counts `n` hires withheld today.
    pub(super) fn withheld(&mut self, n: u64) {
        let year = self.year;
        if let Some(v) = self.not_hired.get_mut(year) {
            *v += n;
        }
        if let Some(t) = self.by_day.get_mut(self.day) {
            t.not_hired += n;
        }
    }

    /// Counts `n` contracts not renewed today.
    pub(super) fn ended(&mut self, n: u64) {
        let year = self.year;
        if let Some(v) = self.not_renewed.get_mut(year) {
            *v += n;
        }
        if let Some(t) = self.by_day.get_mut(self.day) {
            t.not_renewed += n;
        }
    }

    /// What the rule did on the days of `days` (those past the horizon count nothing).
    pub(crate) fn tally_over(&self, days: std::ops::RangeInclusive<usize>) -> FiscalRuleTally {
        let (first, last) = (*days.start(), (*days.end()).min(self.by_day.len().saturating_sub(1)));
        let mut sum = FiscalRuleTally::default();
        for t in self.by_day.get(first..=last).unwrap_or_default() {
            sum.days_active += t.days_active;
            sum.not_hired += t.not_hired;
            sum.not_renewed += t.not_renewed;
        }
        sum
    }

    /// Records the target reform `reform` asks for today; returns the rise since
    /// the last one (the hires it asks for anew).
    pub(super) fn target_rise(&mut self, reform: usize, target: u32) -> u32 {
        let last = std::mem::replace(&mut self.last_target[reform], target);
        target.saturating_sub(last)
    }
}

/// Decides each measured morning whether the rule acts today: the year's cost so
/// far above `budget × days / 365` (times `1 + share` under an overspend
/// allowance), `days` being the year's measured days before today.
pub(super) fn fiscal_rule(clock: Res<Clock>, flow: Res<Flow>, ledger: Res<Ledger>, mut gate: ResMut<FiscalGate>) {
    let Some(rule) = gate.rule else { return };
    gate.over = false;
    gate.day = clock.day as usize;
    if !clock.measured {
        return;
    }
    let model = flow.model();
    let budget = model.fiscal_rule_ceiling_cny_per_year.expect("validation: a fiscal rule needs a ceiling");
    let year = flow.year_of_day(clock.day);
    if year != gate.year {
        gate.year = year;
        gate.days_in_year = 0;
    }
    let allowance = match rule {
        FiscalRule::OverspendAllowance { share } => share,
        _ => 0.0,
    };
    let days = gate.days_in_year;
    let spent = ledger.years.get(year).map_or(0.0, |c| c.total());
    gate.over = days > 0 && spent > budget * f64::from(days) / 365.0 * (1.0 + allowance);
    gate.days_in_year += 1;
    if gate.over {
        gate.days_active[year] += 1;
        if let Some(t) = gate.by_day.get_mut(clock.day as usize) {
            t.days_active += 1;
        }
    }
}
