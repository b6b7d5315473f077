//! What the levers' validation sees of the model being built ([`Builder`], the
//! scenario's side of `levers::Check`): the reform's problems placed in its own
//! text, its values held to the scenario's limits, the names it gives looked up.

// The parent module's words: this is its validation of one reform.
use super::*;

fn department_id(model: &Model, p: &mut Problems, name: &str) -> Option<DepartmentId> {
    let found = model.departments.iter().position(|d| d.name == name);
    if found.is_none() {
        let known: Vec<&str> = model.departments.iter().map(|d| d.name.as_str()).collect();
        p.unknown("department", name, &known);
    }
    found
}

fn function_id(model: &Model, p: &mut Problems, name: &str) -> Option<FunctionId> {
    let found = model.functions.iter().position(|f| f == name);
    if found.is_none() {
        let known: Vec<&str> = model.functions.iter().map(String::as_str).collect();
        p.unknown("function", name, &known);
    }
    found
}

/// What the levers' validation sees of the model being built: the reform at
/// `reform` in the scenario's list, whose problems are placed in its own text.
pub(super) struct Builder<'m, 'p, 's> {
    pub(super) model: &'m mut Model,
    pub(super) p: &'p mut Problems<'s>,
    pub(super) reform: usize,
}

impl Check for Builder<'_, '_, '_> {
    /// At its field `what` if the reform writes one, else at `anchor` in the
    /// reform (else anywhere).
    fn at_field(&mut self, anchor: &str, what: &str, message: String) {
        self.p.at_reform_field(self.reform, anchor, what, message);
    }

    fn money(&mut self, anchor: &str, what: &str, value: f64) {
        self.non_negative(anchor, what, value);
        if value.is_finite()
            && let Some(message) = limits::money(what, value)
        {
            self.at_field(anchor, what, message);
        }
    }

    fn count(&mut self, anchor: &str, what: &str, n: u32) {
        if let Some(message) = limits::count(what, n) {
            self.at_field(anchor, what, message);
        }
    }

    fn minutes(&mut self, anchor: &str, what: &str, minutes: &Minutes) {
        if let Some(problem) = crate::scenario::checks::distribution_problem(minutes) {
            self.at_field(anchor, what, format!("{what}: {problem}"));
        } else if let Some(message) = limits::distribution(what, minutes) {
            self.at_field(anchor, what, message);
        }
    }

    fn duration(&mut self, anchor: &str, what: &str, value: f64, unit_minutes: f64) {
        self.non_negative(anchor, what, value);
        if value.is_finite()
            && let Some(message) = limits::minutes(what, value * unit_minutes)
        {
            self.at_field(anchor, what, message);
        }
    }

    fn work_factor(&mut self, anchor: &str, what: &str, factor: f64) {
        if let Some(message) = limits::work_factor(what, factor) {
            self.at_field(anchor, what, message);
        }
    }

    fn at(&mut self, anchor: &str, message: String) {
        self.at_field(anchor, anchor, message);
    }

    fn share(&mut self, anchor: &str, what: &str, value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.at_field(anchor, what, format!("{what} is a share and must be in [0, 1], found {value}"));
        }
    }

    fn non_negative(&mut self, anchor: &str, what: &str, value: f64) {
        if let Some(message) = crate::scenario::checks::non_negative_problem(what, value) {
            self.at_field(anchor, what, message);
        }
    }

    fn services(&mut self, names: &[String]) -> Vec<bool> {
        service_mask(self.model, self.p, names)
    }

    fn department(&mut self, name: &str) -> Option<DepartmentId> {
        department_id(self.model, self.p, name)
    }

    fn function(&mut self, name: &str) -> Option<FunctionId> {
        function_id(self.model, self.p, name)
    }

    fn departments(&self) -> usize {
        self.model.departments.len()
    }

    fn service_groups(&self) -> Vec<crate::domain::ApplicantGroup> {
        self.model.services.iter().map(|s| s.applicant_group).collect()
    }

    fn holds_documents(&self, department: DepartmentId) -> bool {
        self.model.documents.iter().any(|doc| doc.held_by == department)
    }

    fn contract_annual_cost_cny(&self) -> f64 {
        self.model.workforce.contract_annual_cost_cny
    }

    fn contract_approvers_allowed(&self) -> bool {
        self.model.contract_staff.allow_approvers
    }

    fn open_hall(&mut self, department: DepartmentId) -> usize {
        let slot = self.model.hall_slot(department);
        if self.model.halls[slot].is_none() {
            self.model.stations.push(Station {
                department: None,
                division: None,
                desk: None,
                role: Role::WindowClerk,
                servers: 0,
            });
            self.model.halls[slot] = Some(self.model.stations.len() - 1);
        }
        slot
    }

    fn cross_training(&mut self, department: &str, request: PoolRequest, extra_error: f64) -> Option<Vec<PoolId>> {
        let d = department_id(self.model, self.p, department)?;
        let own = self.model.departments[d].divisions.clone();
        let mut trained = Vec::new();
        for name in request.divisions {
            match own.iter().copied().find(|&v| self.model.divisions[v].name == *name) {
                Some(v) => trained.push(v),
                None => {
                    let known: Vec<&str> = own.iter().map(|&v| self.model.divisions[v].name.as_str()).collect();
                    self.p.unknown(&format!("division of `{department}`"), name, &known);
                }
            }
        }
        if request.divisions.is_empty() {
            trained.clone_from(&own);
        }
        let mut learnt = Vec::new();
        for name in request.functions {
            let Some(f) = function_id(self.model, self.p, name) else { continue };
            if !self.model.departments[d].functions.contains(&f) {
                self.p.at(
                    "CrossTraining",
                    format!(
                        "cross-training target `{name}` is outside department `{department}`: staff are trained in functions of their own department"
                    ),
                );
                continue;
            }
            learnt.push(f);
        }
        let mut pools = Vec::new();
        for &v in &trained {
            for &role in request.roles {
                if role == Role::WindowClerk {
                    continue;
                }
                let targets: Vec<DivisionId> = own
                    .iter()
                    .copied()
                    .filter(|&w| w != v)
                    .filter(|&w| {
                        let held = &self.model.divisions[w].functions;
                        request.functions.is_empty() || held.iter().any(|f| learnt.contains(f))
                    })
                    .collect();
                if targets.is_empty() {
                    continue;
                }
                let home = ensure_station(self.model, 0, StationKey::BackOffice(v, role));
                let targets =
                    targets.iter().map(|&w| ensure_station(self.model, 0, StationKey::BackOffice(w, role))).collect();
                self.model.pools.push(Pool {
                    home,
                    targets,
                    slowdown: request.slowdown,
                    extra_error_probability: extra_error,
                });
                pools.push(self.model.pools.len() - 1);
            }
        }
        if pools.is_empty() && self.p.list.is_empty() {
            self.p.at(
                "CrossTraining",
                format!("this cross-training trains nobody: `{department}` has no other division holding the functions named"),
            );
        }
        if self.model.pools.len() > limits::MAX_POOLS {
            self.p.at(
                "CrossTraining",
                format!("more than {} cross-trained pools: train fewer divisions", limits::MAX_POOLS),
            );
        }
        Some(pools)
    }

    fn merger(&mut self, merges: &[merger::RawMerge], start_day: u32, ordinal: usize) -> Option<merger::Structure> {
        let first = self.model.departments.len();
        let index = build_merger(self.model, self.p, merges, start_day, ordinal)?;
        let model = &mut *self.model;
        if !model.department_jurisdiction.is_empty() {
            // In a tree a merger is copied per jurisdiction: a merged department is
            // in its parts' (a later one-window reform naming it opens that hall).
            for d in first..model.departments.len() {
                let part = model.structures[index].department_of.iter().position(|&x| x == d);
                let slot = part.and_then(|p| model.department_jurisdiction.get(p).copied());
                model.department_jurisdiction.push(slot.expect("a merged department has parts"));
            }
        }
        Some(merger::Structure { index, created: first..self.model.departments.len() })
    }
}
