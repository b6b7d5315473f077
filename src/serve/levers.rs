//! The dashboard's reform levers: what the page may ask for, how each request is
//! checked, and the scenario text that puts the levers in force.
//!
//! A request never names a file or writes RON itself: it sets a few numbers and
//! switches, which are range-checked here and turned into a small scenario that
//! `extends` the chosen shipped file and replaces its reform timeline.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::{ShippedScenario, StationChoice};
use crate::scenario::Role;

/// Most contract staff one request may hire (a typo, not a policy, beyond this).
pub const MAX_CONTRACT_STAFF: u32 = 500;

/// Simulated days the dashboard runs (or fewer when the scenario is shorter):
/// about 0.2 s for the county on the project's 2-core machine.
pub const HORIZON_DAYS: u32 = 120;

/// Yearly cost of one contract staff member hired by a lever, CNY (the county's
/// contract window staff, as in `scenarios/one-trip-reform.ron`).
pub const CONTRACT_ANNUAL_COST_CNY: f64 = 80_000.0;

/// How a merger is put in force.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergerMode {
    /// No merger.
    #[default]
    Off,
    /// Merged, with the transition of `five-departments-40pct.ron`: work 15%
    /// slower and 5% of steps redone at first, fading over 180 days.
    WithTransition,
    /// Merged, as if staff knew the new organisation from the first day.
    NoTransition,
}

/// How the established headcount is brought down to its target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadcountMethod {
    /// Posts cut on the first day.
    #[default]
    Cut,
    /// Leavers not replaced until the target is reached: at the scenario's
    /// retirement and resignation rates, which takes years (the seed's way).
    Attrition,
    /// As `Attrition`, each leaver held down replaced by contract staff
    /// ("old staff, old rules; new staff, new rules").
    AttritionContract,
}

/// The lever positions a request sets; every field may be left out (off).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Levers {
    /// One window (一窗受理): every department's window clerks move to one hall.
    pub one_window: bool,
    /// Share of cases handled online (互联网+政务服务), 0 to 1.
    pub online_share: f64,
    /// Share of document checks fetched from other departments' data (信息共享), 0 to 1.
    pub data_sharing_share: f64,
    /// Regulations revised and integrated service (集成服务): steps run in parallel
    /// where the revised law allows.
    pub integrated_service: bool,
    /// Standardisation (标准化): a third less work-time spread and a third fewer errors.
    pub standardisation: bool,
    /// Merger into the five departments of `super-department.ron` (大部制).
    pub merger: MergerMode,
    /// Established headcount kept, as a share of today's (1: no reduction), 0 to 1.
    pub headcount_target_share: f64,
    /// How the headcount reaches its target.
    pub headcount_method: HeadcountMethod,
    /// Contract staff hired (编外人员), 0 to [`MAX_CONTRACT_STAFF`].
    pub contract_staff: u32,
    /// Where they work: an index into the scenario's station list, or none to
    /// spread them over every station in proportion to its work.
    pub contract_station: Option<usize>,
    /// Queues ordered by promised date (政绩考核).
    pub due_date_priority: bool,
}

impl Default for Levers {
    /// Every lever off: the baseline.
    fn default() -> Levers {
        Levers {
            one_window: false,
            online_share: 0.0,
            data_sharing_share: 0.0,
            integrated_service: false,
            standardisation: false,
            merger: MergerMode::Off,
            headcount_target_share: 1.0,
            headcount_method: HeadcountMethod::Cut,
            contract_staff: 0,
            contract_station: None,
            due_date_priority: false,
        }
    }
}

impl Levers {
    /// Every lever off: the baseline.
    pub fn baseline() -> Levers {
        Levers::default()
    }

    /// Checks every value against its range and against what `scenario` offers;
    /// the message says which field is wrong and what is allowed.
    pub fn check(&self, scenario: &ShippedScenario) -> Result<(), String> {
        for (name, value) in [
            ("online_share", self.online_share),
            ("data_sharing_share", self.data_sharing_share),
            ("headcount_target_share", self.headcount_target_share),
        ] {
            if !(value.is_finite() && (0.0..=1.0).contains(&value)) {
                return Err(format!("{name} is a share: it must be between 0 and 1, found {value}"));
            }
        }
        if self.headcount_target_share < 1.0
            && self.headcount_method == HeadcountMethod::AttritionContract
            && !scenario.offers.contract_replacement
        {
            return Err(
                "headcount_method attrition_contract: this scenario prices no contract staff (workforce.contract_annual_cost_cny)"
                    .to_string(),
            );
        }
        if self.contract_staff > MAX_CONTRACT_STAFF {
            return Err(format!(
                "contract_staff must be between 0 and {MAX_CONTRACT_STAFF}, found {}",
                self.contract_staff
            ));
        }
        if let Some(station) = self.contract_station
            && station >= scenario.stations.len()
        {
            return Err(format!(
                "contract_station must be null (spread by workload) or between 0 and {} for {}, found {station}",
                scenario.stations.len().saturating_sub(1),
                scenario.id
            ));
        }
        if let Some(station) = self.contract_station.and_then(|i| scenario.stations.get(i))
            && station.role == Role::Approver
        {
            return Err(
                "contract_station is an approver station: contract staff may not make approval decisions".to_string()
            );
        }
        if self.contract_staff > 0 && scenario.workload.is_empty() {
            return Err(format!("contract_staff is not available for {}", scenario.id));
        }
        let offered = &scenario.offers;
        let refused = [
            (self.one_window && !offered.one_window, "one_window"),
            (self.data_sharing_share > 0.0 && !offered.data_sharing, "data_sharing_share"),
            (self.integrated_service && !offered.integrated_service, "integrated_service"),
            (self.merger != MergerMode::Off && scenario.merger.is_none(), "merger"),
        ];
        if let Some((_, name)) = refused.iter().find(|(bad, _)| *bad) {
            return Err(format!("{name} is not available for {}", scenario.id));
        }
        Ok(())
    }

    /// Where the contract staff go and how many at each station: all at the chosen
    /// station, or spread over the stations in proportion to their work (largest
    /// remainders; ties to the station with more work). Approver stations get none:
    /// contract staff may not make approval decisions. Spread without the one
    /// window (which moves clerks and windows to the hall), a desk's window clerks
    /// get at most its free windows (beyond them hires serve nothing while its own
    /// clerks fill the windows): what a desk cannot take is spread over the
    /// stations with room, and only when none has any is the rest spread as if
    /// windows were no limit (the scenario's warning then names the desk).
    pub fn contract_hires<'a>(&self, scenario: &'a ShippedScenario) -> Vec<(&'a StationChoice, u32)> {
        let n = self.contract_staff;
        if n == 0 {
            return Vec::new();
        }
        if let Some(i) = self.contract_station {
            return scenario.stations.get(i).map(|s| vec![(s, n)]).unwrap_or_default();
        }
        let eligible: Vec<&StationChoice> = scenario.workload.iter().filter(|s| s.role != Role::Approver).collect();
        let weights: Vec<f64> = eligible.iter().map(|s| s.work_hours).collect();
        let mut counts = vec![0u32; eligible.len()];
        let mut left = n;
        if !self.one_window {
            let mut room = super::free_windows(&scenario.model);
            let mut open: Vec<bool> = vec![true; eligible.len()];
            // Each round places a hire or closes a full desk's station.
            while left > 0 && open.iter().any(|&o| o) {
                let share = apportion(left, &weights, &open);
                let mut placed = 0;
                for (i, s) in eligible.iter().enumerate() {
                    if !open[i] {
                        continue;
                    }
                    let take = match s.desk {
                        Some(d) => {
                            let take = share[i].min(u32::try_from(room[d]).unwrap_or(u32::MAX));
                            room[d] -= u64::from(take);
                            open[i] = room[d] > 0;
                            take
                        }
                        None => share[i],
                    };
                    counts[i] += take;
                    placed += take;
                }
                left -= placed;
            }
        }
        if left > 0 {
            let share = apportion(left, &weights, &vec![true; eligible.len()]);
            counts.iter_mut().zip(share).for_each(|(c, s)| *c += s);
        }
        eligible.into_iter().zip(counts).filter(|(_, c)| *c > 0).collect()
    }

    /// Whether any lever is set.
    pub fn any(&self) -> bool {
        let mut levers = self.clone();
        if levers.headcount_target_share >= 1.0 {
            // No target: how it would be reached changes nothing.
            levers.headcount_method = HeadcountMethod::Cut;
        }
        levers != Levers::baseline()
    }

    /// The active levers' names, in the page's words and order.
    pub fn active_names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        let mut add = |on: bool, name| {
            if on {
                names.push(name);
            }
        };
        add(self.one_window, "one window");
        add(self.online_share > 0.0, "online service");
        add(self.data_sharing_share > 0.0, "data sharing");
        add(self.integrated_service, "integrated service");
        add(self.standardisation, "standardisation");
        add(self.due_date_priority, "deadline first");
        add(self.merger != MergerMode::Off, "the merger");
        add(self.headcount_target_share < 1.0, "the staff reduction");
        add(self.contract_staff > 0, "the contract staff");
        names
    }

    /// The scenario text that runs `scenario` for the dashboard's horizon with
    /// these levers in force from the first day (`reforms: []` for none).
    pub fn scenario_text(&self, scenario: &ShippedScenario) -> String {
        let model = &scenario.model;
        let start = model.start_date.to_string();
        let mut reforms: Vec<String> = Vec::new();
        let mut add = |lever: String| reforms.push(format!("        Reform(start: \"{start}\", lever: {lever}),\n"));
        if self.one_window {
            // The hall gets as many windows as the departments had and their window
            // clerks; no one is hired. Training: CNY 2,000 per staff member (as in
            // one-trip-reform.ron); the hall forwards files twice a day.
            let training = 2000.0 * f64::from(model.headcount());
            add(format!(
                "OneWindow(windows: {}, clerks: 0, employment: Contract, annual_cost_cny: {CONTRACT_ANNUAL_COST_CNY:?}, \
                 training_cost_cny: {training:?}, routing_delay_hours: 2.0, department: {}, transfer_window_clerks: true)",
                scenario.offers.hall_windows,
                ron_string(&scenario.offers.cost_centre)
            ));
        }
        if self.online_share > 0.0 {
            let s = self.online_share;
            add(format!(
                "Online(target_share: {s:?}, max_share: {s:?}, platform_build_cny: 8000000.0, yearly_cost_cny: 1500000.0)"
            ));
        }
        if self.data_sharing_share > 0.0 {
            add(format!(
                "DataSharing(share: {:?}, integration_cost_cny_per_source: 300000.0, yearly_it_cost_cny: 2000000.0, \
                 check_minutes_saved: 3.0)",
                self.data_sharing_share
            ));
        }
        if self.integrated_service {
            add("RegulationRevision(cost_cny: 2000000.0)".to_string());
            add("IntegratedService()".to_string());
        }
        if self.standardisation {
            add("Standardisation(variance_reduction: 0.33, error_reduction: 0.33, one_off_cost_cny: 3000000.0)"
                .to_string());
        }
        if let (Some(groups), true) = (&scenario.merger, self.merger != MergerMode::Off) {
            let (dip, errors) = match self.merger {
                MergerMode::WithTransition => (0.15, 0.05),
                _ => (0.0, 0.0),
            };
            let mut merge = String::new();
            for g in groups {
                let from: Vec<String> = g.from.iter().map(|d| ron_string(d)).collect();
                let overhead =
                    g.overhead_cny_per_year.map(|o| format!("overhead_cny_per_year: {o:?}, ")).unwrap_or_default();
                let _ = write!(
                    merge,
                    "(into: {}, from: [{}], {overhead}{}pool_windows: {}, internal_handoffs: {}, regroup_posts: {}), ",
                    ron_string(&g.into),
                    from.join(", "),
                    g.windows.map(|w| format!("windows: {w}, ")).unwrap_or_default(),
                    g.pool_windows,
                    g.internal_handoffs,
                    g.regroup_posts
                );
            }
            add(format!(
                "Merger(merge: [{merge}], productivity_dip: {dip:?}, extra_error_probability: {errors:?}, \
                 learning_days: 180.0, one_off_cost_cny: 10000000.0)"
            ));
        }
        if self.headcount_target_share < 1.0 {
            let (method, replace) = match self.headcount_method {
                HeadcountMethod::Cut => ("Cut", false),
                HeadcountMethod::Attrition => ("Attrition", false),
                HeadcountMethod::AttritionContract => ("Attrition", true),
            };
            add(format!(
                "HeadcountReduction(target_share: {:?}, method: {method}, replace_with_contract: {replace})",
                self.headcount_target_share
            ));
        }
        for (station, count) in self.contract_hires(scenario) {
            add(format!(
                "ContractStaff(department: {}, role: {:?}, count: {count}, annual_cost_cny: {CONTRACT_ANNUAL_COST_CNY:?})",
                ron_string(&station.department),
                station.role
            ));
        }
        if self.due_date_priority {
            add("DueDatePriority".to_string());
        }
        let mut text = String::new();
        let _ = writeln!(text, "// Generated by `reformsim serve`: {} with the dashboard's levers.", scenario.id);
        if !scenario.extends.starts_with("shipped:") {
            // Not the shipped project's file: `extends` names it, which resolves
            // only beside it.
            let folder = scenario.path.parent().unwrap_or(std::path::Path::new("."));
            let _ =
                writeln!(text, "// Save it in {} (it extends {} there by name).", folder.display(), scenario.file_name);
        }
        let _ = writeln!(text, "Scenario(");
        if let Some(name) = &scenario.generated_name {
            let _ = writeln!(text, "    name: {},", ron_string(name));
        }
        let _ = writeln!(text, "    extends: {},", ron_string(&scenario.extends));
        let _ = writeln!(text, "    horizon_days: {},", scenario.horizon_days);
        let _ = writeln!(text, "    warmup_days: {},", scenario.warmup_days);
        if reforms.is_empty() {
            let _ = writeln!(text, "    reforms: [],");
        } else {
            let _ = writeln!(text, "    reforms: [");
            for r in &reforms {
                text.push_str(r);
            }
            let _ = writeln!(text, "    ],");
        }
        text.push_str(")\n");
        text
    }
}

/// `s` as a RON string literal.
pub fn ron_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A role's name for people in the plural ("reviewers").
pub fn role_plural(role: Role) -> &'static str {
    match role {
        Role::WindowClerk => "window clerks",
        Role::Reviewer => "reviewers",
        Role::Approver => "approvers",
        Role::Inspector => "inspectors",
    }
}

/// `n` split over the places where `open` holds in proportion to `weights`, by
/// largest remainders (ties to the earlier place); nothing if they weigh nothing.
fn apportion(n: u32, weights: &[f64], open: &[bool]) -> Vec<u32> {
    let total: f64 = weights.iter().zip(open).filter(|(_, o)| **o).map(|(w, _)| w).sum();
    let mut counts = vec![0u32; weights.len()];
    if total <= 0.0 {
        return counts;
    }
    let quotas: Vec<f64> =
        weights.iter().zip(open).map(|(w, &o)| if o { f64::from(n) * w / total } else { 0.0 }).collect();
    for (c, q) in counts.iter_mut().zip(&quotas) {
        *c = q.floor() as u32;
    }
    let mut left = n.saturating_sub(counts.iter().sum());
    let mut order: Vec<usize> = (0..quotas.len()).filter(|&i| open[i]).collect();
    order.sort_by(|&a, &b| (quotas[b] - quotas[b].floor()).total_cmp(&(quotas[a] - quotas[a].floor())).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    counts
}
