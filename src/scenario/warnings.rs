//! Warnings: scenarios that are legal but probably not what the planner meant.

use super::Model;
use crate::engine::random::mean_minutes;
use crate::time::HOUR;

/// Problems worth a look that do not stop a run.
pub fn warnings(model: &Model) -> Vec<String> {
    let mut out = Vec::new();
    let open_hours_per_year = match &model.calendar {
        super::CalendarSpec::AllDay => 365.0 * 24.0,
        super::CalendarSpec::Working { opening_hours, working_days, .. } => {
            let per_day: u64 = opening_hours.iter().map(|(s, e)| e - s).sum();
            let days = working_days.iter().filter(|&&d| d).count() as f64 * 52.0;
            days * per_day as f64 / HOUR as f64
        }
    };
    // Offered work per station against its capacity (first visits only; rework and
    // handoff effort come on top, so this is a lower bound on utilisation).
    let mut offered_hours = vec![0.0; model.stations.len()];
    for s in &model.services {
        for step in &s.steps {
            offered_hours[step.station] += s.volume_per_year * mean_minutes(&step.work) / 60.0;
        }
    }
    for (i, station) in model.stations.iter().enumerate() {
        let capacity = f64::from(station.servers) * open_hours_per_year;
        let load = offered_hours[i] / capacity;
        if load > 1.0 {
            let place =
                station.department.map_or("the general hall".to_string(), |d| model.departments[d].name.clone());
            out.push(format!(
                "{} {}s in {place} are offered {:.0}% of their working time: queues will grow without bound",
                station.servers,
                station.role.as_str(),
                load * 100.0
            ));
        }
    }
    out
}
