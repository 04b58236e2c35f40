//! The `forecast` command's view of the plan: monthly spend per initiative and for the portfolio
//! with 95% prediction intervals, where each lands at the end of the period against its budget,
//! the month its budget runs out, and what the team will cost.
//!
//! Nothing is computed here that the planning core ([`crate::plan`]) does not compute: the series,
//! the fits, the one-off months, the landing and the run-out are the plan's, so `forecast`,
//! `summary`, the report and the charts agree. This module lays them out month by month for the
//! horizon asked for (the plan always forecasts at least through the period's end).
//!
//! A listed month is the month's expected total: what is recorded of it (the running month's
//! month-to-date) plus what is still expected.

pub mod headcount;

/// The statistics of one series live with the planning core that fits them.
pub use crate::plan::model;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::plan::Band;
pub use headcount::{HeadcountMonth, HeadcountProjection, InitiativeHeadcountCost};

use crate::domain::{Currency, Initiative, InitiativeId, InitiativeStatus, Month};
use crate::error::{Error, Result};
use crate::plan::{self, Method, Plan, PlanOptions};
use crate::store::records;

/// Months forecast when nobody says otherwise.
pub const DEFAULT_HORIZON: u32 = 12;
/// The longest horizon: beyond five years a monthly spend forecast says nothing useful.
pub const MAX_HORIZON: u32 = 60;

/// What to forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastOptions {
    /// Facts through the end of this month are used; later ones are not.
    pub as_of: Month,
    /// The clock's date: which months have ended.
    pub today: NaiveDate,
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

/// Where the period's spend lands against its budget (the plan's figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct YearEnd {
    /// The fiscal year (named by the year it ends in).
    pub year: i32,
    /// The budget of the whole period; `None`: no budget set.
    pub budget_minor: Option<i64>,
    /// Actual spend of the period through the as-of month.
    pub actual_to_date_minor: i64,
    /// Forecast spend for the rest of the period; `None` without a forecast.
    pub remaining: Option<Band>,
    /// Actual to date plus remaining.
    pub landing: Option<Band>,
    /// The landing's point minus the budget: positive lands over budget, negative under; `None`
    /// without a landing or a budget.
    pub over_budget_minor: Option<i64>,
    /// The first month in which the period's spend so far (actual, then the point forecast)
    /// exceeds its budget; `None` if it never does. Periods without a budget are not checked.
    pub run_out: Option<Month>,
    /// The same if spend follows the top of the interval: the earliest plausible run-out.
    pub run_out_earliest: Option<Month>,
}

/// Forecasts spend, landings at the period's end and the team's cost, from the plan.
pub fn forecast(conn: &rusqlite::Connection, options: &ForecastOptions) -> Result<ForecastReport> {
    if !(1..=MAX_HORIZON).contains(&options.horizon) {
        return Err(Error::Validation(format!(
            "horizon: {} is not from 1 to {MAX_HORIZON} months; try {DEFAULT_HORIZON}",
            options.horizon
        )));
    }
    if let Some(id) = options.initiative {
        records::get::<Initiative>(conn, id)?;
    }
    let plan_options = PlanOptions { horizon: options.horizon, ..PlanOptions::default() };
    let plan = plan::plan(conn, options.as_of, options.today, &plan_options)?;
    Ok(report(&plan, options))
}

/// Lays the plan out as a forecast report.
pub fn report(plan: &Plan, options: &ForecastOptions) -> ForecastReport {
    let first_month = plan.forecasts.first_month;
    let last_listed = first_month.plus(options.horizon as i32 - 1);
    let listed = |initiative: Option<InitiativeId>| -> Vec<ForecastMonth> {
        (0..options.horizon as i32)
            .map(|k| first_month.plus(k))
            .map(|month| {
                let recorded = if month <= plan.as_of { plan.actual(initiative, month) } else { 0 };
                let band = plan.expected(initiative, month).unwrap_or_default().plus(Band::exactly(recorded));
                ForecastMonth {
                    month,
                    point_minor: band.point_minor,
                    lower_minor: band.lower_minor,
                    upper_minor: band.upper_minor,
                }
            })
            .collect()
    };
    let history = |initiative: Option<InitiativeId>| -> Vec<MonthAmount> {
        let Some(through) = plan.forecasts.history_through else { return Vec::new() };
        let months: Vec<Month> = plan
            .actual_by_month
            .iter()
            .filter(|((i, m), v)| (initiative.is_none() || *i == initiative) && **v != 0 && *m <= through)
            .map(|((_, m), _)| *m)
            .collect();
        let Some(start) = months.iter().min().copied() else { return Vec::new() };
        (0..=start.months_until(through))
            .map(|k| start.plus(k))
            .map(|month| MonthAmount { month, amount_minor: plan.actual(initiative, month) })
            .collect()
    };
    let year = plan.period.key.parse::<i32>().unwrap_or(plan.period.last.year());
    let series = |initiative: Option<InitiativeId>, figures: &plan::Figures, months: &[plan::PlanMonth]| {
        let methods: Vec<&Method> = plan
            .forecasts
            .series
            .iter()
            .filter(|s| initiative.is_none() || s.initiative == initiative)
            .map(|s| &s.method)
            .collect();
        let outlook = outlook(&methods, listed(initiative));
        let landing = figures.landing.filter(|_| !matches!(outlook, Outlook::InsufficientHistory { .. }));
        SeriesForecast {
            outlook,
            actuals: history(initiative),
            budget: months.iter().map(|m| MonthAmount { month: m.month, amount_minor: m.budget_minor }).collect(),
            year_end: YearEnd {
                year,
                budget_minor: figures.budget_period_minor,
                actual_to_date_minor: figures.actual_to_date_minor,
                remaining: landing.map(|l| l.plus(Band::exactly(-figures.actual_to_date_minor))),
                landing,
                over_budget_minor: landing.and(figures.landing_against_budget_minor),
                run_out: figures.run_out,
                run_out_earliest: figures.run_out_earliest,
            },
        }
    };
    let portfolio = series(None, &plan.portfolio, &plan.months);
    let initiatives = plan
        .initiatives
        .iter()
        .filter(|i| options.initiative.is_none_or(|wanted| wanted == i.id))
        .map(|i| InitiativeForecast {
            id: i.id,
            name: i.name.clone(),
            status: i.status,
            forecast: series(Some(i.id), &i.figures, &i.months),
        })
        .collect();
    let headcount = HeadcountProjection {
        months: plan
            .team
            .months
            .iter()
            .filter(|m| m.month <= last_listed)
            .map(|m| HeadcountMonth {
                by_initiative: m
                    .by_initiative
                    .iter()
                    .filter(|c| options.initiative.is_none_or(|wanted| wanted == c.initiative_id))
                    .cloned()
                    .collect(),
                ..m.clone()
            })
            .collect(),
    };
    ForecastReport {
        base_currency: plan.base_currency,
        as_of: plan.as_of,
        actuals_through: plan.forecasts.history_through,
        first_month,
        horizon: options.horizon,
        level: plan::LEVEL,
        min_history_months: plan::forecast::MIN_RUN_RATE_MONTHS as u32,
        portfolio,
        initiatives,
        headcount,
    }
}

/// What can be said of a row's months to come, from the methods of its series.
fn outlook(methods: &[&Method], months: Vec<ForecastMonth>) -> Outlook {
    let mut models: Vec<String> = Vec::new();
    let mut months_of_history = 0u32;
    let mut shortest_missing: Option<u32> = None;
    for method in methods {
        match method {
            Method::Model { model, months_of_history: n } => {
                months_of_history = months_of_history.max(*n);
                models.push(model.clone());
            }
            Method::RunRate { months_of_history: n } => {
                months_of_history = months_of_history.max(*n);
                models.push(format!("run rate of {n} months"));
            }
            Method::TeamPlan => models.push("team plan".to_owned()),
            Method::Ended => {}
            Method::NotForecast { months_of_history: n, .. } => {
                shortest_missing = Some(shortest_missing.map_or(*n, |m| m.max(*n)));
            }
            Method::Planned => models.push("scenario plan".to_owned()),
        }
    }
    models.sort();
    models.dedup();
    // A row of many series (the portfolio) says how its series are forecast, not every model.
    if models.len() > 3 {
        let count = |wanted: fn(&Method) -> bool| methods.iter().filter(|m| wanted(m)).count();
        let parts = [
            (count(|m| matches!(m, Method::Model { .. })), "by a model"),
            (count(|m| matches!(m, Method::RunRate { .. })), "by run rate"),
            (count(|m| matches!(m, Method::TeamPlan)), "by the team plan"),
        ];
        let said: Vec<String> = parts.iter().filter(|(n, _)| *n > 0).map(|(n, how)| format!("{n} {how}")).collect();
        models = vec![format!("{} series: {}", methods.len(), said.join(", "))];
    }
    match (models.is_empty(), shortest_missing) {
        (false, _) => Outlook::Forecast { model: models.join(" + "), months_of_history, months },
        (true, Some(available)) => Outlook::InsufficientHistory {
            months_available: available,
            months_needed: plan::forecast::MIN_RUN_RATE_MONTHS as u32,
        },
        (true, None) if methods.is_empty() => Outlook::InsufficientHistory {
            months_available: 0,
            months_needed: plan::forecast::MIN_RUN_RATE_MONTHS as u32,
        },
        (true, None) => Outlook::Ended,
    }
}
