//! Leadership posts and the fixed cost of a department (its overhead).
//!
//! A department's overhead is either a typed-in figure (`overhead_cny_per_year`, an
//! override) or follows from the post rules: the pay of the leadership posts held
//! (heads and deputies of the department, a head per division), office space per
//! member of staff and post holder, hall space per window, and IT per platform.
//!
//! A merger that regroups posts gives the new department one quota under the same
//! rules (one head and its deputies, a head per division: divisions move in
//! unchanged) and one IT platform. Posts held above the quota are not removed at
//! once: "old staff, old rules" — each surplus holder leaves with the surplus
//! exit probability of a day and is not replaced while the department is above
//! quota, so the saving arrives over years. A nominal merger (`regroup_posts:
//! false`) keeps its parts' posts, quotas and IT platforms. A merger made before
//! the run (`merge_departments`) starts with its parts' posts on day 0 and its
//! surplus shrinks from then on.
//!
//! Plain data and functions; the ECS systems that call them are in `ecs.rs`.

use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};

use crate::scenario::{DepartmentId, Model, PostRules, Posts, divisions_of};

/// Where a department's fixed cost comes from.
#[derive(Clone, Debug)]
pub(crate) enum Overhead {
    /// A typed-in figure (an override of the rules), CNY per year.
    Stated(f64),
    /// The post rules.
    Rules(Ruled),
}

/// What the post rules price in a department.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ruled {
    /// Posts held now.
    held: Posts,
    /// Posts the department is entitled to; holders above it are not replaced.
    quota: Posts,
    /// IT platforms run (one per department; a nominal merger keeps its parts').
    it_platforms: u32,
}

/// A department's overhead today by part, CNY per year; the parts add up to the total.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct OverheadToday {
    /// Pay of the leadership posts held.
    pub posts: f64,
    /// Office space per member of staff and post holder, hall space per window.
    pub office: f64,
    /// IT platforms.
    pub it: f64,
    /// A typed-in overhead.
    pub stated: f64,
}

impl OverheadToday {
    /// The whole overhead, CNY per year.
    pub(crate) fn total(&self) -> f64 {
        self.posts + self.office + self.it + self.stated
    }
}

impl Overhead {
    /// The overhead of department `d` of the model at the start of the run (or,
    /// for a department a merger reform creates, as its own parts' would be at the
    /// start: see [`Overhead::merged`]).
    pub(crate) fn initial(model: &Model, d: DepartmentId) -> Overhead {
        let department = &model.departments[d];
        match (department.stated_overhead_cny_per_year, &model.posts) {
            (Some(cny), _) => Overhead::Stated(cny),
            (None, Some(rules)) => Overhead::Rules(ruled_at_start(model, rules, d)),
            (None, None) => unreachable!("validation gives every department without post rules an overhead"),
        }
    }

    /// The overhead of department `d`, created today by a merger reform from
    /// `parts` (their ids and overheads now). A part with a typed-in overhead
    /// brings the posts the rules give it at the start.
    pub(crate) fn merged(model: &Model, d: DepartmentId, parts: &[(DepartmentId, &Overhead)]) -> Overhead {
        let department = &model.departments[d];
        let rules = match (department.stated_overhead_cny_per_year, &model.posts) {
            (Some(cny), _) => return Overhead::Stated(cny),
            (None, Some(rules)) => rules,
            (None, None) => unreachable!("validation gives every merger without post rules an overhead"),
        };
        let mut sum = Ruled { held: Posts::default(), quota: Posts::default(), it_platforms: 0 };
        for &(id, overhead) in parts {
            let part = match overhead {
                Overhead::Rules(part) => *part,
                Overhead::Stated(_) => ruled_at_start(model, rules, id),
            };
            sum.held = sum.held.plus(part.held);
            sum.quota = sum.quota.plus(part.quota);
            sum.it_platforms += part.it_platforms;
        }
        Overhead::Rules(if department.regroup_posts { regrouped(rules, sum.held, divisions_of(model, d)) } else { sum })
    }

    /// Leadership posts held now (none are counted for a typed-in overhead).
    pub(crate) fn posts_held(&self) -> u32 {
        match self {
            Overhead::Stated(_) => 0,
            Overhead::Rules(r) => r.held.total(),
        }
    }

    /// Today's overhead by part, for a department with `staff` members of staff and
    /// `windows` windows.
    pub(crate) fn today(&self, rules: Option<&PostRules>, staff: u32, windows: u32) -> OverheadToday {
        match (self, rules) {
            (Overhead::Stated(cny), _) => OverheadToday { stated: *cny, ..OverheadToday::default() },
            (Overhead::Rules(ruled), Some(r)) => OverheadToday {
                posts: r.pay_cny_per_year(ruled.held),
                office: (f64::from(staff) + f64::from(ruled.held.total())) * r.office_cny_per_staff_per_year
                    + f64::from(windows) * r.office_cny_per_window_per_year,
                it: f64::from(ruled.it_platforms) * r.it_cny_per_department_per_year,
                stated: 0.0,
            },
            (Overhead::Rules(_), None) => unreachable!("posts are only held under post rules"),
        }
    }

    /// One day of attrition: each holder of a post above the quota leaves with
    /// probability `p` and is not replaced (posts within the quota are refilled,
    /// so only the surplus changes). Kinds are drawn in a fixed order.
    pub(crate) fn attrition(&mut self, p: f64, rng: &mut ChaCha8Rng) {
        let Overhead::Rules(Ruled { held, quota, .. }) = self else { return };
        for (held, quota) in [
            (&mut held.heads, quota.heads),
            (&mut held.deputies, quota.deputies),
            (&mut held.division_heads, quota.division_heads),
        ] {
            let surplus = held.saturating_sub(quota);
            if surplus == 0 {
                continue;
            }
            if let Ok(b) = Binomial::new(u64::from(surplus), p) {
                *held -= b.sample(rng) as u32;
            }
        }
    }
}

/// Department `d` under the rules at the start: a department as written holds its
/// quota; one merged before the run holds the posts of the departments it merged,
/// each as written (a head and its deputies each; the heads of their divisions,
/// which move in unchanged), regrouped or not as its merger says.
fn ruled_at_start(model: &Model, rules: &PostRules, d: DepartmentId) -> Ruled {
    let department = &model.departments[d];
    let bodies = department.bodies;
    let divisions = divisions_of(model, d);
    // Each body brings a head and its deputies; the heads of division are those
    // of the divisions it holds.
    let held = Posts {
        heads: rules.heads_per_department.saturating_mul(bodies),
        deputies: rules.deputies_per_department.saturating_mul(bodies),
        division_heads: rules.heads_per_division.saturating_mul(divisions),
    };
    if department.regroup_posts {
        regrouped(rules, held, divisions)
    } else {
        Ruled { held, quota: held, it_platforms: bodies }
    }
}

/// A department formed by regrouping `held` posts: the rules' quota for its
/// `divisions` (vacancies below it filled), one IT platform.
fn regrouped(rules: &PostRules, held: Posts, divisions: u32) -> Ruled {
    let quota = rules.quota(divisions);
    Ruled { held: held.at_least(quota), quota, it_platforms: 1 }
}
