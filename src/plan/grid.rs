//! The budget grid's figures: an initiative's budget per category and month in the base currency,
//! and the rows under it (budget, actual, over or under), from the same plan as every other
//! surface. The grid edits budget lines in their own currency; every total it shows is this one,
//! so a line in EUR and actuals in USD add up as the Overview's figures do.

use serde::{Deserialize, Serialize};

use super::inputs::PlanInputs;
use super::{MonthState, Period, Plan};
use crate::domain::{Category, Currency, InitiativeId, Month};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BudgetGrid {
    pub initiative_id: InitiativeId,
    pub period: Period,
    pub base_currency: Currency,
    /// "2026 to date, through Nov".
    pub to_date_words: String,
    pub months: Vec<GridMonth>,
    /// One row per category, in the order of [`Category::ALL`].
    pub categories: Vec<GridCategory>,
    /// The period's budget; `None`: no budget set.
    pub budget_period_minor: Option<i64>,
    pub budget_to_date_minor: i64,
    pub actual_to_date_minor: i64,
    /// Actual to date − budget to date: positive over, negative under.
    pub variance_to_date_minor: i64,
    /// Where the period lands (the categories' forecasts add up to it); `None`: not forecast.
    pub landing_minor: Option<i64>,
    /// Fiscal years a person can open: those with the initiative's budget lines, the as-of
    /// month's and the next (to plan it).
    pub years: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct GridMonth {
    pub month: Month,
    pub state: MonthState,
    pub budget_minor: i64,
    /// Recorded spend (month-to-date in the running month); `None` after the as-of month.
    pub actual_minor: Option<i64>,
    /// What counts of the budget so far: all of a closed month, the elapsed share of the running
    /// one, nothing of a month not begun; `None` after the as-of month.
    pub budget_to_date_minor: Option<i64>,
    /// Actual − budget to date: positive over; `None` after the as-of month.
    pub variance_minor: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct GridCategory {
    pub category: Category,
    /// The category's budget of the period, in the base currency.
    pub total_minor: i64,
    /// Where the category lands in the period: recorded spend through the as-of month plus what
    /// its forecast still expects; `None` when it has neither.
    pub forecast_minor: Option<i64>,
}

/// Where one category of an initiative lands in the plan's period: its actuals through the as-of
/// month, then its forecast series' months still expected (the same sum as the initiative's
/// landing, split by category).
fn category_landing(plan: &Plan, inputs: &PlanInputs, initiative: InitiativeId, category: Category) -> Option<i64> {
    let recorded: Vec<i64> = inputs
        .actuals
        .iter()
        .filter(|a| {
            a.initiative == Some(initiative)
                && a.category == category
                && plan.period.contains(a.month)
                && a.month <= plan.as_of
        })
        .map(|a| a.minor)
        .collect();
    let series = plan.forecasts.series.iter().find(|s| s.initiative == Some(initiative) && s.category == category);
    if recorded.is_empty() && series.is_none() {
        return None;
    }
    let expected: i64 = series.map_or(0, |series| {
        plan.period
            .months()
            .filter_map(|m| super::still_expected(&plan.forecasts, series, m, plan.running.as_ref()))
            .map(|b| b.point_minor)
            .sum()
    });
    Some(recorded.iter().sum::<i64>() + expected)
}

/// The grid of `initiative` in the plan's period; `None` when the plan has no such initiative.
pub fn budget_grid(plan: &Plan, inputs: &PlanInputs, initiative: InitiativeId) -> Option<BudgetGrid> {
    let row = plan.initiative(initiative)?;
    let months = row
        .months
        .iter()
        .map(|m| {
            let counted = m.month <= plan.as_of;
            let to_date = match m.state {
                MonthState::Closed => m.budget_minor,
                MonthState::Running => plan.running.map_or(0, |r| r.elapsed_share(m.budget_minor)),
                MonthState::Future => 0,
            };
            GridMonth {
                month: m.month,
                state: m.state,
                budget_minor: m.budget_minor,
                actual_minor: counted.then_some(m.actual_minor),
                budget_to_date_minor: counted.then_some(to_date),
                variance_minor: counted.then(|| m.actual_minor.saturating_sub(to_date)),
            }
        })
        .collect();
    let categories = Category::ALL
        .iter()
        .map(|&category| GridCategory {
            category,
            total_minor: inputs
                .budgets
                .iter()
                .filter(|b| b.initiative == Some(initiative) && b.category == category && plan.period.contains(b.month))
                .fold(0i64, |sum, b| sum.saturating_add(b.minor)),
            forecast_minor: category_landing(plan, inputs, initiative, category),
        })
        .collect();
    let fiscal = super::FiscalCalendar::new(inputs.fiscal_year_start);
    let current = fiscal.year_of(plan.as_of);
    let mut years: Vec<i32> = inputs
        .budgets
        .iter()
        .filter(|b| b.initiative == Some(initiative))
        .map(|b| fiscal.year_of(b.month))
        .chain([current, current + 1])
        .collect();
    years.sort_unstable();
    years.dedup();
    let f = &row.figures;
    Some(BudgetGrid {
        initiative_id: initiative,
        period: plan.period.clone(),
        base_currency: plan.base_currency,
        to_date_words: plan.to_date_words.clone(),
        months,
        categories,
        budget_period_minor: f.budget_period_minor,
        budget_to_date_minor: f.budget_to_date_minor,
        actual_to_date_minor: f.actual_to_date_minor,
        variance_to_date_minor: f.variance_to_date_minor,
        landing_minor: f.landing.map(|b| b.point_minor),
        years,
    })
}
