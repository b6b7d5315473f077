//! The fiscal rule and the contract-staff terms: checked and set on the model
//! (see `domain::FiscalRule` and `domain::ContractTerms`).

use super::Problems;
use crate::domain::{ContractTerms, FiscalRule};
use crate::scenario::Model;

/// Checks and sets the fiscal rule: it needs a budget to compare the cost with.
pub(super) fn fiscal_rule(model: &mut Model, rule: Option<FiscalRule>, p: &mut Problems) {
    let Some(rule) = rule else { return };
    if model.budget_cny_per_year.is_none() {
        p.at(
            "fiscal_rule",
            "fiscal_rule needs `budget_cny_per_year`: the rule compares administrative cost with the budget"
                .to_string(),
        );
    }
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

/// Checks and sets how contract staff differ from established staff.
pub(super) fn contract_staff(model: &mut Model, terms: Option<ContractTerms>, p: &mut Problems) {
    let Some(t) = terms else { return };
    if !(t.work_time_factor.is_finite() && t.work_time_factor > 0.0) {
        p.at("work_time_factor", format!("work_time_factor must be positive, found {}", t.work_time_factor));
    }
    p.share("extra_error_probability", "extra_error_probability", t.extra_error_probability);
    if let Some(rate) = t.exit_rate_per_year {
        p.share("exit_rate_per_year", "exit_rate_per_year", rate);
    }
    if t.training_days > 366 {
        p.at("training_days", format!("training_days must be at most 366, found {}", t.training_days));
    }
    model.contract_staff = t;
}
