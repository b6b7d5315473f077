//! The shipped scenarios the dashboard offers: found once at start-up under the
//! repository's `scenarios/` folder, and the only files a request can reach.
//!
//! A request names a scenario by its id (`small-department.ron`,
//! `validation/mmc.ron`); the id is looked up in this list and never joined to a
//! path, so no request can make the server read another file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::levers::{HORIZON_DAYS, HeadcountMethod, Levers, MergerMode, role_plural};
pub use super::{Offers, ShippedScenario, StationChoice};
use crate::scenario::raw::{RawLever, RawMerge, RawReform, RawScenario};
use crate::scenario::{self, FrontOffice, Model, ReductionMethod, Role};

/// The file whose `merge_departments` list is the merger lever's grouping.
const MERGER_SOURCE: &str = "super-department.ron";

/// Folders under `scenarios/` the dashboard does not offer: sweep, sensitivity,
/// calibration and optimise specs (and the optimise search's base scenario), and
/// the speed benchmark's mirrors of `mindes` cases (queueing only, nothing to teach).
const NOT_SCENARIOS: &[&str] = &["sweeps", "sensitivity", "calibration", "optimise", "bench"];

/// Longest `extends` chain followed when looking for a scenario's own reforms.
const MAX_CHAIN: usize = 8;

/// Most stations offered for contract staff (the busiest first).
const MAX_STATIONS: usize = 12;

/// Every shipped scenario the dashboard can run.
#[derive(Debug)]
pub struct Catalogue {
    /// The `scenarios/` folder.
    pub folder: PathBuf,
    /// The scenarios, in id order.
    pub scenarios: Vec<ShippedScenario>,
    /// Files left out, and why.
    pub skipped: Vec<(String, String)>,
}

/// Why a requested scenario cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The name is a path that would leave `scenarios/` (absolute, `..`, `\`).
    OutsideScenarios,
    /// No shipped scenario has that id.
    Unknown,
}

impl Catalogue {
    /// Finds the `.ron` scenarios in `folder` and its subfolders (one level), and
    /// prepares each one that loads.
    pub fn open(folder: &Path) -> std::io::Result<Catalogue> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(folder)? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type()?.is_dir() {
                if NOT_SCENARIOS.contains(&name.as_str()) || name.starts_with('.') {
                    continue;
                }
                for inner in std::fs::read_dir(&path)? {
                    let inner = inner?;
                    let inner_name = inner.file_name().to_string_lossy().into_owned();
                    if inner.file_type()?.is_file() && is_scenario_file(&inner_name) {
                        files.push((format!("{name}/{inner_name}"), inner.path()));
                    }
                }
            } else if entry.file_type()?.is_file() && is_scenario_file(&name) {
                files.push((name, path));
            }
        }
        files.sort();
        let merger = read_raw(&folder.join(MERGER_SOURCE)).and_then(|raw| raw.merge_departments);
        let mut scenarios = Vec::new();
        let mut skipped = Vec::new();
        for (id, path) in files {
            // A province (a jurisdiction tree) is not offered: its runs take far longer
            // than a slider change may, and the dashboard's levers are written for one
            // government (in a tree each lever acts per jurisdiction).
            if read_raw(&path).is_some_and(|raw| raw.jurisdictions.is_some()) {
                continue;
            }
            match prepare(&id, &path, merger.as_deref()) {
                Ok(s) => scenarios.push(s),
                Err(why) => skipped.push((id, why)),
            }
        }
        Ok(Catalogue { folder: folder.to_path_buf(), scenarios, skipped })
    }

    /// The scenario a request names: its id, optionally written `scenarios/<id>`.
    /// The name is only compared with the ids, never used as a path.
    pub fn find(&self, requested: &str) -> Result<&ShippedScenario, Refusal> {
        let name = requested.strip_prefix("scenarios/").unwrap_or(requested);
        let escapes = name.starts_with('/')
            || name.contains('\\')
            || name.contains(':')
            || name.contains('\0')
            || name.split('/').any(|part| part == ".." || part == ".");
        if escapes {
            return Err(Refusal::OutsideScenarios);
        }
        self.scenarios.iter().find(|s| s.id == name).ok_or(Refusal::Unknown)
    }
}

fn is_scenario_file(name: &str) -> bool {
    name.ends_with(".ron") && !name.starts_with('.')
}

/// The file as written (no `extends` followed), if it parses.
fn read_raw(path: &Path) -> Option<RawScenario> {
    let text = std::fs::read_to_string(path).ok()?;
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME).from_str(&text).ok()
}

/// The reforms a scenario runs: its own list, or the one it inherits.
fn own_reforms(path: &Path) -> Vec<RawReform> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_CHAIN {
        let Some(raw) = read_raw(&current) else { return Vec::new() };
        if let Some(reforms) = raw.reforms {
            return reforms;
        }
        // Only parents in the same folder: the shipped chains need no more, and
        // this never reads outside `scenarios/`.
        match raw.extends {
            Some(parent) if !parent.contains('/') && !parent.contains('\\') && parent.ends_with(".ron") => {
                current = current.with_file_name(parent);
            }
            _ => return Vec::new(),
        }
    }
    Vec::new()
}

/// Loads the dashboard's baseline of one file and works out what its levers offer.
fn prepare(id: &str, path: &Path, merger: Option<&[RawMerge]>) -> Result<ShippedScenario, String> {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or("no file name")?;
    let shipped = scenario::load(path).map_err(|e| first_line(&e.to_string()))?;
    if !shipped.jurisdictions.is_empty() {
        // The dashboard's levers are written for one government, and a run of a
        // province takes far longer than a slider change may.
        return Err("a jurisdiction tree (a province): too large for the dashboard's interactive runs".to_string());
    }
    let horizon_days = shipped.horizon_days.min(HORIZON_DAYS);
    let warmup_days =
        if shipped.warmup_days.saturating_mul(2) <= horizon_days { shipped.warmup_days } else { horizon_days / 4 };
    let shipped_file = scenario::shipped_project().join("scenarios").join(id);
    let extends = if shipped_file.canonicalize().ok() == path.canonicalize().ok() {
        format!("shipped:{}", id.trim_end_matches(".ron"))
    } else {
        file_name.clone()
    };
    // The shipped scenario's name with a suffix, within the 100 characters a name may have.
    let generated_name = (shipped.name.chars().count() <= 90).then(|| format!("{}-dashboard", shipped.name));
    let mut draft = ShippedScenario {
        id: id.to_string(),
        file_name,
        extends,
        generated_name,
        path: path.to_path_buf(),
        horizon_days,
        warmup_days,
        model: Arc::new(shipped),
        offers: Offers {
            one_window: false,
            hall_windows: 0,
            cost_centre: String::new(),
            data_sharing: false,
            integrated_service: false,
            contract_replacement: false,
        },
        merger: None,
        stations: Vec::new(),
        workload: Vec::new(),
        preset: None,
        preset_left_out: Vec::new(),
    };
    let text = Levers::baseline().scenario_text(&draft);
    let model = scenario::load_from_str(&draft.generated_path(), &text).map_err(|e| first_line(&e.to_string()))?;
    draft.offers = Offers {
        one_window: matches!(model.front_office, FrontOffice::PerDepartment),
        hall_windows: model.departments.iter().map(|d| d.windows).sum::<u32>().max(1),
        cost_centre: model.departments.first().map(|d| d.name.clone()).unwrap_or_default(),
        data_sharing: !model.documents.is_empty() && model.services.iter().any(|s| !s.checks.is_empty()),
        integrated_service: model
            .services
            .iter()
            .any(|s| s.steps.iter().any(|st| st.precedence[0].predecessors != st.precedence[1].predecessors)),
        contract_replacement: model.workforce.contract_annual_cost_cny > 0.0,
    };
    draft.merger = merger
        .filter(|groups| {
            groups.iter().flat_map(|g| &g.from).all(|name| model.departments.iter().any(|d| &d.name == name))
        })
        .map(<[RawMerge]>::to_vec);
    draft.workload = stations(&model);
    // Contract staff may not decide approvals: approver stations are not offered.
    draft.stations = draft.workload.iter().filter(|s| s.role != Role::Approver).cloned().collect();
    let per_person = |s: &StationChoice| s.work_hours / f64::from(s.staff.max(1));
    draft.stations.sort_by(|a, b| per_person(b).total_cmp(&per_person(a)));
    draft.stations.truncate(MAX_STATIONS);
    draft.model = Arc::new(model);
    let (preset, left_out) = preset(&own_reforms(path), &draft);
    draft.preset = preset;
    draft.preset_left_out = left_out;
    Ok(draft)
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or("").to_string()
}

/// Stations with work, the most work first.
fn stations(model: &Model) -> Vec<StationChoice> {
    let mut work = vec![0.0_f64; model.stations.len()];
    for service in &model.services {
        for step in &service.steps {
            if let Some(w) = work.get_mut(step.station) {
                *w += service.volume_per_year * crate::time::to_hours(step.mean_work);
            }
        }
    }
    let free_windows = super::free_windows(model);
    let mut choices: Vec<StationChoice> = model
        .stations
        .iter()
        .enumerate()
        .filter_map(|(i, station)| {
            let department = station.department?;
            let staff: u32 = model
                .staff
                .iter()
                .filter(|g| g.department == department && g.role == station.role)
                .map(|g| g.count)
                .sum();
            let name = model.departments.get(department)?.name.clone();
            // Window clerks serve at most as many at once as the desk has windows:
            // where its own clerks staff every window, hires there would serve
            // nothing (the county's desks all have a window per clerk).
            let full = station.role == Role::WindowClerk && station.desk.is_some_and(|desk| free_windows[desk] == 0);
            (work[i] > 0.0 && !full).then(|| StationChoice {
                label: format!("{}, {} ({staff} now)", role_plural(station.role), name),
                department: name,
                role: station.role,
                staff,
                work_hours: work[i],
                desk: station.desk.filter(|_| station.role == Role::WindowClerk),
            })
        })
        .collect();
    choices.sort_by(|a, b| b.work_hours.total_cmp(&a.work_hours));
    choices
}

/// The scenario's own reforms as lever positions (each at full strength), and
/// the reforms no lever shows.
fn preset(reforms: &[RawReform], scenario: &ShippedScenario) -> (Option<Levers>, Vec<String>) {
    if reforms.is_empty() {
        return (None, Vec::new());
    }
    let mut levers = Levers::baseline();
    let mut left_out = Vec::new();
    for r in reforms {
        match &r.lever {
            RawLever::OneWindow(_) if scenario.offers.one_window => levers.one_window = true,
            RawLever::Online(o) => {
                levers.online_share = o.target_share.min(o.max_share).clamp(0.0, 1.0);
            }
            RawLever::DataSharing(d) if scenario.offers.data_sharing => {
                levers.data_sharing_share = d.share.clamp(0.0, 1.0);
            }
            RawLever::RegulationRevision(_) | RawLever::IntegratedService(_) if scenario.offers.integrated_service => {
                levers.integrated_service = true;
            }
            RawLever::Standardisation(_) => levers.standardisation = true,
            RawLever::Merger(m) if scenario.merger.as_deref().is_some_and(|g| same_groups(g, &m.merge)) => {
                levers.merger = MergerMode::WithTransition;
            }
            RawLever::HeadcountReduction(h) => {
                levers.headcount_target_share = h.target_share.clamp(0.0, 1.0);
                levers.headcount_method = match (&h.method, h.replace_with_contract) {
                    (ReductionMethod::Cut, _) => HeadcountMethod::Cut,
                    (ReductionMethod::Attrition, false) => HeadcountMethod::Attrition,
                    (ReductionMethod::Attrition, true) => HeadcountMethod::AttritionContract,
                };
            }
            RawLever::ContractStaff(c)
                if levers.contract_staff == 0
                    && let Some(i) =
                        scenario.stations.iter().position(|s| s.department == c.department && s.role == c.role) =>
            {
                levers.contract_staff = c.count.min(super::levers::MAX_CONTRACT_STAFF);
                levers.contract_station = Some(i);
            }
            RawLever::DueDatePriority(_) => levers.due_date_priority = true,
            other => left_out.push(lever_name(other).to_string()),
        }
    }
    (Some(levers), left_out)
}

fn same_groups(a: &[RawMerge], b: &[RawMerge]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.into == y.into && x.from == y.from)
}

/// A lever's name in prose, from the registry.
fn lever_name(lever: &RawLever) -> &'static str {
    if let RawLever::Merger(_) = lever {
        return "a merger other than the five departments";
    }
    crate::levers::REGISTRY.iter().find(|e| e.name == lever.name()).map_or("a reform", |e| e.label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::levers::Levers;

    #[test]
    fn the_text_of_a_scenario_outside_the_shipped_project_says_where_to_save_it() {
        // Another project's `scenarios/` folder: its files are not `shipped:`.
        let folder = std::env::temp_dir().join(format!("reformsim-catalogue-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("temporary folder");
        let shipped = crate::scenario::shipped_project().join("scenarios/validation/mmc.ron");
        std::fs::copy(shipped, folder.join("mmc.ron")).expect("copy");
        let catalogue = Catalogue::open(&folder).expect("open");
        let scenario = catalogue.find("mmc.ron").expect("served");
        let text = Levers::default().scenario_text(scenario);
        assert!(text.contains("extends: \"mmc.ron\""), "{text}");
        assert!(text.contains(&format!("// Save it in {} ", folder.display())), "{text}");
        // Saved there, it runs as it is.
        std::fs::write(folder.join("saved.ron"), &text).expect("write");
        let loaded = crate::scenario::load(&folder.join("saved.ron"));
        let _ = std::fs::remove_dir_all(&folder);
        assert!(loaded.is_ok(), "{:?}", loaded.err().map(|e| e.to_string()));
    }
}
