//! The open interval a calendar's last question fell in, kept to answer the next.
//!
//! Most questions the engine asks a calendar (is it open now? when does work
//! started now end? how long was the wait?) fall in the open interval the last
//! one fell in: a station keeps its calendar's ([`super::stations::StationState`]),
//! and [`super::Calendars`] one per calendar for the cases' own. A question
//! within it is answered from its two ends alone, without the day's intervals;
//! any other is the calendar's. The answers are the calendar's own either way.

use crate::time::{Calendar, Micros};

/// An open interval `[from, to)` of a calendar found by an earlier question
/// ([`Calendar::open_span`]): empty until then.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct OpenSpan {
    from: Micros,
    to: Micros,
}

impl OpenSpan {
    /// Whether `calendar` is open at `t` ([`Calendar::is_open`]). The calendar
    /// is looked up only when `t` is outside the interval.
    #[inline]
    pub(super) fn is_open<'c>(&mut self, t: Micros, calendar: impl FnOnce() -> &'c Calendar) -> bool {
        (self.from <= t && t < self.to) || self.find(calendar(), t)
    }

    /// When `work` of open time started at `t` is done ([`Calendar::add_working`]).
    #[inline]
    pub(super) fn add_working<'c>(
        &mut self,
        t: Micros,
        work: Micros,
        calendar: impl FnOnce() -> &'c Calendar,
    ) -> Micros {
        if self.from <= t && t.saturating_add(work) <= self.to {
            return t + work;
        }
        let calendar = calendar();
        self.find(calendar, t);
        calendar.add_working(t, work)
    }

    /// Open time between `a` and `b` ([`Calendar::open_time_between`]).
    #[inline]
    pub(super) fn open_time_between<'c>(self, a: Micros, b: Micros, calendar: impl FnOnce() -> &'c Calendar) -> Micros {
        if self.from <= a && a <= b && b <= self.to {
            return b - a;
        }
        calendar().open_time_between(a, b)
    }

    /// Keeps the open interval holding `t`, if `calendar` is open then.
    #[inline(never)]
    fn find(&mut self, calendar: &Calendar, t: Micros) -> bool {
        match calendar.open_span(t) {
            Some((from, to)) => {
                *self = OpenSpan { from, to };
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{DAY, Date, HOUR, MINUTE, WorkingCalendar};

    /// Open 9:00–12:00 and 13:30–17:00 on weekdays.
    fn office() -> Calendar {
        let start = Date::parse("2024-01-01").expect("a date");
        let intervals = vec![(9 * HOUR, 12 * HOUR), (13 * HOUR + 30 * MINUTE, 17 * HOUR)];
        let weekdays = [true, true, true, true, true, false, false];
        Calendar::Working(WorkingCalendar::new(start, 60, intervals, weekdays, (&[], &[])))
    }

    #[test]
    fn every_answer_is_the_calendars_own_whatever_was_asked_before() {
        for calendar in [office(), Calendar::AllDay] {
            let mut span = OpenSpan::default();
            // A walk through two weeks in steps that land inside, at the ends of
            // and between open intervals, forwards and backwards.
            let mut t: Micros = 0;
            for i in 0..4000u64 {
                let step = [7 * MINUTE, 25 * MINUTE, HOUR + 30 * MINUTE, 3 * HOUR, 0][(i % 5) as usize];
                t = if i % 11 == 0 { t.saturating_sub(5 * HOUR) } else { (t + step) % (14 * DAY) };
                let work = [0, MINUTE, 30 * MINUTE, 3 * HOUR + 30 * MINUTE, 2 * DAY][(i % 5) as usize];
                let before = t.saturating_sub([0, MINUTE, 2 * HOUR, DAY][(i % 4) as usize]);
                assert_eq!(span.is_open(t, || &calendar), calendar.is_open(t), "open at {t}");
                assert_eq!(span.add_working(t, work, || &calendar), calendar.add_working(t, work), "{work} from {t}");
                let between = span.open_time_between(before, t, || &calendar);
                assert_eq!(between, calendar.open_time_between(before, t), "between {before} and {t}");
            }
        }
    }
}
