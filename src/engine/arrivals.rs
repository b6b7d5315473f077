//! Arrival processes: Poisson with hour-of-day, day-of-week and month-of-year
//! profiles, generated exactly by inverting the integrated intensity.
//!
//! The intensity is piecewise constant by the hour, so the next arrival after `t`
//! is found by consuming a standard exponential amount of integrated intensity
//! hour by hour (Çinlar's inversion method). No thinning, no rounding to ticks.

use std::collections::HashMap;

use crate::scenario::{CalendarSpec, Model, Profile};
use crate::time::{DAY, HOUR, Micros};

/// A profile expanded over the simulated days.
#[derive(Clone, Debug)]
pub(crate) struct ProfileTable {
    /// Relative weight of each hour of the day.
    hour: [f64; 24],
    /// Relative weight of each day ([`Profile::day_weight`]).
    day: Vec<f64>,
    /// Sum of the weights of the first 365 days' hours: one year of intensity.
    year_weight: f64,
}

impl ProfileTable {
    /// Expands `profile` on `calendar` over `max(horizon, 365)` days from the model's start.
    pub(crate) fn new(model: &Model, profile: &Profile, calendar: &CalendarSpec) -> ProfileTable {
        let days = model.horizon_days.max(365) as i64;
        let day: Vec<f64> = (0..days).map(|d| profile.day_weight(calendar, model.start_date.plus_days(d))).collect();
        let hour_sum: f64 = profile.hour_of_day.iter().sum();
        let year_weight = day[..365].iter().sum::<f64>() * hour_sum;
        ProfileTable { hour: profile.hour_of_day, day, year_weight }
    }
}

/// The profile tables the services use (each profile on each calendar a service
/// with it is requested under, in order of first use) and each service's rate.
pub(crate) fn rates(model: &Model, service_calendar: &[u16]) -> (Vec<ProfileTable>, Vec<ArrivalRate>) {
    let mut index: HashMap<(u16, usize), usize> = HashMap::new();
    let mut tables = Vec::new();
    let mut rates = Vec::with_capacity(model.services.len());
    for (s, &k) in model.services.iter().zip(service_calendar) {
        let table = s.profile.map(|p| {
            *index.entry((k, p)).or_insert_with(|| {
                tables.push(ProfileTable::new(model, &model.profiles[p], model.calendar_spec(usize::from(k))));
                tables.len() - 1
            })
        });
        rates.push(ArrivalRate::new(s.volume_per_year, table, &tables));
    }
    (tables, rates)
}

/// How a service's arrivals are spread in time.
#[derive(Clone, Debug)]
pub(crate) enum ArrivalRate {
    /// A constant rate, arrivals per microsecond.
    Constant(f64),
    /// A profile, with arrivals per unit of hourly weight.
    Profiled {
        /// Index of the profile table.
        table: usize,
        /// Arrivals per (weight × hour).
        per_weight_hour: f64,
    },
}

impl ArrivalRate {
    /// The rate giving `volume_per_year` arrivals in a year.
    pub(crate) fn new(volume_per_year: f64, profile: Option<usize>, tables: &[ProfileTable]) -> ArrivalRate {
        match profile {
            None => ArrivalRate::Constant(volume_per_year / (365.0 * DAY as f64)),
            Some(p) => ArrivalRate::Profiled {
                table: p,
                per_weight_hour: volume_per_year / tables[p].year_weight.max(f64::MIN_POSITIVE),
            },
        }
    }

    /// The next arrival after `t`, given a standard exponential draw `e`; `None`
    /// if it falls at or after `horizon`.
    pub(crate) fn next(&self, t: Micros, e: f64, horizon: Micros, tables: &[ProfileTable]) -> Option<Micros> {
        match *self {
            ArrivalRate::Constant(rate) => {
                let next = t as f64 + e / rate;
                (next < horizon as f64).then_some(next as Micros)
            }
            ArrivalRate::Profiled { table, per_weight_hour } => {
                let table = &tables[table];
                let mut need = e / per_weight_hour; // in weight-hours
                let mut hour = t / HOUR;
                let mut into_hour = t % HOUR;
                loop {
                    let start = hour * HOUR;
                    if start >= horizon {
                        return None;
                    }
                    let day = (hour / 24) as usize;
                    let day_weight = table.day.get(day).copied().unwrap_or(0.0);
                    if day_weight == 0.0 {
                        hour = (day as u64 + 1) * 24;
                        into_hour = 0;
                        continue;
                    }
                    let w = day_weight * table.hour[(hour % 24) as usize];
                    if w > 0.0 {
                        let left = (HOUR - into_hour) as f64 / HOUR as f64;
                        if need <= w * left {
                            let at = start + into_hour + (need / w * HOUR as f64) as Micros;
                            return (at < horizon).then_some(at);
                        }
                        need -= w * left;
                    }
                    hour += 1;
                    into_hour = 0;
                    if hour * HOUR >= horizon.max(DAY) + DAY * 366 {
                        return None;
                    }
                }
            }
        }
    }
}
