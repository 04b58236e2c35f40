//! The forecast of every series (initiative × category, and Unallocated × category): how each
//! month still to come is expected to spend, with a 95% interval.
//!
//! The rules, in one place (docs/figures.md says them in a user's words):
//! - A series is fitted on closed months only, from its first month with spend through the last
//!   closed month that holds any actual in the portfolio (`history_through`: a month with no
//!   actual anywhere is "not imported yet", not "spent nothing").
//! - A month holding an actual a person marked one-off, and a month [`outliers`] finds one-off,
//!   is left out of the fit: its neighbours' median stands in for it. Both are named in
//!   [`SetAside`] (a marked month with the amount marked, and only once).
//! - From [`MIN_HISTORY_MONTHS`] closed months on, the statistical models of [`model`] forecast the
//!   series. From [`MIN_RUN_RATE_MONTHS`] to fewer than that, the run rate forecasts it: the median
//!   of its last six months, with the lowest and highest of them as its range — a plain
//!   extrapolation, said as such. Below that nothing is forecast and the plan says so.
//! - The `people` category is not fitted: its months to come are the team's projected cost
//!   ([`super::team`]), so a hire or a leave changes them exactly. It is projected for a series
//!   that records people spend or budgets it in the period; otherwise the team is costed elsewhere.
//! - An initiative that is done or cancelled, or has ended before the first forecast month, is
//!   forecast to spend nothing; one that ends later spends nothing after its end month.
//!
//! [`outliers`]: super::outliers
//! [`model`]: super::model

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::inputs::{InitiativeFacts, PlanInputs};
use super::model::{self, Projection};
use super::outliers;
use super::scenario::Target;
use super::team::HeadcountProjection;
use crate::domain::{Category, InitiativeId, InitiativeStatus, Month};

pub use super::model::MIN_HISTORY_MONTHS;

/// Closed months a series needs for a run-rate forecast.
pub const MIN_RUN_RATE_MONTHS: usize = 3;
/// Months the run rate looks back over.
const RUN_RATE_MONTHS: usize = 6;

/// A forecast amount with its interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Band {
    pub point_minor: i64,
    pub lower_minor: i64,
    pub upper_minor: i64,
}

impl Band {
    pub fn exactly(minor: i64) -> Band {
        Band { point_minor: minor, lower_minor: minor, upper_minor: minor }
    }

    pub fn plus(self, other: Band) -> Band {
        Band {
            point_minor: self.point_minor.saturating_add(other.point_minor),
            lower_minor: self.lower_minor.saturating_add(other.lower_minor),
            upper_minor: self.upper_minor.saturating_add(other.upper_minor),
        }
    }

    pub fn map(self, f: impl Fn(i64) -> i64) -> Band {
        Band { point_minor: f(self.point_minor), lower_minor: f(self.lower_minor), upper_minor: f(self.upper_minor) }
    }
}

/// How a series' months to come are forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "method", rename_all = "snake_case")]
#[ts(export)]
pub enum Method {
    /// A statistical model fitted to the closed months.
    Model { model: String, months_of_history: u32 },
    /// Too short a history for a model: the median of the last months.
    RunRate { months_of_history: u32 },
    /// People: the team's projected cost.
    TeamPlan,
    /// Done, cancelled or ended: nothing more is expected.
    Ended,
    /// Too short a history even for a run rate: nothing is forecast.
    NotForecast { months_of_history: u32, months_needed: u32 },
    /// No history of its own: only what a scenario plans (a hire, a contract, an amount).
    Planned,
}

/// Why a month was left out of a fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SetAsideReason {
    /// A person marked actuals of the month one-off.
    Marked,
    /// The month stood far from its neighbours (a robust z-score above 3.5).
    Detected,
}

/// A month left out of a series' fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SetAside {
    pub initiative_id: Option<InitiativeId>,
    /// The initiative's name, or `Unallocated`.
    pub series: String,
    pub category: Category,
    pub month: Month,
    /// The month's spend (for a marked month: the amount marked one-off).
    pub amount_minor: i64,
    pub reason: SetAsideReason,
}

/// One series: its recorded months and its forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub initiative: Option<InitiativeId>,
    pub category: Category,
    pub method: Method,
    /// Full-month forecasts from the first forecast month through the last computed month.
    pub forecast: Vec<Band>,
}

/// The forecast of every series.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecasts {
    /// The last closed month holding any actual: history ends here.
    pub history_through: Option<Month>,
    pub first_month: Month,
    pub last_month: Month,
    pub series: Vec<Series>,
    pub set_aside: Vec<SetAside>,
}

impl Forecasts {
    /// The full-month forecast of `series` in `month`, if the month is forecast.
    pub fn month(&self, series: &Series, month: Month) -> Option<Band> {
        let k = usize::try_from(self.first_month.months_until(month)).ok()?;
        series.forecast.get(k).copied()
    }
}

/// A series: an initiative (`None`: Unallocated) and a category.
type SeriesKey = (Option<InitiativeId>, Category);
/// A month's spend and the part of it marked one-off.
type SpentAndMarked = (i64, i64);

/// Forecasts every series from `first_month` through `last_month`.
pub fn forecast(
    inputs: &PlanInputs,
    history_through: Option<Month>,
    first_month: Month,
    last_month: Month,
    team: &HeadcountProjection,
    people_projected: &dyn Fn(Option<InitiativeId>) -> bool,
) -> Forecasts {
    let horizon = (first_month.months_until(last_month) + 1).max(0) as usize;
    let initiatives: HashMap<InitiativeId, &InitiativeFacts> = inputs.initiatives.iter().map(|i| (i.id, i)).collect();

    // Closed history per series: spend and the part marked one-off, per month.
    let mut history: BTreeMap<SeriesKey, BTreeMap<Month, SpentAndMarked>> = BTreeMap::new();
    for fact in &inputs.actuals {
        let key = (fact.initiative, fact.category);
        let entry = history.entry(key).or_default();
        if history_through.is_some_and(|through| fact.month <= through) {
            let month = entry.entry(fact.month).or_default();
            month.0 += fact.minor;
            if fact.one_off {
                month.1 += fact.minor;
            }
        }
    }
    for initiative in &inputs.initiatives {
        if people_projected(Some(initiative.id)) {
            history.entry((Some(initiative.id), Category::People)).or_default();
        }
    }

    let mut series = Vec::with_capacity(history.len());
    let mut set_aside = Vec::new();
    let mut to_fit: Vec<(usize, Vec<f64>)> = Vec::new();
    for ((initiative, category), months) in history {
        let facts = initiative.and_then(|id| initiatives.get(&id).copied());
        let ended = facts.is_some_and(|i| {
            matches!(i.status, InitiativeStatus::Done | InitiativeStatus::Cancelled)
                || i.end.is_some_and(|end| end < first_month)
        });
        let mut entry =
            Series { initiative, category, method: Method::Ended, forecast: vec![Band::default(); horizon] };
        if ended {
            series.push(entry);
            continue;
        }
        if category == Category::People && people_projected(initiative) {
            entry.method = Method::TeamPlan;
            for (k, month) in team.months.iter().filter(|m| m.month >= first_month).take(horizon).enumerate() {
                let cost = match initiative {
                    Some(id) => month.cost_of(id),
                    None => month.unassigned_cost_minor(),
                };
                entry.forecast[k] = Band::exactly(cost);
            }
            series.push(entry);
            continue;
        }
        // One value per month from the first with spend through `history_through`.
        let values: Vec<(Month, i64, i64)> = match (months.keys().find(|m| months[m].0 != 0), history_through) {
            (Some(&start), Some(through)) => (0..=start.months_until(through))
                .map(|k| {
                    let month = start.plus(k);
                    let (spent, marked) = months.get(&month).copied().unwrap_or_default();
                    (month, spent, marked)
                })
                .collect(),
            _ => Vec::new(),
        };
        for (month, _, marked) in values.iter().filter(|(_, _, marked)| *marked != 0) {
            set_aside.push(SetAside {
                initiative_id: initiative,
                series: series_name(facts),
                category,
                month: *month,
                amount_minor: *marked,
                reason: SetAsideReason::Marked,
            });
        }
        // A month a person marked is left out of the fit whole (its neighbours stand in), and is
        // not judged again by the detector.
        let marked: Vec<usize> = values.iter().enumerate().filter(|(_, v)| v.2 != 0).map(|(i, _)| i).collect();
        let spent: Vec<f64> = values.iter().map(|(_, spent, _)| *spent as f64).collect();
        let cleaned = outliers::without(&spent, &marked);
        let n = cleaned.len();
        if n >= MIN_HISTORY_MONTHS {
            let detected: Vec<usize> =
                outliers::one_off_months(&cleaned).into_iter().filter(|i| !marked.contains(i)).collect();
            for &i in &detected {
                let (month, spent, _) = values[i];
                set_aside.push(SetAside {
                    initiative_id: initiative,
                    series: series_name(facts),
                    category,
                    month,
                    amount_minor: spent,
                    reason: SetAsideReason::Detected,
                });
            }
            to_fit.push((series.len(), outliers::without(&cleaned, &detected)));
        } else if n >= MIN_RUN_RATE_MONTHS {
            entry.method = Method::RunRate { months_of_history: n as u32 };
            entry.forecast = vec![run_rate(&cleaned); horizon];
        } else {
            entry.method =
                Method::NotForecast { months_of_history: n as u32, months_needed: MIN_RUN_RATE_MONTHS as u32 };
        }
        series.push(entry);
    }

    let fits: Vec<Vec<f64>> = to_fit.iter().map(|(_, values)| values.clone()).collect();
    for ((index, values), projection) in to_fit.iter().zip(model::forecast_many(&fits, horizon)) {
        let entry = &mut series[*index];
        match projection {
            Projection::Forecast(fitted) => {
                entry.method =
                    Method::Model { model: fitted.model, months_of_history: fitted.months_of_history as u32 };
                entry.forecast = (0..horizon)
                    .map(|k| Band {
                        point_minor: to_minor(fitted.point[k]),
                        lower_minor: to_minor(fitted.lower[k]),
                        upper_minor: to_minor(fitted.upper[k]),
                    })
                    .collect();
            }
            // The models could not fit this history: the run rate stands in.
            Projection::InsufficientHistory { .. } | Projection::Unforecastable { .. } => {
                entry.method = Method::RunRate { months_of_history: values.len() as u32 };
                entry.forecast = vec![run_rate(values); horizon];
            }
        }
    }
    planned_changes(inputs, &mut series, first_month, horizon);
    // Nothing after an initiative's end month.
    for entry in &mut series {
        if let Some(end) = entry.initiative.and_then(|id| initiatives.get(&id)).and_then(|i| i.end) {
            for (k, band) in entry.forecast.iter_mut().enumerate() {
                if first_month.plus(k as i32) > end {
                    *band = Band::default();
                }
            }
        }
    }
    set_aside.sort_by(|a, b| a.month.cmp(&b.month).then(a.initiative_id.cmp(&b.initiative_id)));
    Forecasts { history_through, first_month, last_month, series, set_aside }
}

/// A scenario's changes to the months to come, in order: hires whose cost no team plan carries
/// (an initiative that does not record people spend), then each spend adjustment. Nothing here for
/// a portfolio as recorded.
fn planned_changes(inputs: &PlanInputs, series: &mut Vec<Series>, first_month: Month, horizon: usize) {
    let month_at = |k: usize| first_month.plus(k as i32);
    let after = inputs.as_of;
    let series_of = |series: &mut Vec<Series>, initiative: Option<InitiativeId>, category: Category| -> usize {
        match series.iter().position(|s| s.initiative == initiative && s.category == category) {
            Some(i) => i,
            None => {
                let forecast = vec![Band::default(); horizon];
                series.push(Series { initiative, category, method: Method::Planned, forecast });
                series.len() - 1
            }
        }
    };
    for hire in inputs.requisitions.iter().filter(|r| r.planned && r.status.is_open()) {
        let i = series_of(series, hire.initiative, Category::People);
        if series[i].method == Method::TeamPlan {
            continue;
        }
        let annual = i128::from(inputs.role_cost_minor.get(&hire.role).copied().unwrap_or(0));
        let cost = super::team::monthly(annual * i128::from(hire.percent), 100);
        for (k, band) in series[i].forecast.iter_mut().enumerate() {
            let month = month_at(k);
            if month > after && month >= hire.start {
                *band = band.plus(Band::exactly(cost));
            }
        }
    }
    for adjustment in &inputs.adjustments {
        match adjustment.target {
            Target::Initiative(id) if adjustment.adds_spend() => {
                series_of(series, Some(id), adjustment.category);
            }
            Target::Unallocated => {
                // Where the team plan projects unassigned people cost, it already counts them.
                let i = series_of(series, None, adjustment.category);
                if series[i].method == Method::TeamPlan {
                    continue;
                }
            }
            _ => {}
        }
        for entry in
            series.iter_mut().filter(|s| s.category == adjustment.category && adjustment.target.reaches(s.initiative))
        {
            for (k, band) in entry.forecast.iter_mut().enumerate() {
                let month = month_at(k);
                if month <= after {
                    continue;
                }
                *band = Band {
                    point_minor: band.point_minor + adjustment.delta(month, band.point_minor),
                    lower_minor: band.lower_minor + adjustment.delta(month, band.lower_minor),
                    upper_minor: band.upper_minor + adjustment.delta(month, band.upper_minor),
                };
            }
        }
    }
}

fn series_name(initiative: Option<&InitiativeFacts>) -> String {
    initiative.map_or_else(|| "Unallocated".to_owned(), |i| i.name.clone())
}

/// The median of the last [`RUN_RATE_MONTHS`] months, with their lowest and highest as its range.
fn run_rate(values: &[f64]) -> Band {
    let recent = &values[values.len().saturating_sub(RUN_RATE_MONTHS)..];
    let mut sorted = recent.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return Band::default();
    }
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
    Band { point_minor: to_minor(median), lower_minor: to_minor(sorted[0]), upper_minor: to_minor(sorted[n - 1]) }
}

/// A forecast amount as minor units: the nearest whole one.
fn to_minor(value: f64) -> i64 {
    // Finite by construction (the model refuses non-finite output); `as` saturates besides.
    value.round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_rate_is_the_median_of_the_last_six_months_with_their_range() {
        let band = run_rate(&[1.0, 100.0, 10.0, 30.0, 20.0, 50.0, 40.0]);
        assert_eq!((band.point_minor, band.lower_minor, band.upper_minor), (35, 10, 100));
        assert_eq!(run_rate(&[5.0, 7.0, 9.0]).point_minor, 7);
    }
}
