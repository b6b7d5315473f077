//! The post rules (`posts`): leadership posts per department and division, their
//! pay, office and hall space, and IT, from which a department's fixed cost follows.

use crate::scenario::checks::{Checker, money, probability};
use crate::scenario::limits;
use crate::scenario::model::PostRules;
use crate::scenario::raw::RawPosts;
use crate::scenario::sources::Needle::Field;

/// The validated post rules; `None` when the scenario gives none or they are wrong
/// (the problems are in `c`).
pub(super) fn rules(c: &mut Checker, raw: Option<RawPosts>) -> Option<PostRules> {
    let raw = raw?;
    let mut ok = true;
    let mut count = |c: &mut Checker, field: &str, value: i64| -> u32 {
        let place = [Field("posts"), Field(field)];
        match u32::try_from(value) {
            Ok(n) if limits::count(field, n).is_none() => n,
            Ok(n) => {
                c.at(None, &place, "", limits::count(field, n).expect("checked just above"));
                ok = false;
                0
            }
            Err(_) => {
                c.at(None, &place, "", format!("{field} is a number of posts and must be zero or more, found {value}"));
                ok = false;
                0
            }
        }
    };
    let heads_per_department = count(c, "heads_per_department", raw.heads_per_department);
    let deputies_per_department = count(c, "deputies_per_department", raw.deputies_per_department);
    let heads_per_division = count(c, "heads_per_division", raw.heads_per_division);
    let before = c.problems.len();
    for (field, value) in [
        ("head_annual_cost_cny", raw.head_annual_cost_cny),
        ("deputy_annual_cost_cny", raw.deputy_annual_cost_cny),
        ("division_head_annual_cost_cny", raw.division_head_annual_cost_cny),
        ("office_cny_per_staff_per_year", raw.office_cny_per_staff_per_year),
        ("office_cny_per_window_per_year", raw.office_cny_per_window_per_year),
        ("it_cny_per_department_per_year", raw.it_cny_per_department_per_year),
    ] {
        money(c, None, &[Field("posts"), Field(field)], "", field, value);
    }
    if let Some(rate) = raw.surplus_exit_rate_per_year {
        let place = [Field("posts"), Field("surplus_exit_rate_per_year")];
        probability(c, None, &place, "", "surplus_exit_rate_per_year", rate);
    }
    (ok && c.problems.len() == before).then_some(PostRules {
        heads_per_department,
        deputies_per_department,
        heads_per_division,
        head_annual_cost_cny: raw.head_annual_cost_cny,
        deputy_annual_cost_cny: raw.deputy_annual_cost_cny,
        division_head_annual_cost_cny: raw.division_head_annual_cost_cny,
        office_cny_per_staff_per_year: raw.office_cny_per_staff_per_year,
        office_cny_per_window_per_year: raw.office_cny_per_window_per_year,
        it_cny_per_department_per_year: raw.it_cny_per_department_per_year,
        surplus_exit_rate_per_year: raw.surplus_exit_rate_per_year,
    })
}
