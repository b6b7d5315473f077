//! Arrival processes: Poisson with hour-of-day, day-of-week and month-of-year
//! profiles, generated exactly by inverting the integrated intensity.
//!
//! The intensity is piecewise constant by the hour, so the next arrival after `t`
//! is found by consuming a standard exponential amount of integrated intensity
//! hour by hour (Çinlar's inversion method). No thinning, no rounding to ticks.

use std::collections::HashMap;

use crate::scenario::{CalendarSpec, Model, Profile};
use crate::time::{DAY, HOUR, Micros, run_time_f64};

/// A profile expanded over the simulated days.
#[derive(Clone, Debug)]
pub(crate) struct ProfileTable {
    /// Relative weight of each hour of the day.
    hour: [f64; 24],
    /// Relative weight of each day ([`Profile::day_weight`]).
    day: Vec<f64>,
    /// Sum of the weights of the first 365 days' hours: one year of intensity.
    year_weight: f64,
    /// Per hour of the day, the first hour from it on whose weight is not zero
    /// (24: none is left that day): the search for an arrival steps over a
    /// night at once, where it went hour by hour (at a province's scale, where
    /// a service's arrivals are hours apart, about 50 instructions an event).
    next_weighted: [u8; 24],
}

impl ProfileTable {
    /// Expands `profile` on `calendar` over `max(horizon, 365)` days from the model's start.
    pub(crate) fn new(model: &Model, profile: &Profile, calendar: &CalendarSpec) -> ProfileTable {
        let days = model.horizon_days.max(365) as i64;
        let day: Vec<f64> = (0..days).map(|d| profile.day_weight(calendar, model.start_date.plus_days(d))).collect();
        ProfileTable::from_weights(profile.hour_of_day, day)
    }

    /// The table of hour-of-day weights `hour` and day weights `day` (at least 365).
    fn from_weights(hour: [f64; 24], day: Vec<f64>) -> ProfileTable {
        let year_weight = day[..365].iter().sum::<f64>() * hour.iter().sum::<f64>();
        let mut next_weighted = [24u8; 24];
        for h in (0..24).rev() {
            next_weighted[h] = if hour[h] != 0.0 { h as u8 } else { next_weighted.get(h + 1).copied().unwrap_or(24) };
        }
        ProfileTable { hour, day, year_weight, next_weighted }
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
                // Within the run (below `horizon`), the conversions through a
                // signed integer are the plain ones (see `run_time_f64`).
                let next = run_time_f64(t) + e / rate;
                (next < run_time_f64(horizon)).then_some(next as i64 as Micros)
            }
            ArrivalRate::Profiled { table, per_weight_hour } => {
                let table = &tables[table];
                let mut need = e / per_weight_hour; // in weight-hours
                let mut hour = t / HOUR;
                let mut into_hour = t % HOUR;
                let end = horizon.max(DAY) + DAY * 366;
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
                    let of_day = (hour % 24) as usize;
                    let weighted = usize::from(table.next_weighted[of_day]);
                    if weighted != of_day {
                        // Hours of no weight consume nothing: stepped over together,
                        // the same arrival as one by one (both ends only grow).
                        hour = day as u64 * 24 + weighted as u64;
                        into_hour = 0;
                        if hour * HOUR >= end {
                            return None;
                        }
                        continue;
                    }
                    let w = day_weight * table.hour[of_day];
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
                    if hour * HOUR >= end {
                        return None;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search as it was, hour by hour through the closed hours too.
    fn hour_by_hour(table: &ProfileTable, per_weight_hour: f64, t: Micros, e: f64, horizon: Micros) -> Option<Micros> {
        let mut need = e / per_weight_hour;
        let (mut hour, mut into_hour) = (t / HOUR, t % HOUR);
        loop {
            let start = hour * HOUR;
            if start >= horizon {
                return None;
            }
            let day = (hour / 24) as usize;
            let day_weight = table.day.get(day).copied().unwrap_or(0.0);
            if day_weight == 0.0 {
                (hour, into_hour) = ((day as u64 + 1) * 24, 0);
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
            (hour, into_hour) = (hour + 1, 0);
            if hour * HOUR >= horizon.max(DAY) + DAY * 366 {
                return None;
            }
        }
    }

    #[test]
    fn stepping_over_closed_hours_finds_the_arrivals_hour_by_hour_found() {
        // Office hours with a lunch break, weekends and a holiday closed.
        let mut hour = [0.0; 24];
        for (h, w) in [(8, 0.5), (9, 1.0), (10, 1.4), (11, 1.2), (13, 0.5), (14, 1.1), (15, 1.3), (16, 0.9), (17, 0.4)]
        {
            hour[h] = w;
        }
        let day: Vec<f64> =
            (0..400).map(|d| if d % 7 >= 5 || d == 30 { 0.0 } else { 1.0 + (d % 3) as f64 / 10.0 }).collect();
        let table = ProfileTable::from_weights(hour, day);
        let tables = [table];
        let horizon = 200 * DAY;
        let mut r = 0x9E37_79B9_7F4A_7C15u64;
        for k in 0..20_000 {
            r = r.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let t = (r >> 20) % (210 * DAY);
            let e = -((r >> 11) as f64 / (1u64 << 53) as f64).max(1e-300).ln();
            // From several arrivals an hour to one every few weeks.
            let per_weight_hour = [20.0, 1.0, 0.05, 0.002][k % 4];
            let rate = ArrivalRate::Profiled { table: 0, per_weight_hour };
            assert_eq!(
                rate.next(t, e, horizon, &tables),
                hour_by_hour(&tables[0], per_weight_hour, t, e, horizon),
                "t {t}, e {e}, rate {per_weight_hour}"
            );
        }
    }
}
