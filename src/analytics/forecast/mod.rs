//! Forecasts: monthly spend per initiative and for the portfolio with 95% prediction intervals,
//! where each lands at year end against its budget, the month its budget runs out, and what the
//! team will cost ([`headcount`]).
//!
//! How the months line up: the history of every series ends with the portfolio's last month of
//! actuals before `as_of` (data not imported yet is not read as zero spend), and the forecast
//! starts the month after it ([`ForecastReport::first_month`]). The landing year is that month's
//! year; forecasts always run at least through its December, even when the horizon asked for is
//! shorter, and only the first `horizon` months are listed.
//!
//! The portfolio series is all actual spend, unallocated included, forecast as one series (the
//! intervals of its initiatives do not add up to its interval). An initiative that is done,
//! cancelled, or ended before the first forecast month is [`Outlook::Ended`] and forecast to spend
//! nothing; one that ends inside the horizon spends nothing after its end month. The statistics
//! and the rules on history live in [`model`].
//!
//! Money: actuals and budgets are converted to the base currency with [`Converter`] and stay
//! `i64` minor units. The models work in `f64`; every figure that leaves this module is rounded
//! to the nearest minor unit, month by month, and sums (landing, remaining) add those rounded
//! months so they agree with the table a person reads. The interval of a sum of months adds the
//! months' bounds: an upper bound on its width, because in exponential smoothing the errors of
//! successive months move together.

pub mod headcount;
pub mod model;

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

pub use headcount::{HeadcountMonth, HeadcountProjection, InitiativeHeadcountCost};
use model::Projection;

use super::money::{Converter, MoneyTable, MonthlySums};
use crate::domain::{Currency, Initiative, InitiativeId, InitiativeStatus, Month};
use crate::error::{Error, Result};
use crate::store::records::{self, Filter};

/// Months forecast when nobody says otherwise.
pub const DEFAULT_HORIZON: u32 = 12;
/// The longest horizon: beyond five years a monthly spend forecast says nothing useful.
pub const MAX_HORIZON: u32 = 60;

/// What to forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastOptions {
    /// The month counted as now: actuals from it on are ignored.
    pub as_of: Month,
    /// How many months to list, from 1 to [`MAX_HORIZON`].
    pub horizon: u32,
    /// Only this initiative (the portfolio series is always there).
    pub initiative: Option<InitiativeId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ForecastReport {
    pub base_currency: Currency,
    pub as_of: Month,
    /// The last month of actuals the forecasts start from; `None` when there are none.
    pub actuals_through: Option<Month>,
    /// The first forecast month.
    pub first_month: Month,
    pub horizon: u32,
    /// The level of every interval: 0.95.
    pub level: f64,
    /// Months of history (from the first month with spend) a series needs to be forecast.
    pub min_history_months: u32,
    pub portfolio: SeriesForecast,
    pub initiatives: Vec<InitiativeForecast>,
    /// The team's cost over the forecast months.
    pub headcount: HeadcountProjection,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InitiativeForecast {
    pub id: InitiativeId,
    pub name: String,
    pub status: InitiativeStatus,
    pub forecast: SeriesForecast,
}

/// One series: its history, its forecast (or why there is none), its budget and its year end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SeriesForecast {
    pub outlook: Outlook,
    /// Actual spend per month, from the series' first month with spend through `actuals_through`.
    pub actuals: Vec<MonthAmount>,
    /// Budget per month from January of the landing year through the last month computed.
    pub budget: Vec<MonthAmount>,
    pub year_end: YearEnd,
}

/// What can be said about a series' coming months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outlook {
    /// Point forecasts with their 95% prediction intervals, one per month of the horizon.
    Forecast { model: String, months_of_history: u32, months: Vec<ForecastMonth> },
    /// Too little history to be trusted: nothing is forecast.
    InsufficientHistory { months_available: u32, months_needed: u32 },
    /// The models could not be fitted to this history; nothing is forecast.
    Unforecastable { reason: String },
    /// Done, cancelled, or ended before the first forecast month: no spend is expected.
    Ended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ForecastMonth {
    pub month: Month,
    pub point_minor: i64,
    pub lower_minor: i64,
    pub upper_minor: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthAmount {
    pub month: Month,
    pub amount_minor: i64,
}

/// A forecast amount with its interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Band {
    pub point_minor: i64,
    pub lower_minor: i64,
    pub upper_minor: i64,
}

impl Band {
    fn plus(self, other: Band) -> Band {
        Band {
            point_minor: self.point_minor + other.point_minor,
            lower_minor: self.lower_minor + other.lower_minor,
            upper_minor: self.upper_minor + other.upper_minor,
        }
    }

    fn exactly(minor: i64) -> Band {
        Band { point_minor: minor, lower_minor: minor, upper_minor: minor }
    }
}

/// Where the year's spend lands against its budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct YearEnd {
    pub year: i32,
    /// The budget of the whole year.
    pub budget_minor: i64,
    /// Actual spend of the year's months before the first forecast month.
    pub actual_to_date_minor: i64,
    /// Forecast spend from the first forecast month through December; `None` without a forecast.
    pub remaining: Option<Band>,
    /// Actual to date plus remaining.
    pub landing: Option<Band>,
    /// Budget minus the landing's point: negative when the year lands over budget.
    pub variance_minor: Option<i64>,
    /// The first month in which the year's spend so far (actual, then the point forecast) exceeds
    /// that year's budget; `None` if it never does within the months computed (or, without a
    /// forecast, has not yet). Years without a budget are not checked.
    pub run_out: Option<Month>,
    /// The same if spend follows the top of the interval: the earliest plausible run-out.
    pub run_out_earliest: Option<Month>,
}

/// Forecasts spend, year-end landings and the team's cost.
pub fn forecast(conn: &Connection, options: &ForecastOptions) -> Result<ForecastReport> {
    if !(1..=MAX_HORIZON).contains(&options.horizon) {
        return Err(Error::Validation(format!(
            "horizon: {} is not from 1 to {MAX_HORIZON} months; try {DEFAULT_HORIZON}",
            options.horizon
        )));
    }
    let fx = Converter::load(conn)?;
    let mut initiatives = match options.initiative {
        Some(id) => vec![records::get::<Initiative>(conn, id)?],
        None => records::list::<Initiative>(conn, &Filter::new())?,
    };
    initiatives.sort_by_cached_key(|i| i.record.name.to_lowercase());

    let actuals_through = month_query(conn, "SELECT max(month) FROM actuals WHERE month < ?1", options.as_of)?;
    let history_start = month_query(conn, "SELECT min(month) FROM actuals WHERE month < ?1", options.as_of)?;
    let first_month = actuals_through.map_or(options.as_of, |m| m.plus(1));
    let last_listed = first_month.plus(options.horizon as i32 - 1);
    let year_end = december(first_month);
    let last_computed = last_listed.max(year_end);
    let window = Window { first_month, last_listed, last_computed };

    let actuals = match (history_start, actuals_through) {
        (Some(start), Some(through)) => fx.monthly_sums(conn, MoneyTable::Actuals, start, through)?,
        _ => MonthlySums::new(),
    };
    let budget_start = first_month.plus(1 - first_month.month() as i32);
    let budgets = fx.monthly_sums(conn, MoneyTable::Budgets, budget_start, december(last_computed))?;

    let history_months: Vec<Month> = match (history_start, actuals_through) {
        (Some(start), Some(through)) => (0..=start.months_until(through)).map(|k| start.plus(k)).collect(),
        _ => Vec::new(),
    };
    let budget_months: Vec<Month> =
        (0..=budget_start.months_until(december(last_computed))).map(|k| budget_start.plus(k)).collect();

    let (portfolio_history, mut history_of) = by_series(&actuals, &history_months);
    let (portfolio_budget, mut budget_of) = by_series(&budgets, &budget_months);
    // The portfolio first, then each initiative.
    let mut inputs =
        vec![SeriesInput { history: portfolio_history, budget: portfolio_budget, end: None, ended: false }];
    for initiative in &initiatives {
        let record = &initiative.record;
        let ended = matches!(record.status, InitiativeStatus::Done | InitiativeStatus::Cancelled)
            || record.end.is_some_and(|end| end < first_month);
        inputs.push(SeriesInput {
            history: history_of.remove(&initiative.id).unwrap_or_else(|| vec![0; history_months.len()]),
            budget: budget_of.remove(&initiative.id).unwrap_or_else(|| vec![0; budget_months.len()]),
            end: record.end,
            ended,
        });
    }

    let to_fit: Vec<Vec<f64>> = inputs
        .iter()
        .filter(|input| !input.ended)
        .map(|input| input.history.iter().map(|minor| *minor as f64).collect())
        .collect();
    let mut projections =
        model::forecast_many(&to_fit, (first_month.months_until(last_computed) + 1) as usize).into_iter();
    let mut series = inputs.iter().map(|input| {
        // `None` marks an ended series; `forecast_many` answers every series it is given.
        let projection = (!input.ended).then(|| {
            projections
                .next()
                .unwrap_or_else(|| Projection::Unforecastable { reason: "no forecast was computed".to_owned() })
        });
        assemble(input, projection, &history_months, &budget_months, &window)
    });
    let portfolio = series.next().ok_or_else(|| Error::Internal("the portfolio series is missing".into()))?;
    let initiatives = initiatives
        .iter()
        .zip(series)
        .map(|(initiative, forecast)| InitiativeForecast {
            id: initiative.id,
            name: initiative.record.name.clone(),
            status: initiative.record.status,
            forecast,
        })
        .collect();

    Ok(ForecastReport {
        base_currency: fx.base,
        as_of: options.as_of,
        actuals_through,
        first_month,
        horizon: options.horizon,
        level: model::LEVEL,
        min_history_months: model::MIN_HISTORY_MONTHS as u32,
        portfolio,
        initiatives,
        headcount: headcount::project(conn, &fx, first_month, last_listed, options.initiative)?,
    })
}

/// The months a report spans.
#[derive(Debug, Clone, Copy)]
struct Window {
    first_month: Month,
    last_listed: Month,
    last_computed: Month,
}

/// One series before forecasting, in base-currency minor units.
#[derive(Debug)]
struct SeriesInput {
    /// One value per history month.
    history: Vec<i64>,
    /// One value per budget month.
    budget: Vec<i64>,
    end: Option<Month>,
    ended: bool,
}

fn assemble(
    input: &SeriesInput,
    projection: Option<Projection>,
    history_months: &[Month],
    budget_months: &[Month],
    window: &Window,
) -> SeriesForecast {
    // Every computed month from the first forecast month on, as money; `None` without a forecast.
    let computed: Option<Vec<ForecastMonth>> = match &projection {
        None => Some(
            (0..=window.first_month.months_until(window.last_computed))
                .map(|k| ForecastMonth {
                    month: window.first_month.plus(k),
                    point_minor: 0,
                    lower_minor: 0,
                    upper_minor: 0,
                })
                .collect(),
        ),
        Some(Projection::Forecast(fitted)) => Some(
            fitted
                .point
                .iter()
                .zip(&fitted.lower)
                .zip(&fitted.upper)
                .enumerate()
                .map(|(k, ((point, lower), upper))| {
                    let month = window.first_month.plus(k as i32);
                    if input.end.is_some_and(|end| month > end) {
                        ForecastMonth { month, point_minor: 0, lower_minor: 0, upper_minor: 0 }
                    } else {
                        ForecastMonth {
                            month,
                            point_minor: to_minor(*point),
                            lower_minor: to_minor(*lower),
                            upper_minor: to_minor(*upper),
                        }
                    }
                })
                .collect(),
        ),
        Some(_) => None,
    };
    let outlook = match projection {
        None => Outlook::Ended,
        Some(Projection::Forecast(fitted)) => Outlook::Forecast {
            model: fitted.model,
            months_of_history: fitted.months_of_history as u32,
            months: computed.iter().flatten().filter(|m| m.month <= window.last_listed).copied().collect(),
        },
        Some(Projection::InsufficientHistory { months_available, months_needed }) => Outlook::InsufficientHistory {
            months_available: months_available as u32,
            months_needed: months_needed as u32,
        },
        Some(Projection::Unforecastable { reason }) => Outlook::Unforecastable { reason },
    };

    let started = input.history.iter().position(|minor| *minor != 0).unwrap_or(input.history.len());
    let actuals: Vec<MonthAmount> = history_months[started..]
        .iter()
        .zip(&input.history[started..])
        .map(|(month, minor)| MonthAmount { month: *month, amount_minor: *minor })
        .collect();
    let budget: Vec<MonthAmount> = budget_months
        .iter()
        .zip(&input.budget)
        .filter(|(month, _)| **month <= window.last_computed)
        .map(|(month, minor)| MonthAmount { month: *month, amount_minor: *minor })
        .collect();
    let year_end = year_end(input, history_months, budget_months, computed.as_deref(), window);
    SeriesForecast { outlook, actuals, budget, year_end }
}

fn year_end(
    input: &SeriesInput,
    history_months: &[Month],
    budget_months: &[Month],
    computed: Option<&[ForecastMonth]>,
    window: &Window,
) -> YearEnd {
    let year = window.first_month.year();
    let mut budget_of_year: BTreeMap<i32, i64> = BTreeMap::new();
    for (month, minor) in budget_months.iter().zip(&input.budget) {
        *budget_of_year.entry(month.year()).or_default() += minor;
    }
    // Spend per month of the landing year before the forecast, then the forecast months.
    let actual: Vec<(Month, Band)> = history_months
        .iter()
        .zip(&input.history)
        .filter(|(month, _)| month.year() == year)
        .map(|(month, minor)| (*month, Band::exactly(*minor)))
        .collect();
    let actual_to_date_minor = actual.iter().map(|(_, band)| band.point_minor).sum();
    let forecast: Vec<(Month, Band)> = computed
        .unwrap_or_default()
        .iter()
        .map(|m| (m.month, Band { point_minor: m.point_minor, lower_minor: m.lower_minor, upper_minor: m.upper_minor }))
        .collect();
    let remaining = computed.map(|_| {
        forecast
            .iter()
            .filter(|(month, _)| month.year() == year)
            .fold(Band::default(), |sum, (_, band)| sum.plus(*band))
    });
    let landing = remaining.map(|r| r.plus(Band::exactly(actual_to_date_minor)));
    let spend: Vec<(Month, Band)> = actual.into_iter().chain(forecast).collect();
    let run_out_on = |pick: fn(&Band) -> i64| -> Option<Month> {
        let mut spent = 0i64;
        for (month, band) in &spend {
            if month.month() == 1 {
                spent = 0;
            }
            spent += pick(band);
            let budget = budget_of_year.get(&month.year()).copied().unwrap_or(0);
            if budget > 0 && spent > budget {
                return Some(*month);
            }
        }
        None
    };
    let budget_minor = budget_of_year.get(&year).copied().unwrap_or(0);
    YearEnd {
        year,
        budget_minor,
        actual_to_date_minor,
        remaining,
        landing,
        variance_minor: landing.map(|l| budget_minor - l.point_minor),
        run_out: run_out_on(|b| b.point_minor),
        run_out_earliest: run_out_on(|b| b.upper_minor),
    }
}

/// Monthly sums laid out one value per month of `months` (consecutive): the portfolio's (every
/// row, unallocated included) and each initiative's.
fn by_series(sums: &MonthlySums, months: &[Month]) -> (Vec<i64>, HashMap<InitiativeId, Vec<i64>>) {
    let mut portfolio = vec![0; months.len()];
    let mut initiatives: HashMap<InitiativeId, Vec<i64>> = HashMap::new();
    let Some(first) = months.first() else { return (portfolio, initiatives) };
    for ((initiative, month), minor) in sums {
        let Some(k) = usize::try_from(first.months_until(*month)).ok().filter(|k| *k < months.len()) else { continue };
        portfolio[k] += minor;
        if let Some(id) = initiative {
            initiatives.entry(*id).or_insert_with(|| vec![0; months.len()])[k] += minor;
        }
    }
    (portfolio, initiatives)
}

/// A forecast amount as minor units: the nearest whole one.
fn to_minor(value: f64) -> i64 {
    // Finite by construction (the model refuses non-finite output); `as` saturates besides.
    value.round() as i64
}

fn december(month: Month) -> Month {
    month.plus(12 - month.month() as i32)
}

fn month_query(conn: &Connection, sql: &str, as_of: Month) -> Result<Option<Month>> {
    let text: Option<String> = conn.query_row(sql, [as_of.to_string()], |r| r.get(0))?;
    Ok(text.map(|m| m.parse::<Month>()).transpose()?)
}
