//! The planning grain: a calendar month, written `YYYY-MM`.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::DomainError;

/// A calendar month. Orders chronologically; serialises as `"2026-03"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(try_from = "String", into = "String")]
#[ts(export, type = "string")]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Result<Month, DomainError> {
        if !(1..=12).contains(&month) || !(1900..=9999).contains(&year) {
            return Err(DomainError::invalid("month", format!("{year}-{month:02} is not a calendar month")));
        }
        Ok(Month { year, month })
    }

    pub fn of(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        let index = self.year * 12 + self.month as i32 - 1 + n;
        Month { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
    }

    /// Whole months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: Month) -> i32 {
        (later.year - self.year) * 12 + later.month as i32 - self.month as i32
    }
}

impl FromStr for Month {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DomainError::invalid("month", format!("`{s}` is not a month; write it as YYYY-MM, e.g. 2026-03"));
        let (year, month) = s.trim().split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        Month::new(year, month).map_err(|_| bad())
    }
}

impl TryFrom<String> for Month {
    /// Only the message: serde names the field.
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse().map_err(|e: DomainError| e.message)
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_year_month() {
        let m: Month = "2026-03".parse().unwrap();
        assert_eq!((m.year(), m.month()), (2026, 3));
        assert_eq!(m.to_string(), "2026-03");
    }

    #[test]
    fn refuses_other_shapes() {
        for text in ["2026-3", "2026-13", "26-03", "2026/03", "March", "2026-00"] {
            assert!(text.parse::<Month>().is_err(), "`{text}` should be refused");
        }
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        let m: Month = "2025-11".parse().unwrap();
        assert_eq!(m.plus(3).to_string(), "2026-02");
        assert_eq!(m.plus(-11).to_string(), "2024-12");
        assert_eq!(m.months_until("2027-01".parse().unwrap()), 14);
    }
}
