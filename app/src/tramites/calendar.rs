//! Working days: deadlines of the front desk count Monday to Friday, skipping public holidays (Ley 27444,
//! TUO art. 145: a time limit in days is in working days, counted from the day after). The calendar
//! holds the holidays the staff keep (national ones preloaded, see [`national_holidays`]); deadlines
//! are computed from it on every read, so a holiday added later moves every open deadline at once.

use std::collections::BTreeSet;
use time::{Date, Duration, Month, Weekday};

/// The days no deadline counts, besides weekends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
}

/// A stretch of a case's clock that does not count: from the day an observation was made to the day
/// it was answered (`None` while it is still open).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suspension {
    pub from: Date,
    pub to: Option<Date>,
}

impl Suspension {
    fn covers(&self, day: Date) -> bool {
        day > self.from && self.to.is_none_or(|to| day <= to)
    }
}

/// No walk looks further than this many calendar days (about eleven years): the longest procedure
/// limit is a few hundred working days.
const HORIZON: i64 = 4_000;

impl Calendar {
    pub fn new(holidays: impl IntoIterator<Item = Date>) -> Self {
        Self { holidays: holidays.into_iter().collect() }
    }

    pub fn is_holiday(&self, day: Date) -> bool {
        self.holidays.contains(&day)
    }

    pub fn is_working_day(&self, day: Date) -> bool {
        !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.is_holiday(day)
    }

    /// The `n`th working day after `from` (`from` itself when `n` is 0).
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        self.nth_counted_day(from, n, &[]).unwrap_or(from)
    }

    /// Working days `d` with `from < d <= to` outside every suspension.
    pub fn working_days_between(&self, from: Date, to: Date, suspensions: &[Suspension]) -> u32 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day.next_day().expect("a date before the end of time");
            if self.is_working_day(day) && !suspensions.iter().any(|s| s.covers(day)) {
                count += 1;
            }
        }
        count
    }

    /// The day the `n`th counted working day after `from` falls on, skipping suspensions; `None` if an
    /// open suspension stops the clock before it.
    fn nth_counted_day(&self, from: Date, n: u32, suspensions: &[Suspension]) -> Option<Date> {
        let mut day = from;
        let mut counted = 0;
        while counted < n {
            day = day.next_day()?;
            if day - from > Duration::days(HORIZON) {
                return None;
            }
            if suspensions.iter().any(|s| s.to.is_none() && day > s.from) {
                return None;
            }
            if self.is_working_day(day) && !suspensions.iter().any(|s| s.covers(day)) {
                counted += 1;
            }
        }
        Some(day)
    }

    /// A case's clock on `today`: filed on `filed`, `limit` working days to answer, stopped during
    /// `suspensions`, and stopped for good on `closed` (resolved or archived).
    pub fn clock(
        &self,
        filed: Date,
        limit: u32,
        suspensions: &[Suspension],
        closed: Option<Date>,
        today: Date,
    ) -> Clock {
        let until = closed.map_or(today, |closed| closed.min(today));
        let elapsed = self.working_days_between(filed, until, suspensions);
        Clock {
            limit,
            elapsed,
            due: self.nth_counted_day(filed, limit, suspensions),
            suspended: closed.is_none() && suspensions.iter().any(|s| s.to.is_none()),
            closed: closed.is_some(),
        }
    }
}

/// Where a case stands against its time limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub limit: u32,
    /// Working days counted so far (up to today, or to the day it closed).
    pub elapsed: u32,
    /// The last day of the limit, if the clock is not stopped by an open observation.
    pub due: Option<Date>,
    /// An observation is open: the clock waits for the applicant.
    pub suspended: bool,
    pub closed: bool,
}

impl Clock {
    /// Working days left (negative once overdue).
    pub fn days_left(&self) -> i64 {
        i64::from(self.limit) - i64::from(self.elapsed)
    }

    /// The limit has passed with no answer: administrative silence applies.
    pub fn overdue(&self) -> bool {
        !self.closed && !self.suspended && self.days_left() < 0
    }
}

/// Easter Sunday of `year` (Gregorian; the anonymous algorithm of Meeus/Jones/Butcher).
pub fn easter(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::from_calendar_date(year, Month::try_from(month as u8).expect("March or April"), day as u8)
        .expect("a valid Easter date")
}

/// Peru's national public holidays of `year` (Decreto Legislativo 713 and the laws that added days:
/// 7 June, 23 July, 6 August and 9 December since 2023), with their Spanish names.
pub fn national_holidays(year: i32) -> Vec<(Date, &'static str)> {
    let fixed: [(Month, u8, &str); 14] = [
        (Month::January, 1, "Año Nuevo"),
        (Month::May, 1, "Día del Trabajo"),
        (Month::June, 7, "Batalla de Arica y Día de la Bandera"),
        (Month::June, 29, "San Pedro y San Pablo"),
        (Month::July, 23, "Día de la Fuerza Aérea del Perú"),
        (Month::July, 28, "Fiestas Patrias"),
        (Month::July, 29, "Fiestas Patrias"),
        (Month::August, 6, "Batalla de Junín"),
        (Month::August, 30, "Santa Rosa de Lima"),
        (Month::October, 8, "Combate de Angamos"),
        (Month::November, 1, "Todos los Santos"),
        (Month::December, 8, "Inmaculada Concepción"),
        (Month::December, 9, "Batalla de Ayacucho"),
        (Month::December, 25, "Navidad"),
    ];
    let added_in_2023 = [(Month::June, 7), (Month::July, 23), (Month::August, 6), (Month::December, 9)];
    let easter = easter(year);
    let mut days: Vec<(Date, &str)> = fixed
        .into_iter()
        .filter(|(month, day, _)| year >= 2023 || !added_in_2023.contains(&(*month, *day)))
        .map(|(month, day, name)| (Date::from_calendar_date(year, month, day).expect("a valid date"), name))
        .collect();
    days.push((easter - Duration::days(3), "Jueves Santo"));
    days.push((easter - Duration::days(2), "Viernes Santo"));
    days.sort();
    days
}

/// `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<Date> {
    Date::parse(text.trim(), time::macros::format_description!("[year]-[month]-[day]")).ok()
}

pub fn format_iso(day: Date) -> String {
    day.format(time::macros::format_description!("[year]-[month]-[day]")).expect("formattable date")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn easter_falls_where_the_tables_say() {
        assert_eq!(easter(2024), date!(2024 - 03 - 31));
        assert_eq!(easter(2025), date!(2025 - 04 - 20));
        assert_eq!(easter(2026), date!(2026 - 04 - 05));
        assert_eq!(easter(2027), date!(2027 - 03 - 28));
    }

    #[test]
    fn peru_has_sixteen_national_holidays_since_2023() {
        let days = national_holidays(2026);
        assert_eq!(days.len(), 16);
        assert!(days.contains(&(date!(2026 - 04 - 02), "Jueves Santo")));
        assert!(days.contains(&(date!(2026 - 04 - 03), "Viernes Santo")));
        assert!(days.iter().any(|(day, _)| *day == date!(2026 - 12 - 09)));
        assert_eq!(national_holidays(2022).len(), 12);
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let calendar = Calendar::new(national_holidays(2026).into_iter().map(|(day, _)| day));
        // Friday 4 December 2026 + 3 working days: Mon 7, (Tue 8 and Wed 9 are holidays), Thu 10, Fri 11.
        assert_eq!(calendar.add_working_days(date!(2026 - 12 - 04), 3), date!(2026 - 12 - 11));
        assert_eq!(calendar.add_working_days(date!(2026 - 12 - 04), 0), date!(2026 - 12 - 04));
        assert_eq!(calendar.working_days_between(date!(2026 - 12 - 04), date!(2026 - 12 - 11), &[]), 3);
        assert!(!calendar.is_working_day(date!(2026 - 12 - 05)));
    }

    #[test]
    fn a_holiday_added_later_moves_the_due_date() {
        let filed = date!(2026 - 11 - 02); // a Monday
        let before = Calendar::new([]).clock(filed, 5, &[], None, filed);
        assert_eq!(before.due, Some(date!(2026 - 11 - 09)));
        let after = Calendar::new([date!(2026 - 11 - 05)]).clock(filed, 5, &[], None, filed);
        assert_eq!(after.due, Some(date!(2026 - 11 - 10)));
    }

    #[test]
    fn an_observation_stops_the_clock_until_it_is_answered() {
        let calendar = Calendar::new([]);
        let filed = date!(2026 - 11 - 02);
        let open = [Suspension { from: date!(2026 - 11 - 04), to: None }];
        let clock = calendar.clock(filed, 5, &open, None, date!(2026 - 11 - 13));
        assert_eq!((clock.elapsed, clock.due, clock.suspended, clock.overdue()), (2, None, true, false));
        // Answered on Wednesday 11th: Thursday 5th to Wednesday 11th do not count.
        let answered = [Suspension { from: date!(2026 - 11 - 04), to: Some(date!(2026 - 11 - 11)) }];
        let clock = calendar.clock(filed, 5, &answered, None, date!(2026 - 11 - 13));
        assert_eq!((clock.elapsed, clock.due), (4, Some(date!(2026 - 11 - 16))));
        let late = calendar.clock(filed, 5, &answered, None, date!(2026 - 11 - 17));
        assert_eq!((late.days_left(), late.overdue()), (-1, true));
        let closed = calendar.clock(filed, 5, &answered, Some(date!(2026 - 11 - 12)), date!(2026 - 11 - 30));
        assert!(!closed.overdue() && closed.closed);
    }
}
