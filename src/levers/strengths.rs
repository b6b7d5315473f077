//! Today's lever strengths: the plain struct the case flow reads at its decision
//! points (no lookup on the per-event hot path), rebuilt every morning from
//! [`Strengths::neutral`] (reset in place, [`Strengths::reset`]) by the levers in
//! force.

use super::merger::Transition;
use crate::time::Micros;

/// How strongly each lever acts today; [`Strengths::neutral`] when none does.
#[derive(Clone, Debug)]
pub struct Strengths {
    /// Per general hall (by its place, see `Model::halls`): share of new cases
    /// served through it.
    pub one_window: Vec<f64>,
    /// Per general hall: internal routing delay from it.
    pub routing_delay: Vec<Micros>,
    /// Per general hall: windows the one-window reforms in force add to it.
    pub hall_windows: Vec<u32>,
    /// Per service: the levers that act on its new cases.
    pub services: Vec<ServiceStrengths>,
    /// Share of documents fetched from data, and which departments are connected.
    pub sharing: f64,
    /// Per (initial) department: its data is connected.
    pub connected: Vec<bool>,
    /// Checking time saved per shared document.
    pub check_saved: Micros,
    /// Share by which work-time spread shrinks.
    pub variance_reduction: f64,
    /// Share by which send-back probabilities fall.
    pub error_reduction: f64,
    /// A merger's transition, if one happened.
    pub transition: Option<Transition>,
    /// Learning speed-up from error tolerance.
    pub learning_speedup: f64,
    /// Share of transition errors caught.
    pub catch_share: f64,
    /// The post-approval supervision reforms in force: their inspections after
    /// notification (who, work, delay and what they find).
    pub inspections: Vec<super::supervision::Inspection>,
    /// Queues ordered by due date.
    pub due_date_priority: bool,
    /// The online-listening reforms in force (a jurisdiction tree has one per
    /// County in scope).
    pub listening: Vec<super::online_listening::Listening>,
    /// Departments in the model (a merger's transition marks the new ones).
    pub departments: usize,
    /// Per cross-trained pool: today's work-time factor on a secondary function
    /// (1 / productivity, along the learning curve).
    pub pool_slowdown: Vec<f64>,
}

/// How strongly the levers act on one service's new cases: one record, which an
/// arrival reads in one cache line (at a province's scale, 20,000 services, a
/// table per lever would cost a cache miss per lever).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(align(64))]
pub struct ServiceStrengths {
    /// Share of new cases arriving online.
    pub online: f64,
    /// Share of online cases whose identity is verified remotely (set to the
    /// service's own share by the engine, raised by the lever).
    pub remote_identity: f64,
    /// Share of new cases handled as integrated service.
    pub integrated: f64,
    /// Share of new cases whose approval becomes a notification.
    pub supervision: f64,
    /// The inspections its notified cases get (an index into
    /// [`Strengths::inspections`]), if any.
    pub inspected_by: Option<u32>,
    /// The listening its applicants complain through (an index into
    /// [`Strengths::listening`]), if any.
    pub complaints_via: Option<u32>,
    /// The regulation allows parallel handling.
    pub revised: bool,
}

impl Strengths {
    /// No lever in force: each service's own online share and share of online
    /// cases verified remotely (`services`, one pair per service), no data
    /// connected among `departments`, each cross-trained pool at its learnt
    /// work-time factor (`pool_slowdown`), no case through any of the `halls`
    /// general halls' places, nothing else.
    pub fn neutral(
        services: impl Iterator<Item = (f64, f64)>,
        departments: usize,
        pool_slowdown: impl Iterator<Item = f64>,
        halls: usize,
    ) -> Strengths {
        let mut strengths = Strengths {
            one_window: Vec::new(),
            routing_delay: Vec::new(),
            hall_windows: Vec::new(),
            services: Vec::new(),
            sharing: 0.0,
            connected: Vec::new(),
            check_saved: 0,
            variance_reduction: 0.0,
            error_reduction: 0.0,
            transition: None,
            learning_speedup: 1.0,
            catch_share: 0.0,
            inspections: Vec::new(),
            due_date_priority: false,
            listening: Vec::new(),
            departments,
            pool_slowdown: Vec::new(),
        };
        strengths.reset(services, departments, pool_slowdown, halls);
        strengths
    }

    /// Puts every lever back where [`Strengths::neutral`] has it, in place: the
    /// strengths are rebuilt every morning, and a province's 20,000 services'
    /// records allocated anew each day cost more than the day's reforms (the
    /// pages of the new allocation faulted in and cleared). A merger's
    /// `transition` is kept: it outlives its first day.
    pub fn reset(
        &mut self,
        services: impl Iterator<Item = (f64, f64)>,
        departments: usize,
        pool_slowdown: impl Iterator<Item = f64>,
        halls: usize,
    ) {
        // Every field named (no `..`): a new one cannot be left out of the reset.
        let Strengths {
            one_window,
            routing_delay,
            hall_windows,
            services: per_service,
            sharing,
            connected,
            check_saved,
            variance_reduction,
            error_reduction,
            transition: _,
            learning_speedup,
            catch_share,
            inspections,
            due_date_priority,
            listening,
            departments: department_count,
            pool_slowdown: slowdown,
        } = self;
        fill(one_window, halls, 0.0);
        fill(routing_delay, halls, 0);
        fill(hall_windows, halls, 0);
        per_service.clear();
        per_service.extend(services.map(|(online, remote_identity)| ServiceStrengths {
            online,
            remote_identity,
            ..ServiceStrengths::default()
        }));
        *sharing = 0.0;
        fill(connected, departments, false);
        *check_saved = 0;
        *variance_reduction = 0.0;
        *error_reduction = 0.0;
        *learning_speedup = 1.0;
        *catch_share = 0.0;
        inspections.clear();
        *due_date_priority = false;
        listening.clear();
        *department_count = departments;
        slowdown.clear();
        slowdown.extend(pool_slowdown);
    }

    /// The listening that applicants of `service` complain through today, if any.
    #[inline]
    pub fn listening_of(&self, service: usize) -> Option<&super::online_listening::Listening> {
        // Without listening in force the per-service index is not read at all.
        if self.listening.is_empty() {
            return None;
        }
        self.services[service].complaints_via.map(|i| &self.listening[i as usize])
    }

    /// The inspections that notified cases of `service` get today, if any.
    #[inline]
    pub fn inspection_of(&self, service: usize) -> Option<&super::supervision::Inspection> {
        if self.inspections.is_empty() {
            return None;
        }
        self.services[service].inspected_by.map(|i| &self.inspections[i as usize])
    }
}

/// Makes `v` `len` copies of `value`, in its own buffer.
fn fill<T: Copy>(v: &mut Vec<T>, len: usize, value: T) {
    v.clear();
    v.resize(len, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn neutral() -> Strengths {
        Strengths::neutral([(0.3, 0.1), (0.0, 0.0)].into_iter(), 3, [1.2].into_iter(), 2)
    }

    #[test]
    fn a_reset_is_neutral_again() {
        // Yesterday's levers acted on every field: the morning's reset leaves
        // nothing of them (the transition aside, which outlives its first day).
        let mut s = neutral();
        s.one_window[1] = 0.8;
        s.routing_delay[0] = 60;
        s.hall_windows[1] = 4;
        s.services[0].integrated = 0.5;
        s.services[1].revised = true;
        s.services.push(ServiceStrengths::default());
        s.sharing = 0.7;
        s.connected[2] = true;
        s.check_saved = 9;
        s.variance_reduction = 0.2;
        s.error_reduction = 0.3;
        s.learning_speedup = 2.0;
        s.catch_share = 0.4;
        s.due_date_priority = true;
        s.departments = 7;
        s.pool_slowdown[0] = 1.0;
        s.reset([(0.3, 0.1), (0.0, 0.0)].into_iter(), 3, [1.2].into_iter(), 2);
        assert_eq!(format!("{s:?}"), format!("{:?}", neutral()));
    }
}
