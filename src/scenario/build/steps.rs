//! The steps of a service: the function and department doing each, its work,
//! the steps it comes after (as written and under a revised regulation), the
//! documents it checks, and where it may send a case back.

use std::collections::HashMap;

use super::staff::Stations;
use crate::scenario::checks::{Checker, check_minutes, probability};
use crate::scenario::model::{
    DepartmentId, DivisionId, DocumentCheck, DocumentId, FunctionId, Precedence, PreparedMinutes, Step,
};
use crate::scenario::raw::{RawSendBack, RawStep};
use crate::scenario::sources::Needle::{Field, Named, Quoted};
use crate::time::from_minutes;

/// What a service's steps may name: functions, documents and arrival profiles.
pub(super) struct ServiceContext<'a> {
    pub function_ids: &'a HashMap<String, FunctionId>,
    pub function_names: &'a [&'a str],
    pub function_department: &'a [DepartmentId],
    pub function_division: &'a [DivisionId],
    pub document_ids: &'a HashMap<String, DocumentId>,
    pub document_names: &'a [&'a str],
    pub profile_names: &'a [String],
    /// The run's length (0 when missing, which is reported elsewhere): a
    /// service's volume is held to the limit over it.
    pub horizon_days: u32,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn build_step(
    c: &mut Checker,
    service: &str,
    i: usize,
    step: &RawStep,
    index: &HashMap<&str, usize>,
    step_names: &[&str],
    cx: &ServiceContext,
    checks: &mut Vec<DocumentCheck>,
    stations: &mut Stations,
) -> Option<Step> {
    let origin = step.origin.as_ref();
    let function = match cx.function_ids.get(step.function.as_str()) {
        Some(&f) => Some(f),
        None => {
            let place = [Named("name", service), Named("name", &step.name), Named("function", &step.function)];
            c.unknown_at(origin, &place, "function", "function", &step.function, cx.function_names);
            None
        }
    };
    let at = |field| [Named("name", service), Named("name", &step.name), Field(field)];
    let work = format!("work of step `{}` in `{service}`", step.name);
    check_minutes(c, origin, &at("work"), "work", &work, &step.work);
    let after: Vec<&str> = match &step.after {
        Some(list) => list.iter().map(String::as_str).collect(),
        None if i > 0 => vec![step_names[i - 1]],
        None => Vec::new(),
    };
    let revised: Vec<&str> = match &step.after_when_revised {
        Some(list) => list.iter().map(String::as_str).collect(),
        None => after.clone(),
    };
    let mut predecessors = [0u64; 2];
    for (which, name) in after.into_iter().map(|n| (0, n)).chain(revised.into_iter().map(|n| (1, n))) {
        // Without its own `after_when_revised`, the revised list repeats `after`,
        // whose problems are reported once.
        let field = if which == 0 { "after" } else { "after_when_revised" };
        let report = which == 0 || step.after_when_revised.is_some();
        let place = [Named("name", service), Named("name", &step.name), Field(field), Quoted(name)];
        match index.get(name) {
            Some(&p) if p < i => predecessors[which] |= 1 << p,
            Some(_) if report => c.at(
                origin,
                &place,
                field,
                format!(
                    "step `{}` of `{service}` comes after `{name}`, which is listed later or is the step itself: list steps in process order (this also rules out precedence cycles)",
                    step.name
                ),
            ),
            None if report => c.unknown_at(
                origin,
                &place,
                field,
                &format!("step (in `{field}` of `{}` in `{service}`)", step.name),
                name,
                step_names,
            ),
            _ => {}
        }
    }
    let first_check = checks.len();
    for (n, r) in step.documents.iter().enumerate() {
        let place = [Named("name", service), Named("name", &step.name), Named("document", &r.document)];
        let what = format!("missing_probability of `{}` at step `{}`", r.document, step.name);
        let at_probability = [place[0], place[1], place[2], Field("missing_probability")];
        probability(c, origin, &at_probability, "documents", &what, r.missing_probability);
        if step.documents[..n].iter().any(|earlier| earlier.document == r.document) {
            let second = [place[0], place[1], place[2], Named("document", &r.document)];
            let message = format!("step `{}` of `{service}` checks document `{}` twice", step.name, r.document);
            c.at(origin, &second, "documents", message);
        }
        match cx.document_ids.get(&r.document) {
            Some(&document) => checks.push(DocumentCheck { document, missing_probability: r.missing_probability }),
            None => c.unknown_at(origin, &place, "documents", "document", &r.document, cx.document_names),
        }
    }
    let send_back = step.send_back.as_ref().and_then(|sb| send_back(c, service, i, step, sb, index, step_names));
    let at_refusal = [Named("name", service), Named("name", &step.name), Field("refusal_probability")];
    let what = format!("refusal_probability of `{}` in `{service}`", step.name);
    probability(c, origin, &at_refusal, "refusal_probability", &what, step.refusal_probability);
    let function = function?;
    let department = cx.function_department.get(function).copied().filter(|&d| d != usize::MAX)?;
    let division = cx.function_division.get(function).copied().filter(|&d| d != usize::MAX)?;
    Some(Step {
        name: step.name.clone(),
        function,
        department,
        division,
        role: step.role,
        work: step.work.clone(),
        work_prepared: PreparedMinutes::from(&step.work),
        in_person: step.in_person,
        personal: step.personal,
        mean_work: from_minutes(step.work.mean()),
        precedence: predecessors.map(|p| Precedence { predecessors: p, successors: 0, downstream: 0 }),
        checks: first_check..checks.len(),
        send_back,
        refusal_probability: step.refusal_probability,
        station: stations.station_for(division, step.role),
        level: step.level.unwrap_or_default(),
    })
}

/// Where a step sends a case back, and how likely: to this step or an earlier one.
fn send_back(
    c: &mut Checker,
    service: &str,
    i: usize,
    step: &RawStep,
    sb: &RawSendBack,
    index: &HashMap<&str, usize>,
    step_names: &[&str],
) -> Option<(usize, f64)> {
    let origin = step.origin.as_ref();
    let at = |field| [Named("name", service), Named("name", &step.name), Field(field)];
    let at_probability = [at("send_back")[0], at("send_back")[1], Field("send_back"), Field("probability")];
    let at_to = [at("send_back")[0], at("send_back")[1], Field("send_back"), Named("to", &sb.to)];
    let what = format!("send_back probability of `{}` in `{service}`", step.name);
    probability(c, origin, &at_probability, "send_back_probability", &what, sb.probability);
    if sb.probability == 1.0 {
        c.at(
            origin,
            &at_probability,
            "send_back_probability",
            format!(
                "{what} is 1: every case would go back to `{}` every time, a loop that never ends (use a probability below 1)",
                sb.to
            ),
        );
    } else if let Some(message) = crate::scenario::limits::send_back(&what, sb.probability) {
        c.at(origin, &at_probability, "send_back_probability", message);
    }
    match index.get(sb.to.as_str()) {
        Some(&t) if t <= i => Some((t, sb.probability)),
        Some(_) => {
            c.at(
                origin,
                &at_to,
                "send_back_to",
                format!(
                    "step `{}` sends back to `{}`, which comes later: a send-back goes to this step or an earlier one",
                    step.name, sb.to
                ),
            );
            None
        }
        None => {
            let kind = format!("step (in `send_back` of `{}`)", step.name);
            c.unknown_at(origin, &at_to, "send_back_to", &kind, &sb.to, step_names);
            None
        }
    }
}
