//! Simulated time: integer microseconds, civil dates and working calendars.
//!
//! Every event in reformsim happens at an exact instant, an integer number of
//! microseconds since midnight of the scenario's start date. Integer time gives a
//! total, platform-independent order of events (with the event sequence number as
//! the tie-break) and no drift from summing floating-point durations.

/// An instant or a duration of simulated time, in microseconds.
pub type Micros = u64;

/// Microseconds in one second.
pub const SECOND: Micros = 1_000_000;
/// Microseconds in one minute.
pub const MINUTE: Micros = 60 * SECOND;
/// Microseconds in one hour.
pub const HOUR: Micros = 60 * MINUTE;
/// Microseconds in one day.
pub const DAY: Micros = 24 * HOUR;

/// Converts minutes (as sampled from a distribution) to the nearest microsecond.
#[inline]
pub fn from_minutes(minutes: f64) -> Micros {
    // Adding one half and truncating rounds a non-negative number to nearest.
    (minutes.max(0.0) * MINUTE as f64 + 0.5) as Micros
}

/// [`from_minutes`] of a sampled duration (capped at ten years,
/// `engine::random::MAX_SAMPLE_MINUTES`): the same microseconds, truncated
/// through a signed integer. Below 2^63 µs (292,000 years) the two agree; the
/// unsigned conversion takes twice the instructions on x86-64. The hot path's.
#[inline]
pub fn from_sampled_minutes(minutes: f64) -> Micros {
    debug_assert!(minutes <= 1e11, "a sample of {minutes} minutes was not capped");
    (minutes.max(0.0) * MINUTE as f64 + 0.5) as i64 as Micros
}

/// `t as f64` for a time or duration of a run (below 2^63 µs, where the signed
/// conversion gives the same float in one instruction on x86-64, the unsigned
/// in six). The hot path's.
#[inline]
pub fn run_time_f64(t: Micros) -> f64 {
    debug_assert!(t < 1 << 63);
    t as i64 as f64
}

/// Converts hours to the nearest microsecond.
pub fn from_hours(hours: f64) -> Micros {
    (hours.max(0.0) * HOUR as f64).round() as Micros
}

/// Converts a duration to minutes.
pub fn to_minutes(t: Micros) -> f64 {
    t as f64 / MINUTE as f64
}

/// Converts a duration to hours.
pub fn to_hours(t: Micros) -> f64 {
    t as f64 / HOUR as f64
}

/// Converts a duration to days of 24 hours.
pub fn to_days(t: Micros) -> f64 {
    t as f64 / DAY as f64
}

/// A day of the week, Monday first (ISO 8601).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Index 0 (Monday) to 6 (Sunday).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A date of the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2017.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, 1 to 31.
    pub day: u32,
}

impl Date {
    /// Parses an ISO date `YYYY-MM-DD`, exactly (four, two and two digits, no
    /// spaces: `"2017-1-2"` or `" 2017-01-02"` is no date, as the format says);
    /// `None` if it is not a real date.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if (year.len(), month.len(), day.len()) != (4, 2, 2) {
            return None;
        }
        let (year, month, day): (i32, u32, u32) = (digits(year)?, digits(month)?, digits(day)?);
        if parts.next().is_some() || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) || !(1..=9999).contains(&year) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's `days_from_civil`
    /// algorithm (<https://howardhinnant.github.io/date_algorithms.html>).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (Hinnant's `civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `days` later.
    pub fn plus_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3).
        const DAYS: [Weekday; 7] =
            [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
        DAYS[(self.days_since_epoch() + 3).rem_euclid(7) as usize]
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A whole number written with digits only: Rust's own parsing also takes a
/// sign (`+8`), which no date or time is written with.
pub fn digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses a time of day `HH:MM` into microseconds after midnight (`24:00` allowed).
pub fn parse_time_of_day(text: &str) -> Option<Micros> {
    let (h, m) = text.trim().split_once(':')?;
    let h: u64 = digits(h)?;
    let m: u64 = digits(m)?;
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return None;
    }
    Some(h * HOUR + m * MINUTE)
}

/// When staff work and in-person applicants can be served.
///
/// Staff time is consumed only while the calendar is open: a three-hour review
/// started at 16:30 on a Friday finishes on Monday morning.
#[derive(Clone, Debug)]
pub enum Calendar {
    /// Open every instant (the calendar of queueing-theory validation runs).
    AllDay,
    /// Opening hours on working days.
    Working(WorkingCalendar),
}

/// Opening hours on working days, precomputed for a range of days.
#[derive(Clone, Debug)]
pub struct WorkingCalendar {
    /// Open intervals within a day, microseconds after midnight, sorted, disjoint.
    intervals: Vec<(Micros, Micros)>,
    /// Open time in one working day.
    open_per_day: Micros,
    /// Whether each day (from the start date) is a working day.
    working: Vec<bool>,
    /// Number of working days strictly before each day, one extra entry at the end.
    ordinal: Vec<u32>,
    /// The day of each working day in the precomputed range, by number (the
    /// inverse of `ordinal`: a due date is looked up at every arrival).
    day_of: Vec<u32>,
    /// Working weekdays, used past the end of the precomputed range.
    weekdays: [bool; 7],
    /// Weekday index of day 0.
    first_weekday: usize,
}

impl WorkingCalendar {
    /// Builds a calendar for `days` days from `start`, closed on `holidays` and
    /// open on `make_up` days (weekend days worked, 调休上班), given as
    /// `(holidays, make_up)`; days past that range follow the weekday pattern alone.
    pub fn new(
        start: Date,
        days: u32,
        intervals: Vec<(Micros, Micros)>,
        weekdays: [bool; 7],
        (holidays, make_up): (&[Date], &[Date]),
    ) -> WorkingCalendar {
        let first_weekday = start.weekday().index();
        let start_day = start.days_since_epoch();
        let offsets = |dates: &[Date]| -> Vec<i64> { dates.iter().map(|d| d.days_since_epoch() - start_day).collect() };
        let (holiday_days, make_up_days) = (offsets(holidays), offsets(make_up));
        let working: Vec<bool> = (0..i64::from(days))
            .map(|d| {
                make_up_days.contains(&d) || (weekdays[(first_weekday + d as usize) % 7] && !holiday_days.contains(&d))
            })
            .collect();
        let mut ordinal = Vec::with_capacity(working.len() + 1);
        let mut count = 0u32;
        for &w in &working {
            ordinal.push(count);
            count += u32::from(w);
        }
        ordinal.push(count);
        let day_of = (0..days).filter(|&d| working[d as usize]).collect();
        let open_per_day = intervals.iter().map(|(s, e)| e - s).sum();
        WorkingCalendar { intervals, open_per_day, working, ordinal, day_of, weekdays, first_weekday }
    }

    /// Whether `day` (counted from the start date) is a working day.
    #[inline]
    pub fn is_working_day(&self, day: u64) -> bool {
        match self.working.get(day as usize) {
            Some(&w) => w,
            None => self.weekdays[(self.first_weekday + day as usize) % 7],
        }
    }

    /// Working days strictly before `day`.
    #[inline]
    pub fn working_days_before(&self, day: u64) -> u64 {
        match self.ordinal.get(day as usize) {
            Some(&n) => u64::from(n),
            None => {
                // Past the range, whole weeks of the weekday pattern, then the days left.
                let (last, base) = self.range_end();
                let days = day - last;
                let rest = (0..days % 7).filter(|&d| self.is_working_day(last + days / 7 * 7 + d)).count() as u64;
                base + days / 7 * self.working_per_week() + rest
            }
        }
    }

    /// The first day past the precomputed range, and the working days before it.
    #[inline]
    fn range_end(&self) -> (u64, u64) {
        let last = self.ordinal.len() - 1;
        (last as u64, u64::from(self.ordinal[last]))
    }

    /// Working days in a week of the weekday pattern (at least one: a calendar
    /// that is never open is refused when the scenario is read).
    fn working_per_week(&self) -> u64 {
        self.weekdays.iter().filter(|&&w| w).count() as u64
    }

    /// Open time in one working day.
    pub fn open_per_day(&self) -> Micros {
        self.open_per_day
    }

    /// The day of working day number `n` (counted from 0, as
    /// [`WorkingCalendar::working_days_before`] counts them).
    #[inline]
    pub fn day_of_working_day(&self, n: u64) -> u64 {
        if let Some(&day) = self.day_of.get(n as usize) {
            return u64::from(day);
        }
        // Past the range: whole weeks of the weekday pattern, then at most a week's days.
        let (last, base) = self.range_end();
        let per_week = self.working_per_week().max(1);
        let mut left = n - base;
        let mut day = last + left / per_week * 7;
        left %= per_week;
        loop {
            if self.is_working_day(day) {
                if left == 0 {
                    return day;
                }
                left -= 1;
            }
            day += 1;
        }
    }

    /// The instant at which `work` of open time, started at `t`, is done.
    pub fn add_working(&self, t: Micros, work: Micros) -> Micros {
        if work == 0 {
            return t;
        }
        if work > 7 * self.open_per_day {
            return self.add_working_far(t, work);
        }
        self.add_working_day_by_day(t, work)
    }

    /// [`WorkingCalendar::add_working`] over more than a week of open time: the
    /// working day in which the open time since time zero reaches its target,
    /// from the working-day numbers, then the time of day. A walk day by day
    /// would take a day's steps for each day of a long delay (a year's delay on
    /// a calendar open an hour a day: 8,760 working days).
    fn add_working_far(&self, t: Micros, work: Micros) -> Micros {
        let target = self.open_time_until(t) + work;
        // Reached within working day n: n days' open time < target <= n + 1 days'.
        let n = (target - 1) / self.open_per_day;
        let mut left = target - n * self.open_per_day;
        let day = self.day_of_working_day(n);
        for &(s, e) in &self.intervals {
            if left <= e - s {
                return day * DAY + s + left;
            }
            left -= e - s;
        }
        unreachable!("a working day's intervals hold its open time")
    }

    /// [`WorkingCalendar::add_working`], walking the days one by one.
    fn add_working_day_by_day(&self, t: Micros, work: Micros) -> Micros {
        let mut day = t / DAY;
        let mut tod = t % DAY;
        let mut left = work;
        loop {
            if self.is_working_day(day) {
                for &(s, e) in &self.intervals {
                    if tod >= e {
                        continue;
                    }
                    let from = tod.max(s);
                    let avail = e - from;
                    if left <= avail {
                        return day * DAY + from + left;
                    }
                    left -= avail;
                    tod = e;
                }
            }
            day += 1;
            tod = 0;
        }
    }

    /// Open time elapsed from time zero to `t`.
    #[inline]
    pub fn open_time_until(&self, t: Micros) -> Micros {
        let day = t / DAY;
        let mut open = self.working_days_before(day) * self.open_per_day;
        if self.is_working_day(day) {
            open += self.open_today_until(t % DAY);
        }
        open
    }

    /// Open time between `a` and `b` (`a <= b`).
    pub fn open_time_between(&self, a: Micros, b: Micros) -> Micros {
        if a / DAY == b / DAY && a <= b {
            // Within one day (most waits): the working days before it cancel out.
            return if self.is_working_day(a / DAY) {
                self.open_today_until(b % DAY) - self.open_today_until(a % DAY)
            } else {
                0
            };
        }
        self.open_time_until(b).saturating_sub(self.open_time_until(a))
    }

    /// Open time of a working day from midnight to time of day `tod`.
    #[inline]
    fn open_today_until(&self, tod: Micros) -> Micros {
        self.intervals.iter().map(|&(s, e)| tod.min(e).saturating_sub(s)).sum()
    }

    /// Open intervals within a working day.
    pub fn intervals(&self) -> &[(Micros, Micros)] {
        &self.intervals
    }
}

impl Calendar {
    /// The instant at which `work` of staff time, started at `t`, is done.
    #[inline]
    pub fn add_working(&self, t: Micros, work: Micros) -> Micros {
        match self {
            Calendar::AllDay => t + work,
            Calendar::Working(cal) => cal.add_working(t, work),
        }
    }

    /// Open time elapsed from time zero to `t`.
    #[inline]
    pub fn open_time_until(&self, t: Micros) -> Micros {
        match self {
            Calendar::AllDay => t,
            Calendar::Working(cal) => cal.open_time_until(t),
        }
    }

    /// Open time between `a` and `b` (`a <= b`).
    #[inline]
    pub fn open_time_between(&self, a: Micros, b: Micros) -> Micros {
        match self {
            Calendar::AllDay => b.saturating_sub(a),
            Calendar::Working(cal) => cal.open_time_between(a, b),
        }
    }

    /// Whether in-person service can start at `t`.
    #[inline]
    pub fn is_open(&self, t: Micros) -> bool {
        self.open_span(t).is_some()
    }

    /// The open interval holding `t`, as absolute instants `[from, to)`: the
    /// whole time line for [`Calendar::AllDay`]; `None` while closed. Within it,
    /// `t` is open, work started at `t` ending by `to` ends at `t + work`, and
    /// the open time between two of its instants is their difference.
    pub fn open_span(&self, t: Micros) -> Option<(Micros, Micros)> {
        match self {
            Calendar::AllDay => Some((0, Micros::MAX)),
            Calendar::Working(cal) => {
                let day = t / DAY;
                let tod = t % DAY;
                if !cal.is_working_day(day) {
                    return None;
                }
                let &(s, e) = cal.intervals.iter().find(|&&(s, e)| tod >= s && tod < e)?;
                Some((day * DAY + s, day * DAY + e))
            }
        }
    }

    /// The next instant at or after `t` at which the calendar is open.
    pub fn next_open(&self, t: Micros) -> Micros {
        match self {
            Calendar::AllDay => t,
            Calendar::Working(cal) => {
                let mut day = t / DAY;
                let mut tod = t % DAY;
                loop {
                    if cal.is_working_day(day) {
                        for &(s, e) in &cal.intervals {
                            if tod < e {
                                return day * DAY + tod.max(s);
                            }
                        }
                    }
                    day += 1;
                    tod = 0;
                }
            }
        }
    }

    /// The working-day number of the day holding `t` (working days before it).
    #[inline]
    pub fn working_day_number(&self, t: Micros) -> u64 {
        match self {
            Calendar::AllDay => t / DAY,
            Calendar::Working(cal) => cal.working_days_before(t / DAY),
        }
    }

    /// The day of working day number `n`: the inverse of
    /// [`Calendar::working_day_number`] on working days, so that a due date counted
    /// in one calendar's working days compares with one counted in another's.
    #[inline]
    pub fn day_of_working_day(&self, n: u64) -> u64 {
        match self {
            Calendar::AllDay => n,
            Calendar::Working(cal) => cal.day_of_working_day(n),
        }
    }

    /// Open time in one working day (24 hours for [`Calendar::AllDay`]).
    pub fn open_per_day(&self) -> Micros {
        match self {
            Calendar::AllDay => DAY,
            Calendar::Working(cal) => cal.open_per_day,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hot_paths_conversions_agree_with_the_plain_ones_in_their_domain() {
        let cap = crate::engine::random::MAX_SAMPLE_MINUTES;
        for minutes in [0.0, -0.0, -1.0, 0.25, 1.5, f64::NAN, cap] {
            assert_eq!(from_sampled_minutes(minutes), from_minutes(minutes), "{minutes}");
        }
        let mut r = 0x9E37_79B9_7F4A_7C15u64;
        for k in 0..100_000 {
            r = r.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let minutes = (r >> 11) as f64 / (1u64 << 53) as f64 * cap * [1e-6, 1e-3, 1.0][k % 3];
            assert_eq!(from_sampled_minutes(minutes), from_minutes(minutes), "{minutes}");
            let t = r >> (1 + k % 63);
            assert_eq!(run_time_f64(t).to_bits(), (t as f64).to_bits(), "{t}");
        }
    }

    fn office() -> Calendar {
        let start = Date::parse("2017-01-02").expect("valid date"); // a Monday
        let intervals = vec![(8 * HOUR + 30 * MINUTE, 12 * HOUR), (13 * HOUR + 30 * MINUTE, 17 * HOUR + 30 * MINUTE)];
        let holidays = [Date::parse("2017-01-04").expect("valid date")];
        let make_up = [Date::parse("2017-01-14").expect("valid date")]; // a Saturday
        Calendar::Working(WorkingCalendar::new(
            start,
            30,
            intervals,
            [true, true, true, true, true, false, false],
            (&holidays, &make_up),
        ))
    }

    #[test]
    fn civil_dates_round_trip() {
        for days in [-800_000i64, -1, 0, 1, 17_167, 20_000, 2_000_000] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(Date::parse("2017-01-02").expect("valid").weekday(), Weekday::Mon);
        assert_eq!(Date::parse("2024-02-29").expect("valid").plus_days(1).to_string(), "2024-03-01");
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-13-01").is_none());
        for signed in ["+2017-01-02", "2017-+1-02", "2017-01-+2"] {
            assert!(Date::parse(signed).is_none(), "{signed}");
        }
        // Only the documented form: four, two and two digits, nothing around them.
        for loose in ["2017-1-02", "2017-01-2", " 2017-01-02", "2017-01-02 ", "17-01-02", "02017-01-02"] {
            assert!(Date::parse(loose).is_none(), "{loose:?}");
        }
        assert_eq!(Date::parse("0001-01-01").expect("valid").to_string(), "0001-01-01");
        assert_eq!(parse_time_of_day("08:30"), Some(8 * HOUR + 30 * MINUTE));
        assert!(parse_time_of_day("+8:30").is_none() && parse_time_of_day("08:+30").is_none());
    }

    #[test]
    fn work_pauses_outside_opening_hours_and_on_holidays() {
        let cal = office();
        // Monday 16:30 plus 3 hours of work: 1 h on Monday, then Tuesday 08:30 + 2 h.
        let t = 16 * HOUR + 30 * MINUTE;
        assert_eq!(cal.add_working(t, 3 * HOUR), DAY + 10 * HOUR + 30 * MINUTE);
        // Tuesday 17:00 plus 1 hour: Wednesday is a holiday, so Thursday 09:00.
        assert_eq!(cal.add_working(DAY + 17 * HOUR, HOUR), 3 * DAY + 9 * HOUR);
        // Friday 17:00 plus 1 hour: Monday 09:00.
        assert_eq!(cal.add_working(4 * DAY + 17 * HOUR, HOUR), 7 * DAY + 9 * HOUR);
        // The lunch break is skipped.
        assert_eq!(cal.add_working(11 * HOUR + 30 * MINUTE, HOUR), 14 * HOUR);
    }

    #[test]
    fn open_time_is_consistent_with_adding_work() {
        let cal = office();
        let mut t = 5 * HOUR;
        for work in [MINUTE, 3 * HOUR, 7 * HOUR, 20 * HOUR, 90 * MINUTE] {
            let end = cal.add_working(t, work);
            assert_eq!(cal.open_time_between(t, end), work);
            t = end;
        }
        assert_eq!(cal.working_day_number(3 * DAY + HOUR), 2);
        assert!(!cal.is_open(12 * HOUR + 30 * MINUTE));
        assert_eq!(cal.next_open(12 * HOUR + 30 * MINUTE), 13 * HOUR + 30 * MINUTE);
        assert_eq!(cal.next_open(5 * DAY), 7 * DAY + 8 * HOUR + 30 * MINUTE);
    }

    #[test]
    fn open_time_within_a_day_is_the_difference_of_open_times_until() {
        // The same-day shortcut against the general formula, on working days, the
        // holiday, a weekend and a make-up Saturday, across both intervals' edges.
        let cal = office();
        let Calendar::Working(working) = &cal else { unreachable!("the office keeps hours") };
        let intervals = working.intervals().to_vec();
        let step = 15 * MINUTE;
        for day in [0, 2, 5, 12] {
            for i in 0..(DAY / step) {
                for j in i..(DAY / step) {
                    let (a, b) = (day * DAY + i * step + 7, day * DAY + j * step);
                    let (a, b) = (a.min(b), b);
                    let general = cal.open_time_until(b).saturating_sub(cal.open_time_until(a));
                    let (ta, tb) = (a % DAY, b % DAY);
                    let overlap: Micros = intervals.iter().map(|&(s, e)| tb.min(e).saturating_sub(ta.max(s))).sum();
                    let expected =
                        if cal.working_day_number(a) < cal.working_day_number(a + DAY) { overlap } else { 0 };
                    assert_eq!(cal.open_time_between(a, b), general, "day {day}, {a} to {b}");
                    assert_eq!(general, expected, "day {day}, {a} to {b}");
                }
            }
        }
        assert_eq!(cal.open_time_between(9 * HOUR, 16 * HOUR), 5 * HOUR + 30 * MINUTE);
        assert_eq!(cal.open_time_between(2 * DAY + 9 * HOUR, 2 * DAY + 10 * HOUR), 0);
    }

    #[test]
    fn a_make_up_saturday_is_worked() {
        let cal = office();
        // Friday 13 January 17:00 plus 1 hour: Saturday 14 is a make-up day, 09:00.
        assert_eq!(cal.add_working(11 * DAY + 17 * HOUR, HOUR), 12 * DAY + 9 * HOUR);
        assert!(cal.is_open(12 * DAY + 9 * HOUR));
        assert!(!cal.is_open(13 * DAY + 9 * HOUR));
        assert_eq!(cal.working_day_number(13 * DAY), cal.working_day_number(12 * DAY) + 1);
    }

    #[test]
    fn a_working_day_number_maps_back_to_its_day() {
        let cal = office();
        // Within the precomputed 30 days and past them (the weekday pattern alone).
        for day in 0..120 {
            let is_working = match &cal {
                Calendar::Working(w) => w.is_working_day(day),
                Calendar::AllDay => true,
            };
            if is_working {
                assert_eq!(cal.day_of_working_day(cal.working_day_number(day * DAY)), day, "day {day}");
            }
        }
        // Wednesday 4 January is a holiday: working day 2 is Thursday 5.
        assert_eq!(cal.day_of_working_day(2), 3);
        assert_eq!(Calendar::AllDay.day_of_working_day(17), 17);
    }

    #[test]
    fn long_work_found_from_working_day_numbers_ends_where_the_walk_ends() {
        let Calendar::Working(cal) = office() else { unreachable!() };
        let open = cal.open_per_day();
        // Starts on every half hour of three weeks (holiday, make-up Saturday, closed
        // hours), works from a minute to half a year of open time, across the range's end.
        for start in (0..21 * DAY).step_by((30 * MINUTE) as usize) {
            for work in [MINUTE, open - 1, open, open + 1, 7 * open, 7 * open + 1, 9 * open + 37 * MINUTE, 130 * open] {
                let walked = cal.add_working_day_by_day(start, work);
                assert_eq!(cal.add_working_far(start, work), walked, "start {start}, work {work}");
                assert_eq!(cal.add_working(start, work), walked, "start {start}, work {work}");
                assert_eq!(cal.open_time_between(start, walked), work);
            }
        }
    }

    #[test]
    fn past_the_range_working_days_follow_the_weekday_pattern_in_constant_time() {
        let Calendar::Working(cal) = office() else { unreachable!() };
        // Counted day by day against the closed forms, across many weeks past the 30 days.
        let mut before = cal.working_days_before(30);
        for day in 30..400 {
            assert_eq!(cal.working_days_before(day), before, "day {day}");
            if cal.is_working_day(day) {
                assert_eq!(cal.day_of_working_day(before), day, "working day {before}");
                before += 1;
            }
        }
        // A due date centuries ahead is found at once (it was a walk, day by day, at every arrival).
        let far = 50_000 * 7;
        let n = cal.working_days_before(far);
        assert_eq!(n, cal.working_days_before(28) + (far - 28) / 7 * 5);
        assert_eq!(cal.day_of_working_day(n), far, "day {far} is a Monday, a working day");
    }
}
