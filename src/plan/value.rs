//! What an initiative is worth against what it costs, and the KPIs computed from the planning
//! core rather than measured.
//!
//! - **ROI** of an initiative in a month = its stated annual benefit ÷ its annualised cost: its
//!   actuals (every category: its fully loaded cost) over the 12 closed months ending with that
//!   month, × 12 ÷ the months counted when it has spent for fewer than 12. Said as "2.4×".
//! - **Payback** = its spend to date ÷ its monthly benefit (the annual benefit ÷ 12): how many
//!   months of benefit repay what has been spent so far.
//! - **Cost per 1,000 predictions** of a model in a month = the model's fully loaded cost that month
//!   ([`super::model_cost`]) ÷ its predictions that month × 1,000. The predictions come from the
//!   KPI's `metric_key`, a throughput metric of the model in predictions per second: the mean of
//!   its daily means × the seconds of the month.
//!
//! Computed values are monthly, dated the month's last day, for closed months only: a running
//! month's cost is not yet known.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::inputs::PlanInputs;
use super::kpi::{KpiFacts, KpiReading, KpiSource, bound_series, daily_means, epoch_seconds};
use super::model_cost::{self, ModelCosts};
use super::period::{self, Period, PeriodKind};
use crate::domain::{Currency, InitiativeId, KpiFormula, Month};
use crate::error::Result;

/// Months of cost ROI is measured against.
pub const ROI_MONTHS: i32 = 12;
/// The metric keys that count a model's predictions per second (the `http` and `triton`
/// templates bind `requests_per_s`).
pub const THROUGHPUT_KEYS: [&str; 2] = ["predictions_per_s", "requests_per_s"];

/// An initiative's stated value against its cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InitiativeValue {
    pub initiative_id: InitiativeId,
    pub name: String,
    pub annual_benefit_minor: i64,
    /// The cost ROI is measured against: the closed months counted and what they cost.
    pub months_counted: u32,
    pub trailing_cost_minor: i64,
    /// That cost over a year (× 12 ÷ months counted).
    pub annual_cost_minor: i64,
    /// Benefit ÷ annual cost; none when nothing was spent.
    pub roi: Option<f64>,
    /// Every actual of the initiative through the as-of month.
    pub spend_to_date_minor: i64,
    /// Spend to date ÷ monthly benefit; none when the benefit is zero.
    pub payback_months: Option<f64>,
    pub currency: Currency,
}

/// The value of every initiative that states an annual benefit, as of the month `through`
/// (closed months only count towards ROI).
pub fn initiative_values(inputs: &PlanInputs) -> Vec<InitiativeValue> {
    let through = last_closed(inputs);
    inputs
        .initiatives
        .iter()
        .filter_map(|i| {
            let benefit = i.annual_benefit_minor?;
            Some(value_of(inputs, i.id, &i.name, benefit, through))
        })
        .collect()
}

fn value_of(inputs: &PlanInputs, id: InitiativeId, name: &str, benefit: i64, through: Month) -> InitiativeValue {
    let spent = inputs.actuals.iter().filter(|a| a.initiative == Some(id));
    let first_spend = spent.clone().filter(|a| a.minor != 0 && a.month <= through).map(|a| a.month).min();
    let window_first = through.plus(1 - ROI_MONTHS);
    let counted_from = first_spend.map_or(window_first, |f| f.max(window_first));
    let months_counted = (counted_from.months_until(through) + 1).max(0) as u32;
    let trailing: i64 = spent.clone().filter(|a| a.month >= counted_from && a.month <= through).map(|a| a.minor).sum();
    let annual_cost_minor = if months_counted == 0 {
        0
    } else {
        (i128::from(trailing) * 12 / i128::from(months_counted)).clamp(i64::MIN.into(), i64::MAX.into()) as i64
    };
    let spend_to_date_minor: i64 = spent.filter(|a| a.month <= inputs.as_of).map(|a| a.minor).sum();
    InitiativeValue {
        initiative_id: id,
        name: name.to_owned(),
        annual_benefit_minor: benefit,
        months_counted: if first_spend.is_some() { months_counted } else { 0 },
        trailing_cost_minor: trailing,
        annual_cost_minor,
        roi: (annual_cost_minor > 0).then(|| benefit as f64 / annual_cost_minor as f64),
        spend_to_date_minor,
        payback_months: (benefit > 0).then(|| spend_to_date_minor as f64 / (benefit as f64 / 12.0)),
        currency: inputs.base_currency,
    }
}

/// The newest closed month on or before the as-of month.
fn last_closed(inputs: &PlanInputs) -> Month {
    let running = Month::of(inputs.today);
    if inputs.as_of < running { inputs.as_of } else { running.plus(-1) }
}

/// Sets each model's cost per 1,000 predictions where it has a throughput metric bound
/// ([`THROUGHPUT_KEYS`]): its cost over the counted months that have throughput data ÷ its
/// predictions in those months (each month's mean daily rate × its seconds) × 1,000.
pub fn add_throughput(conn: &Connection, costs: &mut ModelCosts) -> Result<()> {
    let scale = 10f64.powi(costs.currency.minor_digits() as i32);
    let mut find = conn.prepare_cached(
        "SELECT id FROM metric_series WHERE model_id = ?1 AND key IN (?2, ?3) ORDER BY key = ?2 DESC LIMIT 1",
    )?;
    for model in &mut costs.models {
        let series: Option<i64> = find
            .query_row(rusqlite::params![model.model_id.0, THROUGHPUT_KEYS[0], THROUGHPUT_KEYS[1]], |r| r.get(0))
            .optional()?;
        let Some(series) = series else { continue };
        let (mut cost, mut predictions) = (0i64, 0f64);
        for (m, month_cost) in costs.months.iter().zip(&model.by_month_minor) {
            if let Some(count) = predictions_in(conn, series, *m)? {
                predictions += count;
                cost += month_cost;
            }
        }
        if predictions > 0.0 {
            model.per_1000_predictions = Some(cost as f64 / scale / predictions * 1_000.0);
        }
    }
    Ok(())
}

/// The predictions of `month` by a throughput metric in predictions per second: the mean of its
/// daily means × the seconds of the month; none when the month has no data.
fn predictions_in(conn: &Connection, series: i64, month: Month) -> Result<Option<f64>> {
    let (from, to) = (epoch_seconds(month.first_day()), epoch_seconds(period::last_day(month)) + 86_399);
    let means = daily_means(conn, series, from, to)?;
    if means.is_empty() {
        return Ok(None);
    }
    let rate = means.iter().map(|(_, v)| v).sum::<f64>() / means.len() as f64;
    Ok(Some(rate * 86_400.0 * f64::from(period::days_in(month))))
}

/// Adds the computed readings of every formula KPI in `kpis`, for the closed months from `from`
/// through the inputs' as-of month.
pub fn add_computed(conn: &Connection, inputs: &PlanInputs, kpis: &mut [KpiFacts], from: NaiveDate) -> Result<()> {
    if kpis.iter().all(|k| k.formula.is_none()) {
        return Ok(());
    }
    let through = last_closed(inputs);
    let first = Month::of(from);
    if first > through {
        return Ok(());
    }
    let months: Vec<Month> = (0..=first.months_until(through)).map(|k| first.plus(k)).collect();
    let needs_cost = kpis.iter().any(|k| k.formula == Some(KpiFormula::CostPer1000Predictions));
    let costs = needs_cost.then(|| {
        let period = Period {
            kind: PeriodKind::All,
            key: "computed".into(),
            label: format!("{first} to {through}"),
            first,
            last: through,
        };
        model_cost::costs_over(inputs, period, months.clone())
    });
    let scale = 10f64.powi(inputs.base_currency.minor_digits() as i32);
    for kpi in kpis.iter_mut() {
        let computed: Vec<KpiReading> = match kpi.formula {
            None => continue,
            Some(KpiFormula::Roi) => {
                let Some(initiative) = kpi.initiative.and_then(|id| inputs.initiatives.iter().find(|i| i.id == id))
                else {
                    continue;
                };
                let Some(benefit) = initiative.annual_benefit_minor else { continue };
                months
                    .iter()
                    .filter_map(|m| {
                        let roi = value_of(inputs, initiative.id, &initiative.name, benefit, *m).roi?;
                        Some(KpiReading { date: period::last_day(*m), value: roi, source: KpiSource::Computed })
                    })
                    .collect()
            }
            Some(KpiFormula::CostPer1000Predictions) => {
                let (Some(model), Some(key), Some(costs)) = (kpi.model, kpi.metric_key.as_deref(), costs.as_ref())
                else {
                    continue;
                };
                let Some((series, model_name)) = bound_series(conn, model, key)? else { continue };
                kpi.bound_to = Some(format!("{key} of {model_name} (predictions per second)"));
                let mut out = Vec::new();
                for m in &months {
                    let Some(predictions) = predictions_in(conn, series, *m)? else { continue };
                    let Some(cost) = costs.month_minor(model, *m) else { continue };
                    if predictions > 0.0 {
                        let value = cost as f64 / scale / predictions * 1_000.0;
                        out.push(KpiReading { date: period::last_day(*m), value, source: KpiSource::Computed });
                    }
                }
                out
            }
        };
        kpi.readings = computed;
    }
    Ok(())
}
