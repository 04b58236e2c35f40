//! Time as the planning core reads it: the as-of month, the running month and how much of it has
//! passed, and the period a figure covers (a fiscal year, a fiscal quarter, or all time).
//!
//! Fiscal years are named by the calendar year they end in: with a first month of April, FY2027
//! runs from April 2026 through March 2027. With the default first month (January) a fiscal year
//! is the calendar year and is written plainly, "2026". Quarters are fiscal quarters: `2026-Q1` is
//! the first three months of fiscal year 2026.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::Month;
use crate::domain::words::month_label;
use crate::error::{Error, Result};

/// Which period a person asked for; resolved against the as-of month into a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodChoice {
    /// The fiscal year that contains the as-of month.
    #[default]
    CurrentFiscalYear,
    /// The fiscal year named by the year it ends in.
    FiscalYear(i32),
    /// A fiscal quarter (1–4) of the fiscal year named by the year it ends in.
    Quarter(i32, u32),
    All,
}

impl FromStr for PeriodChoice {
    type Err = Error;

    fn from_str(text: &str) -> Result<PeriodChoice> {
        let text = text.trim();
        let bad = || {
            Error::Validation(format!(
                "period: `{text}` is not a period; write a fiscal year (2026), a quarter (2026-Q3) or `all`"
            ))
        };
        if text.is_empty() {
            return Ok(PeriodChoice::CurrentFiscalYear);
        }
        if text.eq_ignore_ascii_case("all") {
            return Ok(PeriodChoice::All);
        }
        let year_of = |y: &str| -> Result<i32> {
            let y = y.trim_start_matches(['F', 'f']).trim_start_matches(['Y', 'y']);
            match y.parse::<i32>() {
                Ok(year) if y.len() == 4 && (1901..=9998).contains(&year) => Ok(year),
                _ => Err(bad()),
            }
        };
        match text.split_once(['-', ' ']) {
            Some((year, quarter)) => {
                let quarter = quarter.trim().trim_start_matches(['Q', 'q']);
                match quarter.parse::<u32>() {
                    Ok(q) if (1..=4).contains(&q) => Ok(PeriodChoice::Quarter(year_of(year)?, q)),
                    _ => Err(bad()),
                }
            }
            None => Ok(PeriodChoice::FiscalYear(year_of(text)?)),
        }
    }
}

/// How a period is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PeriodKind {
    FiscalYear,
    Quarter,
    All,
}

/// The months a figure covers, with the words every surface uses for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Period {
    pub kind: PeriodKind,
    /// What `--period` takes to choose this period again: `2026`, `2026-Q3`, `all`.
    pub key: String,
    /// How it is written: `2026`, `FY2027`, `Q3 2026`, `all time`.
    pub label: String,
    pub first: Month,
    pub last: Month,
}

impl Period {
    /// Resolves `choice` for the as-of month, with fiscal years starting in `fiscal_start`
    /// (1–12). `All` spans `all_time` (the first and last months that hold any money).
    pub fn resolve(choice: PeriodChoice, as_of: Month, fiscal_start: u32, all_time: (Month, Month)) -> Period {
        let fiscal = FiscalCalendar::new(fiscal_start);
        match choice {
            PeriodChoice::CurrentFiscalYear => fiscal.year(fiscal.year_of(as_of)),
            PeriodChoice::FiscalYear(year) => fiscal.year(year),
            PeriodChoice::Quarter(year, quarter) => fiscal.quarter(year, quarter),
            PeriodChoice::All => Period {
                kind: PeriodKind::All,
                key: "all".to_owned(),
                label: "all time".to_owned(),
                first: all_time.0.min(as_of),
                last: all_time.1.max(as_of),
            },
        }
    }

    pub fn contains(&self, month: Month) -> bool {
        self.first <= month && month <= self.last
    }

    pub fn months(&self) -> impl Iterator<Item = Month> + '_ {
        (0..=self.first.months_until(self.last)).map(|k| self.first.plus(k))
    }

    /// "2026 to date, through Nov", "2026 to date, through 3 Dec" (the running month), "2025,
    /// the whole year" (a period that has ended by the as-of month), "2027, not started".
    pub fn to_date_words(&self, as_of: Month, running: Option<&RunningMonth>) -> String {
        if as_of < self.first {
            return format!("{}, not started by {}", self.label, month_label(as_of, true));
        }
        if as_of >= self.last && running.is_none_or(|r| r.month > self.last) {
            return match self.kind {
                PeriodKind::FiscalYear => format!("{}, the whole year", self.label),
                PeriodKind::Quarter => format!("{}, the whole quarter", self.label),
                PeriodKind::All => format!("all time, through {}", month_label(self.last, true)),
            };
        }
        let through = match running.filter(|r| self.contains(r.month) && r.month <= as_of) {
            Some(r) => format!("{} {}", r.days_elapsed, month_label(r.month, false)),
            None => month_label(as_of.min(self.last), self.first.year() != as_of.year()),
        };
        format!("{} to date, through {through}", self.label)
    }
}

/// The first month of the fiscal year and the arithmetic that follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiscalCalendar {
    start: u32,
}

impl FiscalCalendar {
    pub fn new(start: u32) -> FiscalCalendar {
        FiscalCalendar { start: start.clamp(1, 12) }
    }

    /// The name (the year it ends in) of the fiscal year holding `month`.
    pub fn year_of(self, month: Month) -> i32 {
        if self.start == 1 || month.month() < self.start { month.year() } else { month.year() + 1 }
    }

    fn first_month(self, year: i32) -> Month {
        let calendar_year = if self.start == 1 { year } else { year - 1 };
        Month::new(calendar_year, self.start).unwrap_or_else(|_| Month::of(NaiveDate::MIN))
    }

    fn name(self, year: i32) -> String {
        if self.start == 1 { year.to_string() } else { format!("FY{year}") }
    }

    pub fn year(self, year: i32) -> Period {
        let first = self.first_month(year);
        Period {
            kind: PeriodKind::FiscalYear,
            key: year.to_string(),
            label: self.name(year),
            first,
            last: first.plus(11),
        }
    }

    pub fn quarter(self, year: i32, quarter: u32) -> Period {
        let first = self.first_month(year).plus(3 * (quarter as i32 - 1));
        Period {
            kind: PeriodKind::Quarter,
            key: format!("{year}-Q{quarter}"),
            label: format!("Q{quarter} {}", self.name(year)),
            first,
            last: first.plus(2),
        }
    }
}

/// The month today falls in, when it is not after the as-of month: it has begun and not ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RunningMonth {
    pub month: Month,
    /// Days elapsed, today included.
    pub days_elapsed: u32,
    pub days_in_month: u32,
}

impl RunningMonth {
    /// The running month as of `as_of` on `today`: `None` when today's month is after `as_of`
    /// (every month through `as_of` has ended).
    pub fn of(today: NaiveDate, as_of: Month) -> Option<RunningMonth> {
        let month = Month::of(today);
        (month <= as_of).then(|| RunningMonth { month, days_elapsed: today.day(), days_in_month: days_in(month) })
    }

    /// `minor` × the elapsed fraction, rounded half to even.
    pub fn elapsed_share(&self, minor: i64) -> i64 {
        share(minor, i64::from(self.days_elapsed), i64::from(self.days_in_month))
    }

    /// The part of `minor` still to come this month: `minor` − its elapsed share.
    pub fn remaining_share(&self, minor: i64) -> i64 {
        minor - self.elapsed_share(minor)
    }
}

/// The clock's date (UTC): what the surfaces pass as "today". The compute half never reads it.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Whether `month` has ended on `today`.
/// The day "now" means for figures as of `as_of`: today while today's month has not passed it (the
/// running month), else the as-of month's last day.
pub fn as_of_day(as_of: Month, today: NaiveDate) -> NaiveDate {
    if Month::of(today) <= as_of { today } else { last_day(as_of) }
}

pub fn is_closed(month: Month, today: NaiveDate) -> bool {
    month < Month::of(today)
}

pub fn days_in(month: Month) -> u32 {
    let next = month.plus(1).first_day();
    (next - month.first_day()).num_days() as u32
}

/// The last day of `month`.
pub fn last_day(month: Month) -> NaiveDate {
    month.plus(1).first_day().pred_opt().unwrap_or(NaiveDate::MAX)
}

/// `minor × numerator / denominator`, rounded half to even, in i128 so it cannot overflow.
fn share(minor: i64, numerator: i64, denominator: i64) -> i64 {
    if denominator == 0 {
        return 0;
    }
    let product = i128::from(minor) * i128::from(numerator);
    let d = i128::from(denominator);
    let (q, r) = (product.div_euclid(d), product.rem_euclid(d));
    let rounded = match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    };
    i64::try_from(rounded).unwrap_or(if rounded < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Month {
        text.parse().expect("a month")
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn periods_parse_years_quarters_and_all() {
        assert_eq!("2026".parse::<PeriodChoice>().ok(), Some(PeriodChoice::FiscalYear(2026)));
        assert_eq!("FY2027".parse::<PeriodChoice>().ok(), Some(PeriodChoice::FiscalYear(2027)));
        assert_eq!("2025-Q3".parse::<PeriodChoice>().ok(), Some(PeriodChoice::Quarter(2025, 3)));
        assert_eq!("all".parse::<PeriodChoice>().ok(), Some(PeriodChoice::All));
        for bad in ["26", "2025-Q5", "2025-Q0", "last year", "2025-13"] {
            let error = bad.parse::<PeriodChoice>().expect_err(bad).to_string();
            assert!(error.contains("2026-Q3"), "the error for `{bad}` says what to write: {error}");
        }
    }

    #[test]
    fn a_fiscal_year_starting_in_april_is_named_by_the_year_it_ends_in() {
        let fiscal = FiscalCalendar::new(4);
        assert_eq!(fiscal.year_of(month("2026-03")), 2026);
        assert_eq!(fiscal.year_of(month("2026-04")), 2027);
        let fy = fiscal.year(2027);
        assert_eq!((fy.first, fy.last, fy.label.as_str()), (month("2026-04"), month("2027-03"), "FY2027"));
        let q3 = fiscal.quarter(2027, 3);
        assert_eq!((q3.first, q3.last), (month("2026-10"), month("2026-12")));
        let calendar = FiscalCalendar::new(1).year(2026);
        assert_eq!(
            (calendar.first, calendar.last, calendar.label.as_str()),
            (month("2026-01"), month("2026-12"), "2026")
        );
    }

    #[test]
    fn the_running_month_is_todays_when_it_is_not_after_the_as_of_month() {
        let running = RunningMonth::of(day("2026-12-03"), month("2026-12")).expect("December runs");
        assert_eq!((running.days_elapsed, running.days_in_month), (3, 31));
        assert_eq!(running.elapsed_share(31_000), 3_000);
        assert_eq!(running.remaining_share(31_000), 28_000);
        assert!(RunningMonth::of(day("2026-12-03"), month("2026-11")).is_none(), "November has ended");
        assert_eq!(days_in(month("2028-02")), 29);
    }

    #[test]
    fn shares_round_half_to_even() {
        assert_eq!(share(5, 1, 2), 2, "2.5 → 2");
        assert_eq!(share(7, 1, 2), 4, "3.5 → 4");
        assert_eq!(share(-5, 1, 2), -2);
        assert_eq!(share(i64::MAX, 2, 1), i64::MAX, "saturates instead of wrapping");
    }

    #[test]
    fn every_surface_says_the_period_the_same_way() {
        let year = FiscalCalendar::new(1).year(2026);
        assert_eq!(year.to_date_words(month("2026-11"), None), "2026 to date, through Nov");
        let running = RunningMonth::of(day("2026-12-03"), month("2026-12"));
        assert_eq!(year.to_date_words(month("2026-12"), running.as_ref()), "2026 to date, through 3 Dec");
        assert_eq!(year.to_date_words(month("2027-02"), None), "2026, the whole year");
        assert_eq!(
            FiscalCalendar::new(1).year(2027).to_date_words(month("2026-11"), None),
            "2027, not started by Nov 2026"
        );
    }
}
