//! Shared step content: in a jurisdiction tree each county's services are copies
//! of the template's, equal in everything but where their steps are done. The hot
//! path reads a step's content (work time, precedence, roles, documents' places)
//! from one *proto* copy, which stays in the cache, and only the step's own
//! division and department from a small flat table. Without a tree every service
//! is its own proto. Reading equal values from another copy changes no output.

use super::super::prefetch;
use crate::scenario::{Model, Service, Step};

/// What the hot path reads of a service before its content, in one record, so
/// that at a province's scale (20,000 services) an arrival misses the cache once
/// for all of it rather than once per table. A case keeps a copy ([`Protos::head`]
/// at arrival), so its later events read it from the case record.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Head {
    /// The service whose step content this service's equals.
    pub proto: u32,
    /// The number (across services) of the service's first step.
    pub first_step: u32,
    /// The number (across services) of the service's first document check.
    pub first_check: u32,
    /// The place of the general hall of the jurisdiction where it is requested
    /// ([`Model::service_hall_slot`]).
    pub hall: u32,
    /// The calendar of that jurisdiction ([`Model::service_calendar`]).
    pub calendar: u16,
}

/// Per service its [`Head`]; per step (numbered across services) its own division,
/// department and, per department structure, station; per document check
/// (numbered across services) the department holding its document.
pub(super) struct Protos {
    heads: Vec<Head>,
    division: Vec<u32>,
    department: Vec<u32>,
    station: Vec<Vec<u32>>,
    holder: Vec<u32>,
    /// Per service, its steps that may refuse a case (a bit per step): an arrival
    /// draws for these alone, without reading every step's record. Read by proto,
    /// so that a province's arrivals share a few hundred entries.
    refusing: Vec<u64>,
    /// The protos' steps, one after another, and where each proto's begin: a
    /// step's record found from a small table rather than through its service's.
    steps: Vec<Step>,
    step_at: Vec<u32>,
}

impl Protos {
    pub(super) fn new(model: &Model) -> Self {
        let n = model.services.len();
        let mut first_step = Vec::with_capacity(n);
        let (mut division, mut department) = (Vec::new(), Vec::new());
        for service in &model.services {
            first_step.push(division.len() as u32);
            for step in &service.steps {
                division.push(step.division as u32);
                department.push(step.department as u32);
            }
        }
        let mut first_check = Vec::with_capacity(n);
        let mut holder = Vec::new();
        for service in &model.services {
            first_check.push(holder.len() as u32);
            holder.extend(service.checks.iter().map(|c| model.documents[c.document].held_by as u32));
        }
        let mut proto: Vec<u32> = (0..n as u32).collect();
        if !model.jurisdictions.is_empty() {
            // Copies share the template's name after the jurisdiction's prefix;
            // among those, the first with equal content is the proto.
            let mut seen: std::collections::HashMap<&str, Vec<(u32, Service)>> = std::collections::HashMap::new();
            for (i, service) in model.services.iter().enumerate() {
                let base = service.name.rsplit(" · ").next().unwrap_or(&service.name);
                let content = content(service);
                let group = seen.entry(base).or_default();
                // `PartialEq` (it was the `Debug` text, a second of the province's
                // setup): figures equal as numbers, which copies of one template,
                // built from the same text, are to the bit.
                proto[i] = match group.iter().find(|(_, other)| *other == content) {
                    Some(&(p, _)) => p,
                    None => {
                        group.push((i as u32, content));
                        i as u32
                    }
                };
            }
        }
        let station = model
            .structures
            .iter()
            .map(|structure| structure.step_station.iter().flatten().map(|&st| st as u32).collect())
            .collect();
        let heads = (0..n)
            .map(|i| Head {
                proto: proto[i],
                first_step: first_step[i],
                first_check: first_check[i],
                hall: model.service_hall_slot(i) as u32,
                calendar: model.service_calendar(i) as u16,
            })
            .collect();
        let refusing = model
            .services
            .iter()
            .map(|service| {
                let may_refuse = service.steps.iter().enumerate().filter(|(_, step)| step.refusal_probability > 0.0);
                may_refuse.fold(0, |bits, (s, _)| bits | 1 << s)
            })
            .collect();
        let mut steps = Vec::new();
        let mut step_at = vec![0u32; n];
        for (i, service) in model.services.iter().enumerate().filter(|&(i, _)| proto[i] == i as u32) {
            step_at[i] = steps.len() as u32;
            steps.extend(service.steps.iter().cloned());
        }
        for i in 0..n {
            step_at[i] = step_at[proto[i] as usize];
        }
        Protos { heads, division, department, station, holder, refusing, steps, step_at }
    }

    /// Step `s` of the service headed `head` (its proto's copy).
    #[inline]
    pub(super) fn step(&self, head: &Head, s: usize) -> &Step {
        &self.steps[self.step_at[head.proto as usize] as usize + s]
    }

    /// The steps of `service` (a proto) that may refuse a case, a bit per step.
    #[inline]
    pub(super) fn refusing(&self, service: usize) -> u64 {
        self.refusing[service]
    }

    /// The head of `service`.
    #[inline]
    pub(super) fn head(&self, service: usize) -> Head {
        self.heads[service]
    }

    /// The heads of the services, by service (for cache hints).
    #[inline]
    pub(super) fn heads(&self) -> &[Head] {
        &self.heads
    }

    /// The division that does step `s` of the service headed `head`.
    #[inline]
    pub(super) fn division(&self, head: &Head, s: usize) -> usize {
        self.division[head.first_step as usize + s] as usize
    }

    /// The station where step `s` of the service headed `head` is served under structure `k`.
    #[inline]
    pub(super) fn station(&self, k: usize, head: &Head, s: usize) -> usize {
        self.station[k][head.first_step as usize + s] as usize
    }

    /// Starts fetching where step `s` of the service headed `head` is done in structure `k`.
    #[inline]
    pub(super) fn prefetch_station(&self, k: usize, head: &Head, s: usize) {
        if let Some(table) = self.station.get(k) {
            prefetch::at(table, head.first_step as usize + s);
        }
    }

    /// The department holding the document of check `i` of the service headed `head` (its own copy's).
    #[inline]
    pub(super) fn holder(&self, head: &Head, i: usize) -> usize {
        self.holder[head.first_check as usize + i] as usize
    }

    /// The department (in the model's first structure) that does step `s` of
    /// the service headed `head`.
    #[inline]
    pub(super) fn department(&self, head: &Head, s: usize) -> usize {
        self.department[head.first_step as usize + s] as usize
    }
}

/// Everything about a service that the hot path may read from its proto: the
/// service with its name, volume, documents and its steps' names and places
/// blanked. Two services whose content is equal differ only in what is blanked.
fn content(service: &Service) -> Service {
    let mut s = service.clone();
    s.name.clear();
    s.volume_per_year = 0.0;
    for check in &mut s.checks {
        check.document = 0;
    }
    for step in &mut s.steps {
        step.name.clear();
        step.function = 0;
        step.department = 0;
        step.division = 0;
        step.station = 0;
    }
    s
}
