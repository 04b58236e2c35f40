//! The planning core: one definition of every headline figure, read by every surface.
//!
//! Two halves. [`PlanInputs::load`] reads every dated fact once, cut at the as-of month (the only
//! I/O). [`compute`] is pure: from the inputs it computes a [`Plan`] — per initiative and month,
//! budget, actual, month-to-date, variance, the forecast with its interval, landing and run-out;
//! headcount and overbooking; renewals and notice deadlines; the attention list. The summary,
//! the forecast, the report, the charts, the XLSX and the app's pages read the Plan and compute no
//! figure of their own, so two surfaces cannot disagree. A scenario changes the inputs and calls
//! the same [`compute`].
//!
//! What each figure means is written in docs/figures.md; this module is that page in code. Money
//! stays integer minor units of the base currency; sums that could overflow saturate in the
//! forecast's bands and are checked everywhere a recorded amount is summed.

pub mod attention;
pub mod forecast;
pub mod grid;
pub mod inputs;
pub mod kpi;
pub mod model;
pub mod model_cost;
pub mod outliers;
pub mod period;
pub mod scenario;
pub mod summary;
pub mod team;
pub mod value;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use attention::{ATTENTION_SHOWN, AttentionItem, AttentionKind};
pub use forecast::{Band, Forecasts, Method, SetAside, SetAsideReason};
pub use grid::{BudgetGrid, GridCategory, GridMonth};
pub use inputs::{ModelFacts, MoneyFact, PlanInputs};
pub use period::{FiscalCalendar, Period, PeriodChoice, PeriodKind, RunningMonth};
pub use summary::Summary;
pub use team::{HeadcountMonth, HeadcountProjection, InitiativeHeadcountCost, Overbooked};

use crate::domain::{Category, Currency, InitiativeId, InitiativeStatus, Month};
use crate::error::{Error, Result};

/// The level of every forecast interval.
pub const LEVEL: f64 = 0.95;
/// Contracts whose notice deadline is this close are listed as renewing soon.
pub const RENEWAL_WINDOW_DAYS: i64 = 90;

/// What to compute beyond the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOptions {
    pub period: PeriodChoice,
    /// Months to forecast from the first forecast month, at the least (the period's end is always
    /// reached).
    pub horizon: u32,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions { period: PeriodChoice::CurrentFiscalYear, horizon: 1 }
    }
}

/// Where a month stands on the plan's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MonthState {
    /// Ended: its actuals are final (or have not been imported).
    Closed,
    /// Today's month: its actuals so far are month-to-date.
    Running,
    /// Not begun.
    Future,
}

/// One month of a period: what was budgeted, what was spent, what is still expected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PlanMonth {
    pub month: Month,
    pub state: MonthState,
    pub budget_minor: i64,
    /// Recorded through the as-of month; month-to-date for the running month.
    pub actual_minor: i64,
    /// Spend still expected in the month (for the running month: the rest of it); `None` for a
    /// month whose spend is all recorded, or after the as-of month's forecast ends.
    pub forecast: Option<Band>,
}

/// The running month so far: month-to-date actual against the budget's elapsed share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthToDate {
    pub month: Month,
    pub budget_minor: i64,
    pub actual_minor: i64,
}

/// The headline figures of a period for the portfolio, an initiative, or Unallocated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Figures {
    /// The period's budget lines; `None` when the period has none ("no budget set"), never 0.
    pub budget_period_minor: Option<i64>,
    /// Closed months through the as-of month, plus the running month's elapsed share.
    pub budget_to_date_minor: i64,
    /// Actuals of the period's months through the as-of month, month-to-date included.
    pub actual_to_date_minor: i64,
    /// Actual to date − budget to date: positive is over budget, negative under.
    pub variance_to_date_minor: i64,
    pub month_to_date: Option<MonthToDate>,
    /// Actual to date + the forecast for the rest of the period.
    pub landing: Option<Band>,
    /// The landing's point − the period's budget: positive lands over budget, negative under;
    /// `None` without a landing or without a budget.
    pub landing_against_budget_minor: Option<i64>,
    /// The first month cumulative spend (actual, then forecast) exceeds the period's budget.
    pub run_out: Option<Month>,
    /// The same if spend follows the top of the interval.
    pub run_out_earliest: Option<Month>,
}

impl Figures {
    /// Over budget to date.
    pub fn is_over(&self) -> bool {
        self.variance_to_date_minor > 0
    }
}

/// How an initiative's months to come are forecast, for a person to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InitiativePlan {
    pub id: InitiativeId,
    pub name: String,
    pub status: InitiativeStatus,
    pub figures: Figures,
    /// One line per category that is forecast: `compute: ETS(A,N,N) on 24 months`.
    pub methods: Vec<CategoryMethod>,
    #[serde(skip)]
    #[ts(skip)]
    pub months: Vec<PlanMonth>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CategoryMethod {
    pub category: Category,
    pub method: Method,
}

/// A contract whose notice deadline is near or has passed while it still runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Renewal {
    pub contract_id: i64,
    pub title: String,
    pub vendor: String,
    pub end: NaiveDate,
    pub notice_deadline: NaiveDate,
    /// Days from the plan's day to the deadline (negative: passed).
    pub days_to_notice: i64,
    pub days_to_end: i64,
    pub auto_renew: bool,
    pub value_minor: i64,
}

/// Everything the core computes for one as-of month and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub base_currency: Currency,
    pub as_of: Month,
    pub today: NaiveDate,
    /// The day "now" means for dated items: today in the running month, else the as-of month's
    /// last day.
    pub day: NaiveDate,
    pub period: Period,
    pub running: Option<RunningMonth>,
    /// "2026 to date, through Nov": how every surface says the period and the as-of month.
    pub to_date_words: String,
    pub portfolio: Figures,
    pub unallocated: Figures,
    /// The portfolio's months of the period.
    pub months: Vec<PlanMonth>,
    pub initiatives: Vec<InitiativePlan>,
    /// People on the team in the as-of month.
    pub headcount: u32,
    pub open_requisitions: u32,
    pub overbooked: Vec<Overbooked>,
    pub renewals: Vec<Renewal>,
    pub attention: Vec<AttentionItem>,
    pub forecasts: Forecasts,
    /// The team's cost from the first forecast month on.
    pub team: HeadcountProjection,
    pub models: u64,
    pub models_by_stage: BTreeMap<String, u64>,
    pub models_by_risk_tier: BTreeMap<String, u64>,
    pub vendors: u64,
    pub contracts: u64,
    pub attention_floor_minor: i64,
    /// Recorded actual per initiative (`None`: Unallocated) and month, every month through the
    /// as-of month.
    pub actual_by_month: BTreeMap<(Option<InitiativeId>, Month), i64>,
}

impl Plan {
    pub fn initiative(&self, id: InitiativeId) -> Option<&InitiativePlan> {
        self.initiatives.iter().find(|i| i.id == id)
    }

    /// Spend still expected in `month` by `initiative` (`None`: the whole portfolio): the sum of
    /// its series' forecasts, only the rest of the running month; `None` outside the forecast.
    pub fn expected(&self, initiative: Option<InitiativeId>, month: Month) -> Option<Band> {
        if month < self.forecasts.first_month || month > self.forecasts.last_month {
            return None;
        }
        let band = self
            .forecasts
            .series
            .iter()
            .filter(|s| initiative.is_none() || s.initiative == initiative)
            .filter_map(|s| self.forecasts.month(s, month))
            .fold(Band::default(), Band::plus);
        Some(match self.running.filter(|r| r.month == month) {
            Some(r) => band.map(|v| r.remaining_share(v)),
            None => band,
        })
    }

    /// Recorded actual of `month` for `initiative` (`None`: the whole portfolio).
    pub fn actual(&self, initiative: Option<InitiativeId>, month: Month) -> i64 {
        match initiative {
            Some(_) => self.actual_by_month.get(&(initiative, month)).copied().unwrap_or(0),
            None => self.actual_by_month.iter().filter(|((_, m), _)| *m == month).map(|(_, v)| *v).sum(),
        }
    }
}

/// Reads the portfolio and computes its plan: the one entry point of every surface.
pub fn plan(conn: &rusqlite::Connection, as_of: Month, today: NaiveDate, options: &PlanOptions) -> Result<Plan> {
    compute(&PlanInputs::load(conn, as_of, today)?, options)
}

/// Computes the plan from its inputs. Pure: no SQL, no clock, no I/O.
pub fn compute(inputs: &PlanInputs, options: &PlanOptions) -> Result<Plan> {
    let as_of = inputs.as_of;
    let today = inputs.today;
    let running = RunningMonth::of(today, as_of);
    let all_time = money_span(inputs).unwrap_or((as_of, as_of));
    let period = Period::resolve(options.period, as_of, inputs.fiscal_year_start, all_time);
    let day = period::as_of_day(as_of, today);

    // Where history ends and the forecast begins.
    let history_through =
        inputs.actuals.iter().map(|a| a.month).filter(|m| period::is_closed(*m, today) && *m <= as_of).max();
    let first_forecast = match (history_through, running) {
        (Some(through), _) => through.plus(1),
        (None, Some(r)) => r.month,
        (None, None) => as_of.plus(1),
    };
    let last_forecast = period.last.max(first_forecast.plus(options.horizon.max(1) as i32 - 1));

    let team = team::project(inputs, first_forecast, last_forecast, None);
    // Whose people cost is recorded here (people actuals, or people budgeted in the period).
    let people_recorded: HashSet<Option<InitiativeId>> = inputs
        .actuals
        .iter()
        .filter(|a| a.category == Category::People)
        .chain(inputs.budgets.iter().filter(|b| b.category == Category::People && period.contains(b.month)))
        .map(|f| f.initiative)
        .collect();
    let people_in_period = |initiative: Option<InitiativeId>| people_recorded.contains(&initiative);
    let forecasts =
        forecast::forecast(inputs, history_through, first_forecast, last_forecast, &team, &people_in_period);

    // Budget and actual per (initiative, month) within the period.
    let mut budget: HashMap<(Option<InitiativeId>, Month), i64> = HashMap::new();
    let mut has_budget: HashMap<Option<InitiativeId>, bool> = HashMap::new();
    for line in inputs.budgets.iter().filter(|b| period.contains(b.month)) {
        add(budget.entry((line.initiative, line.month)).or_default(), line.minor, "budget")?;
        has_budget.insert(line.initiative, true);
    }
    let mut actual: HashMap<(Option<InitiativeId>, Month), i64> = HashMap::new();
    for fact in inputs.actuals.iter().filter(|a| period.contains(a.month)) {
        add(actual.entry((fact.initiative, fact.month)).or_default(), fact.minor, "actual spend")?;
    }
    // Forecast still to come per (initiative, month).
    let mut expected: HashMap<(Option<InitiativeId>, Month), Band> = HashMap::new();
    for series in &forecasts.series {
        for month in period.months() {
            let Some(band) = still_expected(&forecasts, series, month, running.as_ref()) else { continue };
            let entry = expected.entry((series.initiative, month)).or_default();
            *entry = entry.plus(band);
        }
    }

    let state_of = |month: Month| match running {
        Some(r) if r.month == month => MonthState::Running,
        _ if period::is_closed(month, today) => MonthState::Closed,
        _ => MonthState::Future,
    };
    let months_of = |initiative: Option<InitiativeId>| -> Vec<PlanMonth> {
        period
            .months()
            .map(|month| PlanMonth {
                month,
                state: state_of(month),
                budget_minor: budget.get(&(initiative, month)).copied().unwrap_or(0),
                actual_minor: actual.get(&(initiative, month)).copied().unwrap_or(0),
                forecast: (month >= first_forecast).then(|| expected.get(&(initiative, month)).copied()).flatten(),
            })
            .collect()
    };
    let figures_of = |months: &[PlanMonth], has_budget: bool, can_run_out: bool| -> Result<Figures> {
        figures(months, has_budget, can_run_out, as_of, running.as_ref(), first_forecast)
    };

    let mut initiatives = Vec::with_capacity(inputs.initiatives.len());
    for facts in &inputs.initiatives {
        let months = months_of(Some(facts.id));
        let done = matches!(facts.status, InitiativeStatus::Done | InitiativeStatus::Cancelled)
            && facts.end.is_none_or(|end| end <= as_of);
        let figures = figures_of(&months, has_budget.contains_key(&Some(facts.id)), !done)?;
        let methods = forecasts
            .series
            .iter()
            .filter(|s| s.initiative == Some(facts.id))
            .map(|s| CategoryMethod { category: s.category, method: s.method.clone() })
            .collect();
        initiatives.push(InitiativePlan {
            id: facts.id,
            name: facts.name.clone(),
            status: facts.status,
            figures,
            methods,
            months,
        });
    }
    let unallocated_months = months_of(None);
    let unallocated = figures_of(&unallocated_months, false, false)?;

    // The portfolio: the sum of its initiatives and Unallocated, month by month.
    let mut months = unallocated_months;
    for initiative in &initiatives {
        for (sum, month) in months.iter_mut().zip(&initiative.months) {
            add(&mut sum.budget_minor, month.budget_minor, "budget")?;
            add(&mut sum.actual_minor, month.actual_minor, "actual spend")?;
            sum.forecast = match (sum.forecast, month.forecast) {
                (Some(a), Some(b)) => Some(a.plus(b)),
                (a, b) => a.or(b),
            };
        }
    }
    let portfolio = figures_of(&months, !has_budget.is_empty(), true)?;

    let overbooked = team::overbooked(inputs, as_of);
    let renewals = renewals(inputs, day);
    let mut models_by_stage: BTreeMap<String, u64> = BTreeMap::new();
    let mut models_by_risk_tier: BTreeMap<String, u64> = BTreeMap::new();
    for model in &inputs.models {
        *models_by_stage.entry(model.stage.as_str().to_owned()).or_default() += 1;
        *models_by_risk_tier.entry(model.risk_tier.as_str().to_owned()).or_default() += 1;
    }
    let to_date_words = period.to_date_words(as_of, running.as_ref());
    let mut actual_by_month = BTreeMap::new();
    for fact in &inputs.actuals {
        add(actual_by_month.entry((fact.initiative, fact.month)).or_default(), fact.minor, "actual spend")?;
    }
    let mut plan = Plan {
        base_currency: inputs.base_currency,
        as_of,
        today,
        day,
        period,
        running,
        to_date_words,
        portfolio,
        unallocated,
        months,
        initiatives,
        headcount: inputs.people.iter().filter(|p| p.on_team(as_of)).count() as u32,
        open_requisitions: inputs.requisitions.iter().filter(|r| r.status.is_open()).count() as u32,
        overbooked,
        renewals,
        attention: Vec::new(),
        forecasts,
        team,
        models: inputs.models.len() as u64,
        models_by_stage,
        models_by_risk_tier,
        vendors: inputs.vendors.len() as u64,
        contracts: inputs.contracts.len() as u64,
        attention_floor_minor: inputs.attention_floor_minor,
        actual_by_month,
    };
    plan.attention = attention::attention(&plan, inputs);
    Ok(plan)
}

/// What `series` still expects in `month`: its forecast from the first forecast month on, and of
/// the running month only the share of the days still to come.
pub fn still_expected(
    forecasts: &Forecasts,
    series: &forecast::Series,
    month: Month,
    running: Option<&RunningMonth>,
) -> Option<Band> {
    if month < forecasts.first_month {
        return None;
    }
    let band = forecasts.month(series, month)?;
    Some(match running.filter(|r| r.month == month) {
        Some(r) => band.map(|v| r.remaining_share(v)),
        None => band,
    })
}

/// The figures of one row (the portfolio, an initiative, Unallocated) from its months.
fn figures(
    months: &[PlanMonth],
    has_budget: bool,
    can_run_out: bool,
    as_of: Month,
    running: Option<&RunningMonth>,
    first_forecast: Month,
) -> Result<Figures> {
    let (mut budget_period, mut budget_to_date, mut actual_to_date) = (0i64, 0i64, 0i64);
    let mut month_to_date = None;
    for m in months {
        add(&mut budget_period, m.budget_minor, "budget")?;
        if m.month > as_of {
            continue;
        }
        add(&mut actual_to_date, m.actual_minor, "actual spend")?;
        match m.state {
            MonthState::Closed => add(&mut budget_to_date, m.budget_minor, "budget")?,
            MonthState::Running => {
                let share = running.map_or(0, |r| r.elapsed_share(m.budget_minor));
                add(&mut budget_to_date, share, "budget")?;
                month_to_date = Some(MonthToDate { month: m.month, budget_minor: share, actual_minor: m.actual_minor });
            }
            MonthState::Future => {}
        }
    }
    let variance = actual_to_date.checked_sub(budget_to_date).ok_or_else(|| {
        Error::Validation("the variance to date is too large to compute; check for huge amounts".into())
    })?;
    // Landing: recorded spend plus what is still expected.
    let rest = months
        .iter()
        .filter(|m| m.month >= first_forecast)
        .filter_map(|m| m.forecast)
        .fold(Band::default(), Band::plus);
    let landing = Some(rest.plus(Band::exactly(actual_to_date)));
    let budget_period = has_budget.then_some(budget_period);
    let run_out_on = |pick: fn(&Band) -> i64| -> Option<Month> {
        let budget = budget_period.filter(|b| *b > 0 && can_run_out)?;
        let mut spent = 0i64;
        for m in months {
            let recorded = if m.month <= as_of { m.actual_minor } else { 0 };
            spent = spent.saturating_add(recorded).saturating_add(m.forecast.as_ref().map_or(0, pick));
            if spent > budget {
                return Some(m.month);
            }
        }
        None
    };
    Ok(Figures {
        budget_period_minor: budget_period,
        budget_to_date_minor: budget_to_date,
        actual_to_date_minor: actual_to_date,
        variance_to_date_minor: variance,
        month_to_date,
        landing,
        landing_against_budget_minor: landing.zip(budget_period).map(|(l, b)| l.point_minor.saturating_sub(b)),
        run_out: run_out_on(|b| b.point_minor),
        run_out_earliest: run_out_on(|b| b.upper_minor),
    })
}

/// Contracts whose notice deadline is within [`RENEWAL_WINDOW_DAYS`] of `day`, or has passed
/// while the contract still runs; soonest deadline first.
fn renewals(inputs: &PlanInputs, day: NaiveDate) -> Vec<Renewal> {
    let mut out: Vec<Renewal> = inputs
        .contracts
        .iter()
        .filter(|c| c.end >= day)
        .filter(|c| (c.notice_deadline - day).num_days() <= RENEWAL_WINDOW_DAYS)
        .map(|c| Renewal {
            contract_id: c.id,
            title: c.title.clone(),
            vendor: c.vendor.clone(),
            end: c.end,
            notice_deadline: c.notice_deadline,
            days_to_notice: (c.notice_deadline - day).num_days(),
            days_to_end: (c.end - day).num_days(),
            auto_renew: c.auto_renew,
            value_minor: c.value_minor,
        })
        .collect();
    out.sort_by(|a, b| a.notice_deadline.cmp(&b.notice_deadline).then_with(|| a.title.cmp(&b.title)));
    out
}

/// The first and last months that hold any budget or actual.
pub(crate) fn money_span(inputs: &PlanInputs) -> Option<(Month, Month)> {
    let months = inputs.budgets.iter().chain(&inputs.actuals).map(|f| f.month);
    let (min, max) = months.fold((None::<Month>, None::<Month>), |(lo, hi), m| {
        (Some(lo.map_or(m, |lo| lo.min(m))), Some(hi.map_or(m, |hi| hi.max(m))))
    });
    Some((min?, max?))
}

/// `*sum += minor`, or an error that says which figure would overflow.
fn add(sum: &mut i64, minor: i64, what: &str) -> Result<()> {
    *sum = sum.checked_add(minor).ok_or_else(|| {
        Error::Validation(format!(
            "the {what} adds up to more than can be counted; an amount is far too large — find it with \
             `mlops-portfolio list actual` or `list budget` and correct it"
        ))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests;
