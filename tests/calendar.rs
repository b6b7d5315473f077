//! Calendars for every year: the shipped multi-year county scenario lists the
//! State Council holidays and make-up working days of each simulated year, so a
//! later year gets no more arrivals than 2017.

use crate::common::{run, shipped};

/// Arrivals and open days (days with arrivals) per calendar year, from the daily rows.
fn per_year(daily: &[reformsim::engine::DailyRow]) -> Vec<(i32, u64, u32)> {
    let mut out: Vec<(i32, u64, u32)> = Vec::new();
    for row in daily {
        if out.last().is_none_or(|y| y.0 != row.date.year) {
            out.push((row.date.year, 0, 0));
        }
        let year = out.last_mut().expect("pushed above");
        year.1 += row.arrived;
        year.2 += u32::from(row.arrived > 0);
    }
    out
}

#[test]
fn one_trip_reform_arrivals_per_year_and_per_open_day_match_2017() {
    let model = shipped("one-trip-reform.ron");
    let outputs = run(&model, 1, 1);
    let years = per_year(&outputs[0].daily);
    // Open days from the notices: weekdays less weekday holidays, plus make-up days
    // (2017 counted from Monday 2 January, itself a holiday).
    let open: Vec<u32> = years.iter().map(|y| y.2).collect();
    assert_eq!(open, [249, 250, 250], "open days per year: {years:?}");
    let (_, base, base_days) = years[0];
    let base_per_day = base as f64 / f64::from(base_days);
    for &(year, arrived, days) in &years[1..] {
        let per_day = arrived as f64 / f64::from(days);
        eprintln!(
            "{year}: {arrived} arrivals ({:+.2}% on 2017), {days} open days, {per_day:.1} a day ({:+.2}%)",
            (arrived as f64 / base as f64 - 1.0) * 100.0,
            (per_day / base_per_day - 1.0) * 100.0
        );
        assert!((arrived as f64 / base as f64 - 1.0).abs() < 0.03, "{year}: {arrived} arrivals, 2017 {base}");
        assert!((per_day / base_per_day - 1.0).abs() < 0.03, "{year}: {per_day:.1} a day, 2017 {base_per_day:.1}");
    }
    // A make-up Sunday (11 February 2018, for the Spring Festival) is open.
    let make_up = outputs[0].daily.iter().find(|r| r.date.to_string() == "2018-02-11").expect("in the horizon");
    assert!(make_up.arrived > 1000, "2018-02-11: {} arrivals", make_up.arrived);
}
