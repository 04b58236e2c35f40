//! The plan's headline view: what `summary`, the Overview, the initiative pages and the report's
//! "At a glance" show, flat enough to pipe (`summary --json`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    ATTENTION_SHOWN, AttentionItem, Band, InitiativePlan, MonthToDate, Overbooked, Period, Plan, PlanMonth, Renewal,
    RunningMonth, SetAside,
};
use crate::domain::{Currency, Month};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Summary {
    pub base_currency: Currency,
    /// Figures use facts through the end of this month.
    pub as_of: Month,
    #[ts(type = "string")]
    pub today: NaiveDate,
    pub period: Period,
    pub running: Option<RunningMonth>,
    /// "2026 to date, through Nov".
    pub to_date_words: String,
    /// The period's budget; `None`: no budget set for the period.
    pub budget_period_minor: Option<i64>,
    pub budget_to_date_minor: i64,
    pub actual_to_date_minor: i64,
    /// Positive: over budget to date; negative: under.
    pub variance_to_date_minor: i64,
    pub month_to_date: Option<MonthToDate>,
    /// The landing's point: actual to date plus the forecast for the rest of the period.
    pub landing_minor: Option<i64>,
    pub landing: Option<Band>,
    /// Landing − budget of the period: positive lands over, negative under.
    pub landing_against_budget_minor: Option<i64>,
    pub run_out: Option<Month>,
    /// Spend no initiative claims, to date.
    pub unallocated_actual_minor: i64,
    /// The last closed month with actuals; the forecast starts after it.
    pub history_through: Option<Month>,
    pub headcount: u32,
    pub open_requisitions: u32,
    pub overbooked: Vec<Overbooked>,
    pub initiatives: u64,
    pub models: u64,
    pub models_by_stage: BTreeMap<String, u64>,
    pub models_by_risk_tier: BTreeMap<String, u64>,
    pub vendors: u64,
    pub contracts: u64,
    pub by_initiative: Vec<InitiativePlan>,
    /// The portfolio's months of the period.
    pub by_month: Vec<PlanMonth>,
    pub renewals: Vec<Renewal>,
    /// Worst first; surfaces show the first `attention_shown`.
    pub attention: Vec<AttentionItem>,
    pub attention_shown: u32,
    /// Months left out of forecasts, and why.
    pub set_aside: Vec<SetAside>,
}

impl From<&Plan> for Summary {
    fn from(plan: &Plan) -> Summary {
        let f = &plan.portfolio;
        Summary {
            base_currency: plan.base_currency,
            as_of: plan.as_of,
            today: plan.today,
            period: plan.period.clone(),
            running: plan.running,
            to_date_words: plan.to_date_words.clone(),
            budget_period_minor: f.budget_period_minor,
            budget_to_date_minor: f.budget_to_date_minor,
            actual_to_date_minor: f.actual_to_date_minor,
            variance_to_date_minor: f.variance_to_date_minor,
            month_to_date: f.month_to_date,
            landing_minor: f.landing.map(|l| l.point_minor),
            landing: f.landing,
            landing_against_budget_minor: f.landing_against_budget_minor,
            run_out: f.run_out,
            unallocated_actual_minor: plan.unallocated.actual_to_date_minor,
            history_through: plan.forecasts.history_through,
            headcount: plan.headcount,
            open_requisitions: plan.open_requisitions,
            overbooked: plan.overbooked.clone(),
            initiatives: plan.initiatives.len() as u64,
            models: plan.models,
            models_by_stage: plan.models_by_stage.clone(),
            models_by_risk_tier: plan.models_by_risk_tier.clone(),
            vendors: plan.vendors,
            contracts: plan.contracts,
            by_initiative: plan.initiatives.clone(),
            by_month: plan.months.clone(),
            renewals: plan.renewals.clone(),
            attention: plan.attention.clone(),
            attention_shown: ATTENTION_SHOWN as u32,
            set_aside: plan.forecasts.set_aside.clone(),
        }
    }
}
