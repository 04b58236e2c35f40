//! KPIs and what models and initiatives are worth: record a KPI value, the scorecard, the fully
//! loaded cost of each model, and each initiative's ROI and payback. The figures are the planning
//! core's ([`crate::plan::kpi`], [`crate::plan::model_cost`], [`crate::plan::value`]).

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::domain::{EntityKind, InitiativeId, KpiId, KpiValue, KpiValueSource, Month};
use crate::error::{Error, Result};
use crate::plan::kpi::Scorecard;
use crate::plan::model_cost::ModelCosts;
use crate::plan::value::InitiativeValue;
use crate::plan::{PeriodChoice, PlanInputs, period};
use crate::store::{Store, records};

/// `kpi record KPI value=0.93 date=2026-11-30 note=…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct KpiRecordRequest {
    /// The KPI, by name or id.
    pub kpi: String,
    pub value: f64,
    /// The day the value is for; today when absent.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
}

/// What `kpi record` wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct KpiRecorded {
    pub kpi_id: KpiId,
    pub kpi: String,
    pub date: NaiveDate,
    pub value: f64,
    /// The value as every surface writes it, with its unit (`212 ms`).
    pub value_text: String,
    /// The value it replaced, when the KPI already had one that day, and in words.
    pub replaced: Option<f64>,
    pub replaced_text: Option<String>,
    /// The KPI's status with this value, on its day.
    pub status: crate::plan::kpi::KpiStatus,
}

/// Records a typed value: one a day per KPI, so a second value for the same day replaces the
/// first (audited as an update). A computed KPI takes no typed values.
pub fn kpi_record(store: &mut Store, request: KpiRecordRequest) -> Result<KpiRecorded> {
    let kpi_id = KpiId(records::resolve(store.conn(), EntityKind::Kpi, &request.kpi)?);
    let kpi = records::get::<crate::domain::Kpi>(store.conn(), kpi_id)?.record;
    if let Some(formula) = kpi.formula {
        return Err(Error::Validation(format!(
            "kpi: `{}` is computed ({formula}); its values come from the portfolio, not by hand",
            kpi.name
        )));
    }
    let today = period::today();
    let date = request.date.unwrap_or(today);
    if date > today {
        return Err(Error::Validation(format!(
            "date: {date} is after today ({today}); a KPI value is for a day that has come"
        )));
    }
    let value = KpiValue {
        kpi_id,
        date,
        value: request.value,
        source: KpiValueSource::Typed,
        note: request.note.filter(|n| !n.trim().is_empty()),
    };
    let replaced = store.in_transaction(|tx, actor| {
        let existing: Option<(i64, f64)> = tx
            .query_row(
                "SELECT id, value FROM kpi_values WHERE kpi_id = ?1 AND date = ?2",
                rusqlite::params![kpi_id.0, date.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match existing {
            Some((id, before)) => {
                records::update(tx, actor, crate::domain::KpiValueId(id), &value)?;
                Ok(Some(before))
            }
            None => {
                records::insert(tx, actor, &value)?;
                Ok(None)
            }
        }
    })?;
    let band =
        crate::plan::kpi::TargetBand { low: kpi.target_low, high: kpi.target_high, amber_margin: kpi.amber_margin };
    let text = |v: f64| crate::domain::words::with_unit(v, &kpi.unit);
    Ok(KpiRecorded {
        kpi_id,
        value_text: text(request.value),
        replaced_text: replaced.map(text),
        kpi: kpi.name,
        date,
        value: request.value,
        replaced,
        status: band.judge(request.value),
    })
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScorecardRequest {
    /// Only this initiative's KPIs (name or id).
    #[serde(default)]
    pub initiative: Option<String>,
    /// The day to judge on; today when absent.
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
}

pub fn kpi_scorecard(store: &mut Store, request: ScorecardRequest) -> Result<Scorecard> {
    let initiative = request
        .initiative
        .as_deref()
        .map(|text| records::resolve(store.conn(), EntityKind::Initiative, text).map(InitiativeId))
        .transpose()?;
    let today = period::today();
    let as_of = request.as_of.unwrap_or(today);
    let inputs = PlanInputs::load_remembered(store, Month::of(as_of), today)?;
    crate::plan::kpi::scorecard(store.conn(), &inputs, as_of, initiative)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CostModelsRequest {
    /// A fiscal year (`2026`), a quarter (`2026-Q3`) or `all`; the current fiscal year when absent.
    #[serde(default)]
    pub period: Option<String>,
    /// Counted through this month; this month when absent.
    #[serde(default)]
    pub as_of: Option<Month>,
}

pub fn cost_models(store: &mut Store, request: CostModelsRequest) -> Result<ModelCosts> {
    let period: PeriodChoice = request.period.as_deref().unwrap_or("").parse()?;
    let as_of = request.as_of.unwrap_or_else(super::current_month);
    let inputs = PlanInputs::load_remembered(store, as_of, period::today())?;
    let mut costs = crate::plan::model_cost::model_costs(&inputs, period);
    crate::plan::value::add_throughput(store.conn(), &mut costs)?;
    Ok(costs)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InitiativeValuesRequest {
    /// As of the end of this month; this month when absent.
    #[serde(default)]
    pub as_of: Option<Month>,
}

pub fn initiative_values(store: &mut Store, request: InitiativeValuesRequest) -> Result<Vec<InitiativeValue>> {
    let as_of = request.as_of.unwrap_or_else(super::current_month);
    let inputs = PlanInputs::load_remembered(store, as_of, period::today())?;
    Ok(crate::plan::value::initiative_values(&inputs))
}
