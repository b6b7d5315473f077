//! The fiscal rule and the contract-staff terms: checked and set on the model
//! (see `domain::FiscalRule` and `domain::ContractTerms`).

use super::super::sources::Needle;
use super::Problems;
use crate::domain::{Assessment, ContractTerms, FiscalRule, Response};
use crate::scenario::{Model, limits};

/// Checks and sets the fiscal rule and the ceiling it guards: the administrative
/// budget if stated (only with a rule), else the whole budget.
pub(super) fn fiscal_rule(
    model: &mut Model,
    rule: Option<FiscalRule>,
    administrative_budget: Option<f64>,
    p: &mut Problems,
) {
    if let Some(b) = administrative_budget {
        p.money("administrative_budget_cny_per_year", "administrative_budget_cny_per_year", b);
        if rule.is_none() {
            let message = "administrative_budget_cny_per_year is the ceiling a fiscal rule guards: add `fiscal_rule` or leave it out".to_string();
            p.at("administrative_budget_cny_per_year", message);
        }
    }
    let Some(rule) = rule else { return };
    let ceiling = administrative_budget.or(model.budget_cny_per_year);
    if ceiling.is_none() {
        let message = "fiscal_rule needs `budget_cny_per_year` (or `administrative_budget_cny_per_year`): the rule compares administrative cost with it".to_string();
        p.at("fiscal_rule", message);
    }
    model.fiscal_rule_ceiling_cny_per_year = ceiling;
    match rule {
        FiscalRule::HiringFreeze => {}
        FiscalRule::NotRenewContracts { contract_term_days } => {
            if !(contract_term_days.is_finite() && contract_term_days >= 1.0) {
                p.at(
                    "contract_term_days",
                    format!("contract_term_days must be at least 1, found {contract_term_days}"),
                );
            }
        }
        FiscalRule::OverspendAllowance { share } => p.non_negative("share", "the overspend allowance's share", share),
    }
    model.fiscal_rule = Some(rule);
}

/// Longest learning curve of a new contract hire, working days (about a year and
/// a half; the engine tells learners apart by their first day on the job modulo
/// a few thousand days, so a learning curve must stay far shorter).
const MAX_LEARNING_DAYS: u32 = 366;

/// Checks and sets how contract staff differ from established staff.
pub(super) fn contract_staff(model: &mut Model, terms: Option<ContractTerms>, p: &mut Problems) {
    let Some(t) = terms else { return };
    if let Some(message) = crate::levers::positive_problem("work_time_factor", t.work_time_factor) {
        p.at("work_time_factor", message);
    } else if let Some(message) = limits::work_factor("work_time_factor", t.work_time_factor) {
        p.at("work_time_factor", message);
    }
    p.share("extra_error_probability", "extra_error_probability", t.extra_error_probability);
    if let Some(rate) = t.exit_rate_per_year {
        p.share("exit_rate_per_year", "exit_rate_per_year", rate);
    }
    if t.training_days > 366 {
        p.at("training_days", format!("training_days must be at most 366, found {}", t.training_days));
    }
    if t.learning_days > MAX_LEARNING_DAYS {
        let message = format!("learning_days must be at most {MAX_LEARNING_DAYS}, found {}", t.learning_days);
        p.at("learning_days", message);
    }
    if let Some(x) = t.initial_work_time_factor
        && !(x.is_finite() && x >= t.work_time_factor.max(1.0))
    {
        let floor = t.work_time_factor.max(1.0);
        let message = format!(
            "initial_work_time_factor must be at least {floor} (1 and the trained contract member's work_time_factor: a learner is not faster), found {x}"
        );
        p.at("initial_work_time_factor", message);
    } else if let Some(message) =
        t.initial_work_time_factor.and_then(|x| limits::work_factor("initial_work_time_factor", x))
    {
        p.at("initial_work_time_factor", message);
    }
    model.contract_staff = t;
}

/// Checks and sets the assessment scheme: weights zero or more, not all zero;
/// each response once, redeployment of 1 to `MAX_STAFF_COUNT` members.
pub(super) fn assessment(model: &mut Model, assessment: Option<Assessment>, p: &mut Problems) {
    let Some(a) = assessment else { return };
    for (i, r) in a.respond.iter().enumerate() {
        if a.respond[..i].iter().any(|q| std::mem::discriminant(q) == std::mem::discriminant(r)) {
            let place = [Needle::Field("assessment"), Needle::Field("respond"), Needle::Index(i)];
            p.at_path(&place, "this response is listed twice: list each rule once".to_string());
        }
        if let Response::RedeployTowardsWorst { staff } = *r
            && !(1..=i64::from(crate::scenario::limits::MAX_COUNT)).contains(&staff)
        {
            let place =
                [Needle::Field("assessment"), Needle::Field("respond"), Needle::Index(i), Needle::Field("staff")];
            let most = crate::scenario::limits::MAX_COUNT;
            p.at_path(&place, format!("RedeployTowardsWorst moves 1 to {most} staff at a scoring, found {staff}"));
        }
    }
    let Some(w) = a.weights else {
        let message = if a.respond.is_empty() {
            "the assessment scores departments by its `weights`: add `weights: (time: …, cost: …, efficiency: …, satisfaction: …)`"
        } else {
            "the responses answer each year's scores, and without `weights` there are none: add `weights: (time: …, cost: …, efficiency: …, satisfaction: …)` to the assessment"
        };
        let place: &[Needle] = if a.respond.is_empty() {
            &[Needle::Field("assessment")]
        } else {
            &[Needle::Field("assessment"), Needle::Field("respond")]
        };
        p.at_path(place, message.to_string());
        return;
    };
    let all = [("time", w.time), ("cost", w.cost), ("efficiency", w.efficiency), ("satisfaction", w.satisfaction)];
    for (name, value) in all {
        let what = format!("the assessment's weight `{name}`");
        p.non_negative(name, &what, value);
        if let Some(message) = limits::weight(&what, value) {
            p.at(name, message);
        }
    }
    if all.iter().all(|&(_, v)| v == 0.0) {
        p.at("weights", "the assessment's weights are all zero: give at least one a positive weight".to_string());
    }
    model.assessment = Some(a);
}
