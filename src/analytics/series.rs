//! The figures behind each chart: month-by-month series, the allocation matrix, KPI measurements,
//! the model inventory, cost per model, the vendor timeline and one model's live metric.
//!
//! One function per chart, each returning a plain struct that [`crate::charts`] draws. The
//! portfolio's figures come from the planning core — the [`Plan`](crate::plan::Plan) for budget
//! burn, its [`PlanInputs`] (every fact cut at the as-of month, converted to the base currency
//! once) for the rest — so a chart, the summary and the report cannot disagree about a month or a
//! rate. Only the two charts of measurements (a KPI's values, a model's live metric) read the
//! metric store, which the planning core does not hold. Money stays `i64` minor units; the charts
//! turn it into plot coordinates. Long lists are folded into an
//! "Other" entry here (top N by size), so that 200 initiatives stay readable and the fold is stated
//! in the chart's own words.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::domain::{
    Category, Currency, InitiativeId, KpiDirection, KpiId, ModelId, ModelStage, Month, RiskTier, RollupGrain, VendorId,
};
use crate::error::{Error, Result};
use crate::plan::model_cost::CostPart;
use crate::plan::{MoneyFact, PlanInputs};
use crate::sync::readout::MetricReadout;

/// How many named series a stacked chart shows before folding the rest into "Other".
pub const DEFAULT_TOP: usize = 7;
/// How many months the monthly spend chart covers.
pub const SPEND_MONTHS: i32 = 24;
/// The trailing window (in months) of cost per model and vendor spend.
pub const TRAILING_MONTHS: i32 = 12;
/// Headcount: months shown before and after `as_of`.
pub const HEADCOUNT_MONTHS_BACK: i32 = 11;
pub const HEADCOUNT_MONTHS_AHEAD: i32 = 6;
/// The allocation heatmap's largest grid; beyond it the rest is folded and the chart says so.
pub const ALLOCATION_MAX_PEOPLE: usize = 40;
pub const ALLOCATION_MAX_INITIATIVES: usize = 14;
/// Models and vendors shown by name before the rest become "Other".
pub const COST_PER_MODEL_TOP: usize = 15;
pub const VENDOR_TOP: usize = 12;

/// What a chart is about: the whole portfolio or one initiative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scope {
    pub initiative: Option<InitiativeId>,
    /// "the portfolio" or the initiative's name.
    pub label: String,
}

impl Scope {
    pub fn portfolio() -> Scope {
        Scope { initiative: None, label: "the portfolio".to_owned() }
    }

    /// The scope of initiative `id`, named as it is stored.
    pub fn initiative(conn: &Connection, id: InitiativeId) -> Result<Scope> {
        let name: Option<String> =
            conn.query_row("SELECT name FROM initiatives WHERE id = ?1", [id.0], |r| r.get(0)).optional()?;
        let name = name.ok_or_else(|| Error::not_found(crate::domain::EntityKind::Initiative, id.0))?;
        Ok(Scope { initiative: Some(id), label: name })
    }

    fn id(&self) -> Option<i64> {
        self.initiative.map(|id| id.0)
    }
}

/// A forecast month on the budget-burn chart: cumulative spend for the year and its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForecastPoint {
    pub month: Month,
    /// Cumulative spend of the year through `month` (actuals to date plus the forecast).
    pub cumulative_minor: i64,
    pub lower_minor: i64,
    pub upper_minor: i64,
}

/// The forecast drawn over budget vs actual. Filled by the forecasting code; the chart draws
/// without it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BurnForecast {
    pub points: Vec<ForecastPoint>,
    /// The confidence of the band, e.g. 0.95.
    pub level: f64,
}

/// Chart 1: budget and actual spend of one period (the fiscal year of `as_of`), cumulative by month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetBurn {
    pub scope: Scope,
    pub currency: Currency,
    pub as_of: Month,
    /// The period as every surface writes it: `2026`, `FY2027`.
    pub period: String,
    /// Whether the period has budget lines at all ("no budget set" is not a budget of 0).
    pub has_budget: bool,
    /// The months of the period.
    pub months: Vec<Month>,
    /// Cumulative budget through each of `months`.
    pub budget_cumulative_minor: Vec<i64>,
    /// Cumulative actual spend from January through the last month with actuals (up to `as_of`);
    /// shorter than `months`, or empty.
    pub actual_cumulative_minor: Vec<i64>,
    pub forecast: Option<BurnForecast>,
    /// The month cumulative spend passes the year's budget: from actuals when it already has,
    /// otherwise from the forecast when there is one.
    pub run_out: Option<Month>,
}

impl BudgetBurn {
    pub fn year_budget_minor(&self) -> i64 {
        self.budget_cumulative_minor.last().copied().unwrap_or(0)
    }

    pub fn actual_to_date_minor(&self) -> i64 {
        self.actual_cumulative_minor.last().copied().unwrap_or(0)
    }

    /// The last month with actuals, if any.
    pub fn actuals_through(&self) -> Option<Month> {
        self.actual_cumulative_minor.len().checked_sub(1).and_then(|i| self.months.get(i).copied())
    }

    pub fn is_empty(&self) -> bool {
        self.year_budget_minor() == 0 && self.actual_cumulative_minor.iter().all(|&v| v == 0)
    }

    /// Adds a forecast (from the forecasting code) and takes its run-out month unless actuals
    /// already ran out.
    pub fn with_forecast(mut self, forecast: BurnForecast, run_out: Option<Month>) -> BudgetBurn {
        self.forecast = Some(forecast);
        self.run_out = self.run_out.or(run_out);
        self
    }
}

/// The budget-burn chart of a plan: the period's budget and spend, cumulative, and the plan's
/// forecast of the rest of it (the running month's month-to-date, then what is still expected).
pub fn budget_burn_of(plan: &crate::plan::Plan, scope: &Scope) -> BudgetBurn {
    use crate::plan::Method;
    let (months, figures) = match scope.initiative.and_then(|id| plan.initiative(id)) {
        Some(initiative) => (&initiative.months, &initiative.figures),
        None => (&plan.months, &plan.portfolio),
    };
    let budget_cumulative_minor = running_total(months.iter().map(|m| m.budget_minor));
    let recorded = |m: &crate::plan::PlanMonth| if m.month <= plan.as_of { m.actual_minor } else { 0 };
    let last_recorded = months.iter().rposition(|m| m.month <= plan.as_of && m.actual_minor != 0);
    let actual_cumulative_minor = running_total(months[..last_recorded.map_or(0, |i| i + 1)].iter().map(recorded));
    let forecast_in_scope = plan.forecasts.series.iter().any(|s| {
        (scope.initiative.is_none() || s.initiative == scope.initiative)
            && matches!(s.method, Method::Model { .. } | Method::RunRate { .. } | Method::TeamPlan | Method::Planned)
    });
    let mut forecast = None;
    if forecast_in_scope {
        let (mut point, mut lower, mut upper) = (0i64, 0i64, 0i64);
        let mut points = Vec::new();
        for m in months {
            let spent = recorded(m);
            let band = m.forecast.unwrap_or_default();
            point += spent + band.point_minor;
            lower += spent + band.lower_minor;
            upper += spent + band.upper_minor;
            if m.forecast.is_some() {
                points.push(ForecastPoint {
                    month: m.month,
                    cumulative_minor: point,
                    lower_minor: lower,
                    upper_minor: upper,
                });
            } else {
                (lower, upper) = (point, point);
            }
        }
        if !points.is_empty() {
            forecast = Some(BurnForecast { points, level: crate::plan::LEVEL });
        }
    }
    BudgetBurn {
        scope: scope.clone(),
        currency: plan.base_currency,
        as_of: plan.as_of,
        period: plan.period.label.clone(),
        has_budget: figures.budget_period_minor.is_some(),
        months: months.iter().map(|m| m.month).collect(),
        budget_cumulative_minor,
        actual_cumulative_minor,
        forecast,
        run_out: figures.run_out,
    }
}

/// How monthly spend is split into stacked series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SpendGrouping {
    Category,
    Initiative,
}

impl SpendGrouping {
    pub fn as_str(self) -> &'static str {
        match self {
            SpendGrouping::Category => "category",
            SpendGrouping::Initiative => "initiative",
        }
    }
}

/// One stacked series: a name and a value per month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedSeries {
    pub name: String,
    pub values_minor: Vec<i64>,
    /// The fold of everything beyond the top N.
    pub is_other: bool,
}

impl NamedSeries {
    pub fn total_minor(&self) -> i64 {
        self.values_minor.iter().sum()
    }
}

/// Chart 2: actual spend per month, stacked by category or by initiative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlySpend {
    pub scope: Scope,
    pub currency: Currency,
    pub grouping: SpendGrouping,
    pub months: Vec<Month>,
    /// Largest first; "Other" (if any) last.
    pub series: Vec<NamedSeries>,
    /// How many groups "Other" holds.
    pub folded: usize,
}

impl MonthlySpend {
    pub fn is_empty(&self) -> bool {
        self.months.is_empty() || self.series.iter().all(|s| s.values_minor.iter().all(|&v| v == 0))
    }

    pub fn month_totals_minor(&self) -> Vec<i64> {
        (0..self.months.len()).map(|i| self.series.iter().map(|s| s.values_minor[i]).sum()).collect()
    }
}

/// Monthly actuals over the [`SPEND_MONTHS`] months ending with the last month that has actuals
/// (up to the as-of month), grouped, with all but the `top` largest groups folded into "Other".
pub fn monthly_spend(inputs: &PlanInputs, scope: &Scope, grouping: SpendGrouping, top: usize) -> MonthlySpend {
    let empty = |months| MonthlySpend {
        scope: scope.clone(),
        currency: inputs.base_currency,
        grouping,
        months,
        series: Vec::new(),
        folded: 0,
    };
    let Some(last) = last_actual_month(inputs, scope) else { return empty(Vec::new()) };
    let first = last.plus(1 - SPEND_MONTHS);
    let months: Vec<Month> = (0..SPEND_MONTHS).map(|k| first.plus(k)).collect();
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Group {
        Category(usize),
        Initiative(Option<InitiativeId>),
    }
    let mut groups: BTreeMap<Group, Vec<i64>> = BTreeMap::new();
    for actual in in_scope(inputs, scope).filter(|a| a.month >= first && a.month <= last) {
        let group = match grouping {
            SpendGrouping::Category => Group::Category(category_index(actual.category)),
            SpendGrouping::Initiative => Group::Initiative(actual.initiative),
        };
        let index = first.months_until(actual.month) as usize;
        groups.entry(group).or_insert_with(|| vec![0; months.len()])[index] += actual.minor;
    }
    // Months before the first spend (a portfolio younger than the window) are left out.
    let lead = (0..months.len()).find(|&i| groups.values().any(|v| v[i] != 0)).unwrap_or(0);
    let months = months[lead..].to_vec();
    for values in groups.values_mut() {
        values.drain(..lead);
    }
    // Categories come in their fixed order (the map's); initiatives by size, below.
    let series: Vec<NamedSeries> = groups
        .into_iter()
        .map(|(group, values_minor)| {
            let name = match group {
                Group::Category(c) => capitalised(Category::ALL[c].as_str()),
                Group::Initiative(None) => "Unallocated".to_owned(),
                Group::Initiative(Some(id)) => initiative_name(inputs, id),
            };
            NamedSeries { name, values_minor, is_other: false }
        })
        .collect();
    if grouping == SpendGrouping::Category {
        return MonthlySpend { series, ..empty(months) };
    }
    let (series, folded) = top_with_other(series, top, "initiatives");
    MonthlySpend { series, folded, ..empty(months) }
}

/// Keeps the `top` largest series by total and folds the rest into one "Other (n …)" series;
/// folding a single series would hide a name for nothing, so that one is kept.
fn top_with_other(mut series: Vec<NamedSeries>, top: usize, plural: &str) -> (Vec<NamedSeries>, usize) {
    series.sort_by(|a, b| b.total_minor().cmp(&a.total_minor()).then_with(|| a.name.cmp(&b.name)));
    if series.len() <= top + 1 {
        return (series, 0);
    }
    let rest = series.split_off(top);
    let mut other = vec![0; rest.first().map_or(0, |s| s.values_minor.len())];
    for s in &rest {
        for (sum, v) in other.iter_mut().zip(&s.values_minor) {
            *sum += v;
        }
    }
    let folded = rest.len();
    series.push(NamedSeries { name: format!("Other ({folded} {plural})"), values_minor: other, is_other: true });
    (series, folded)
}

/// Chart 3: headcount over time — people in seat, open requisitions, and their loaded cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headcount {
    pub scope: Scope,
    pub currency: Currency,
    pub as_of: Month,
    pub months: Vec<Month>,
    /// People in seat, in hundredths of a full-time person (an initiative counts its allocated
    /// share; the portfolio counts each person once).
    pub filled_centi_fte: Vec<u32>,
    /// Open requisitions counted from their planned start month, in the same unit.
    pub open_requisitions_centi_fte: Vec<u32>,
    /// Monthly loaded cost of the people in seat.
    pub filled_cost_minor: Vec<i64>,
    /// The same plus the open requisitions: the cost once the plan is hired.
    pub planned_cost_minor: Vec<i64>,
}

impl Headcount {
    pub fn is_empty(&self) -> bool {
        self.filled_centi_fte.iter().chain(&self.open_requisitions_centi_fte).all(|&v| v == 0)
    }
}

/// The chart's figures are the planning core's team projection ([`crate::plan::team`]), so the
/// chart and the forecast never disagree about what the team costs; people and allocations that
/// start after `as_of` are not on it.
pub fn headcount(inputs: &PlanInputs, scope: &Scope) -> Headcount {
    let as_of = inputs.as_of;
    let first = as_of.plus(-HEADCOUNT_MONTHS_BACK);
    let last = as_of.plus(HEADCOUNT_MONTHS_AHEAD);
    let projection = crate::plan::team::project(inputs, first, last, scope.initiative);
    let n = projection.months.len();
    let mut chart = Headcount {
        scope: scope.clone(),
        currency: inputs.base_currency,
        as_of,
        months: Vec::with_capacity(n),
        filled_centi_fte: Vec::with_capacity(n),
        open_requisitions_centi_fte: Vec::with_capacity(n),
        filled_cost_minor: Vec::with_capacity(n),
        planned_cost_minor: Vec::with_capacity(n),
    };
    for month in &projection.months {
        // The portfolio counts each person once; an initiative, its allocated share.
        let (filled, open, filled_cost, planned_cost) = match scope.id() {
            None => {
                (month.people * 100, month.open_requisitions * 100, month.people_cost_minor, month.total_cost_minor)
            }
            Some(_) => month.by_initiative.first().map_or((0, 0, 0, 0), |i| {
                (i.allocated_percent, i.open_requisitions * 100, i.people_cost_minor, i.total_cost_minor)
            }),
        };
        chart.months.push(month.month);
        chart.filled_centi_fte.push(filled);
        chart.open_requisitions_centi_fte.push(open);
        chart.filled_cost_minor.push(filled_cost);
        chart.planned_cost_minor.push(planned_cost);
    }
    chart
}

/// Chart 4: who is allocated to what, in percent of their time, in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationMatrix {
    pub scope: Scope,
    pub month: Month,
    /// Row labels (people), as many as the chart shows.
    pub people: Vec<String>,
    /// Column labels; the last is "Other (n)" when initiatives were folded.
    pub initiatives: Vec<String>,
    /// `percent[row][column]`.
    pub percent: Vec<Vec<u32>>,
    /// Each shown person's total across all initiatives (above 100 is overbooked).
    pub person_totals: Vec<u32>,
    pub total_people: usize,
    pub total_initiatives: usize,
    /// Initiatives folded into the last column.
    pub folded_initiatives: usize,
}

impl AllocationMatrix {
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    pub fn hidden_people(&self) -> usize {
        self.total_people - self.people.len()
    }
}

/// Allocations covering the as-of month: people × initiatives. Beyond [`ALLOCATION_MAX_PEOPLE`]
/// people the most-allocated are shown (overbooked first); beyond [`ALLOCATION_MAX_INITIATIVES`]
/// initiatives the smaller ones share an "Other" column. For an initiative, its people and
/// everything they are allocated to, so overbooking elsewhere shows.
pub fn allocation_matrix(inputs: &PlanInputs, scope: &Scope) -> AllocationMatrix {
    let month = inputs.as_of;
    let person_names: HashMap<i64, String> = inputs.people.iter().map(|p| (p.id.0, p.name.clone())).collect();
    let initiative_names: HashMap<i64, String> = inputs.initiatives.iter().map(|i| (i.id.0, i.name.clone())).collect();
    let mut cells: BTreeMap<(i64, i64), u32> = BTreeMap::new();
    for allocation in inputs.allocations.iter().filter(|a| a.covers(month)) {
        let (person, initiative) = (allocation.person.0, allocation.initiative.0);
        if person_names.contains_key(&person) && initiative_names.contains_key(&initiative) {
            *cells.entry((person, initiative)).or_insert(0) += allocation.percent;
        }
    }
    if let Some(only) = scope.id() {
        let members: Vec<i64> = cells.keys().filter(|(_, i)| *i == only).map(|(p, _)| *p).collect();
        cells.retain(|(p, _), _| members.contains(p));
    }
    let mut totals: HashMap<i64, u32> = HashMap::new();
    let mut spread: HashMap<i64, usize> = HashMap::new();
    let mut all_initiatives: Vec<i64> = Vec::new();
    for (&(person, initiative), &percent) in &cells {
        *totals.entry(person).or_insert(0) += percent;
        *spread.entry(person).or_insert(0) += 1;
        all_initiatives.push(initiative);
    }
    all_initiatives.sort_unstable();
    all_initiatives.dedup();

    let mut people: Vec<i64> = totals.keys().copied().collect();
    let name_of = |id: &i64| person_names.get(id).map_or("", String::as_str);
    let total_people = people.len();
    if total_people > ALLOCATION_MAX_PEOPLE {
        // The people worth a look: overbooked first, then those split across most initiatives.
        people.sort_by(|a, b| {
            (totals[b] > 100)
                .cmp(&(totals[a] > 100))
                .then_with(|| spread[b].cmp(&spread[a]))
                .then_with(|| totals[b].cmp(&totals[a]))
                .then_with(|| name_of(a).cmp(name_of(b)))
        });
        people.truncate(ALLOCATION_MAX_PEOPLE);
    }
    people.sort_by(|a, b| name_of(a).to_lowercase().cmp(&name_of(b).to_lowercase()).then(a.cmp(b)));
    // Columns are ranked by the time of the people shown, so they are the ones those rows use.
    let shown: std::collections::HashSet<i64> = people.iter().copied().collect();
    let mut initiative_load: HashMap<i64, u32> = all_initiatives.iter().map(|&i| (i, 0)).collect();
    for (&(person, initiative), &percent) in &cells {
        if shown.contains(&person) {
            *initiative_load.entry(initiative).or_insert(0) += percent;
        }
    }

    let mut initiatives: Vec<i64> = initiative_load.keys().copied().collect();
    // The scope's own initiative comes first, then the most-allocated.
    initiatives.sort_by(|a, b| {
        (Some(*b) == scope.id())
            .cmp(&(Some(*a) == scope.id()))
            .then_with(|| initiative_load[b].cmp(&initiative_load[a]))
            .then_with(|| initiative_names[a].cmp(&initiative_names[b]))
    });
    let total_initiatives = initiatives.len();
    let folded = if total_initiatives > ALLOCATION_MAX_INITIATIVES + 1 {
        initiatives.split_off(ALLOCATION_MAX_INITIATIVES)
    } else {
        Vec::new()
    };
    let mut columns: Vec<String> = initiatives.iter().map(|id| initiative_names[id].clone()).collect();
    if !folded.is_empty() {
        columns.push(format!("Other ({})", folded.len()));
    }
    let column_of: HashMap<i64, usize> = initiatives
        .iter()
        .enumerate()
        .map(|(c, id)| (*id, c))
        .chain(folded.iter().map(|id| (*id, ALLOCATION_MAX_INITIATIVES)))
        .collect();
    let mut percent = vec![vec![0u32; columns.len()]; people.len()];
    let row_of: HashMap<i64, usize> = people.iter().enumerate().map(|(r, id)| (*id, r)).collect();
    for (&(person, initiative), &p) in &cells {
        if let (Some(&r), Some(&c)) = (row_of.get(&person), column_of.get(&initiative)) {
            percent[r][c] += p;
        }
    }
    AllocationMatrix {
        scope: scope.clone(),
        month,
        person_totals: people.iter().map(|id| totals[id]).collect(),
        people: people.iter().map(|id| person_names[id].clone()).collect(),
        initiatives: columns,
        percent,
        total_people,
        total_initiatives,
        folded_initiatives: folded.len(),
    }
}

/// One day's value of a KPI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KpiPoint {
    pub day: NaiveDate,
    pub value: f64,
}

/// Chart 5: a KPI's values against its target band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiTrend {
    pub name: String,
    pub unit: String,
    pub direction: KpiDirection,
    pub target_low: Option<f64>,
    pub target_high: Option<f64>,
    pub cadence: crate::domain::KpiCadence,
    /// Where its values come from: the model metric it is bound to, or typed, imported, computed.
    pub source: Option<String>,
    /// The status on the chart's last day, by the planning core's one rule.
    pub status: crate::plan::kpi::KpiStatus,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub points: Vec<KpiPoint>,
    #[serde(skip)]
    band: crate::plan::kpi::TargetBand,
}

impl KpiTrend {
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Whether a value meets the target band.
    pub fn on_target(&self, value: f64) -> bool {
        self.band.judge(value) == crate::plan::kpi::KpiStatus::Green
    }
}

/// The values of KPI `id` over the [`TRAILING_MONTHS`] months ending with `as_of`, from the
/// planning core: typed, imported and synced, or computed for a formula KPI (`inputs` as of
/// `as_of`).
pub fn kpi_trend(conn: &Connection, inputs: &PlanInputs, id: KpiId, as_of: Month) -> Result<KpiTrend> {
    use crate::plan::kpi::{self, KpiSource};
    let first_day = as_of.plus(1 - TRAILING_MONTHS).first_day();
    let last_day = as_of.plus(1).first_day().pred_opt().unwrap_or(first_day);
    let mut kpis = kpi::load(conn, first_day, last_day, Some(id))?;
    crate::plan::value::add_computed(conn, inputs, &mut kpis, first_day)?;
    let Some(kpi) = kpis.pop() else {
        return Err(crate::error::Error::not_found(crate::domain::EntityKind::Kpi, id.0));
    };
    let day = crate::plan::period::as_of_day(as_of, inputs.today);
    let status = kpi::status(&kpi.band, kpi.cadence, kpi.readings.iter().rfind(|r| r.date <= day), day);
    let sources: std::collections::BTreeSet<KpiSource> = kpi.readings.iter().map(|r| r.source).collect();
    let source = match (&kpi.bound_to, sources.iter().next()) {
        (Some(bound), _) if sources.contains(&KpiSource::Synced) || kpi.formula.is_some() => Some(bound.clone()),
        (_, Some(_)) => Some(sources.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" and ") + " values"),
        _ => None,
    };
    Ok(KpiTrend {
        points: kpi
            .readings
            .iter()
            .filter(|r| r.date >= first_day)
            .map(|r| KpiPoint { day: r.date, value: r.value })
            .collect(),
        name: kpi.name,
        unit: kpi.unit,
        direction: kpi.direction,
        target_low: kpi.band.low,
        target_high: kpi.band.high,
        cadence: kpi.cadence,
        source,
        status,
        first_day,
        last_day,
        band: kpi.band,
    })
}

/// The infinite points of one rollup bucket, which the rollups leave out (see
/// [`crate::sync::samples`]); the chart marks them at the edge instead of stretching its scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InfiniteBucket {
    pub bucket: i64,
    pub positive: i64,
    pub negative: i64,
}

/// Chart 9: one bound metric of one model over a window: its rollups (mean with min and max), its
/// threshold, its latest value and how its connection's last sync went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricTrend {
    pub model: String,
    /// What the readout says now, with the window's rollups (hourly up to two days, daily beyond).
    pub readout: MetricReadout,
    pub grain: RollupGrain,
    /// The window, seconds since the epoch.
    pub since: i64,
    pub now: i64,
    pub infinities: Vec<InfiniteBucket>,
}

impl MetricTrend {
    pub fn is_empty(&self) -> bool {
        self.readout.rollups.is_empty() && self.infinities.is_empty()
    }

    /// Finished buckets of the window with neither a rollup nor an infinity: gaps in the line.
    /// The bucket still running at `now` is not counted; its points may not have arrived yet.
    pub fn missing_buckets(&self) -> i64 {
        let step = self.grain.seconds();
        let (first, running) = (self.grain.bucket_of(self.since), self.grain.bucket_of(self.now));
        let total = ((running - first) / step).max(0);
        let mut held: Vec<i64> = self.readout.rollups.iter().map(|r| r.bucket).filter(|&b| b < running).collect();
        held.extend(self.infinities.iter().map(|i| i.bucket).filter(|&b| b < running));
        held.sort_unstable();
        held.dedup();
        total - held.len() as i64
    }
}

/// The metric `key` of `model` from `since` to `now` (seconds since the epoch).
pub fn metric_trend(conn: &Connection, model: ModelId, key: &str, since: i64, now: i64) -> Result<MetricTrend> {
    if since >= now {
        return Err(Error::Validation("since: the window must start before now; write e.g. 36h or 7d".into()));
    }
    let metrics = crate::sync::readout::model_metrics(conn, &model.0.to_string(), Some(key), since, now)?;
    let readout = metrics.metrics.into_iter().next().ok_or_else(|| {
        Error::NotFound(format!("model `{}` has no metric `{key}`; `metric list` shows its bindings", metrics.model))
    })?;
    let grain = crate::sync::readout::grain_of_window(since, now);
    let series_id: i64 = conn.query_row(
        "SELECT id FROM metric_series WHERE model_id = ?1 AND key = ?2",
        rusqlite::params![model.0, readout.key],
        |r| r.get(0),
    )?;
    // SQLite reads 9e999 as infinity; the bucket is the floor of the time to the grain.
    let mut stmt = conn.prepare(
        "SELECT ts - ((ts % ?4) + ?4) % ?4 AS bucket, sum(value > 0), sum(value < 0) FROM metric_samples
         WHERE series_id = ?1 AND ts >= ?2 AND ts <= ?3 AND (value >= 9e999 OR value <= -9e999)
         GROUP BY bucket ORDER BY bucket",
    )?;
    let infinities = stmt
        .query_map(rusqlite::params![series_id, grain.bucket_of(since), now, grain.seconds()], |r| {
            Ok(InfiniteBucket { bucket: r.get(0)?, positive: r.get(1)?, negative: r.get(2)? })
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(MetricTrend { model: metrics.model, readout, grain, since, now, infinities })
}

/// Chart 6: how many models are in each stage, by risk tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelInventory {
    pub scope: Scope,
    /// `counts[stage][tier]` in the order of [`ModelStage::ALL`] and [`RiskTier::ALL`].
    pub counts: Vec<Vec<u32>>,
}

impl ModelInventory {
    pub fn total(&self) -> u32 {
        self.counts.iter().flatten().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    pub fn stage_total(&self, stage: usize) -> u32 {
        self.counts.get(stage).map_or(0, |row| row.iter().sum())
    }

    pub fn tier_total(&self, tier: usize) -> u32 {
        self.counts.iter().filter_map(|row| row.get(tier)).sum()
    }
}

pub fn model_inventory(inputs: &PlanInputs, scope: &Scope) -> ModelInventory {
    let mut counts = vec![vec![0u32; RiskTier::ALL.len()]; ModelStage::ALL.len()];
    for model in inputs.models.iter().filter(|m| scope.initiative.is_none() || m.initiative == scope.initiative) {
        let s = ModelStage::ALL.iter().position(|x| *x == model.stage).unwrap_or(0);
        let t = RiskTier::ALL.iter().position(|x| *x == model.risk_tier).unwrap_or(0);
        counts[s][t] += 1;
    }
    ModelInventory { scope: scope.clone(), counts }
}

/// One model's cost over the window, by part ([`CostPart::ALL`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelCost {
    pub name: String,
    /// In the order of [`CostPart::ALL`].
    pub by_part_minor: Vec<i64>,
    pub is_other: bool,
}

impl ModelCost {
    pub fn total_minor(&self) -> i64 {
        self.by_part_minor.iter().sum()
    }
}

/// Chart 7: the fully loaded cost of each model over the trailing months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostPerModel {
    pub scope: Scope,
    pub currency: Currency,
    /// The window: [`TRAILING_MONTHS`] months ending with the last month with actuals.
    pub first: Option<Month>,
    pub last: Option<Month>,
    /// Most expensive first; "Other" last.
    pub models: Vec<ModelCost>,
    pub folded: usize,
    /// Spend no rule places on a model (of the initiative, when the chart is of one).
    pub unattributed_minor: i64,
}

impl CostPerModel {
    pub fn is_empty(&self) -> bool {
        self.models.iter().all(|m| m.total_minor() == 0)
    }
}

/// Cost per model over the trailing window: the planning core's fully loaded cost
/// ([`crate::plan::model_cost`]), part by part, the models of the scope most expensive first.
pub fn cost_per_model(inputs: &PlanInputs, scope: &Scope, top: usize) -> CostPerModel {
    let mut out = CostPerModel {
        scope: scope.clone(),
        currency: inputs.base_currency,
        first: None,
        last: None,
        models: Vec::new(),
        folded: 0,
        unattributed_minor: 0,
    };
    let Some(last) = last_actual_month(inputs, scope) else { return out };
    let first = last.plus(1 - TRAILING_MONTHS);
    (out.first, out.last) = (Some(first), Some(last));
    let costs = crate::plan::model_cost::model_costs_between(inputs, first, last);
    let in_scope = |initiative: Option<InitiativeId>| scope.initiative.is_none() || initiative == scope.initiative;
    let mut rows: Vec<ModelCost> = costs
        .models
        .iter()
        .filter(|m| in_scope(m.initiative_id) && m.total_minor != 0)
        .map(|m| ModelCost {
            name: m.name.clone(),
            by_part_minor: CostPart::ALL.iter().map(|p| m.part_minor(*p)).collect(),
            is_other: false,
        })
        .collect();
    out.unattributed_minor = match scope.initiative {
        Some(_) => costs.unattributed.iter().filter(|u| in_scope(u.initiative_id)).map(|u| u.minor).sum(),
        None => costs.unattributed_minor,
    };
    if rows.len() > top + 1 {
        let rest = rows.split_off(top);
        let mut sum = vec![0i64; CostPart::ALL.len()];
        for m in &rest {
            for (s, v) in sum.iter_mut().zip(&m.by_part_minor) {
                *s += v;
            }
        }
        out.folded = rest.len();
        rows.push(ModelCost { name: format!("Other ({} models)", rest.len()), by_part_minor: sum, is_other: true });
    }
    out.models = rows;
    out
}

/// A contract on the vendor timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContractBar {
    pub title: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub notice_deadline: NaiveDate,
    pub auto_renew: bool,
    pub value_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorRow {
    pub name: String,
    /// Spend over the window.
    pub spend_minor: i64,
    pub contracts: Vec<ContractBar>,
}

/// Chart 8: spend per vendor over the trailing months and each contract's term and renewal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorTimeline {
    pub scope: Scope,
    pub currency: Currency,
    pub as_of: Month,
    /// The spend window: [`TRAILING_MONTHS`] months ending with `as_of`.
    pub first: Month,
    pub last: Month,
    /// Largest spend first.
    pub vendors: Vec<VendorRow>,
    /// Vendors beyond the top, with their spend.
    pub folded: usize,
    pub folded_spend_minor: i64,
}

impl VendorTimeline {
    pub fn is_empty(&self) -> bool {
        self.vendors.is_empty()
    }
}

/// Spend per vendor over the [`TRAILING_MONTHS`] months ending with the as-of month, and the
/// contracts signed by then (their notice deadlines as the planning core reckons them).
pub fn vendor_timeline(inputs: &PlanInputs, scope: &Scope, top: usize) -> VendorTimeline {
    let as_of = inputs.as_of;
    let first = as_of.plus(1 - TRAILING_MONTHS);
    let names: HashMap<VendorId, &str> = inputs.vendors.iter().map(|v| (v.id, v.name.as_str())).collect();
    let mut rows: BTreeMap<VendorId, VendorRow> = BTreeMap::new();
    fn row_of<'r>(
        rows: &'r mut BTreeMap<VendorId, VendorRow>,
        names: &HashMap<VendorId, &str>,
        id: VendorId,
    ) -> &'r mut VendorRow {
        rows.entry(id).or_insert_with(|| VendorRow {
            name: names.get(&id).map_or_else(String::new, |n| (*n).to_owned()),
            spend_minor: 0,
            contracts: Vec::new(),
        })
    }
    for actual in in_scope(inputs, scope).filter(|a| a.month >= first) {
        if let Some(vendor) = actual.vendor {
            row_of(&mut rows, &names, vendor).spend_minor += actual.minor;
        }
    }
    for contract in inputs.contracts.iter().filter(|c| scope.initiative.is_none() || c.initiative == scope.initiative) {
        row_of(&mut rows, &names, contract.vendor_id).contracts.push(ContractBar {
            title: contract.title.clone(),
            start: contract.start,
            end: contract.end,
            notice_deadline: contract.notice_deadline,
            auto_renew: contract.auto_renew,
            value_minor: contract.value_minor,
        });
    }
    let mut vendors: Vec<VendorRow> = rows.into_values().collect();
    let soonest_end = |v: &VendorRow| v.contracts.iter().map(|c| c.end).min().unwrap_or(NaiveDate::MAX);
    vendors.sort_by(|a, b| {
        b.spend_minor.cmp(&a.spend_minor).then_with(|| soonest_end(a).cmp(&soonest_end(b))).then(a.name.cmp(&b.name))
    });
    let (mut folded, mut folded_spend_minor) = (0, 0);
    if vendors.len() > top + 1 {
        let rest = vendors.split_off(top);
        folded = rest.len();
        folded_spend_minor = rest.iter().map(|v| v.spend_minor).sum();
    }
    VendorTimeline {
        scope: scope.clone(),
        currency: inputs.base_currency,
        as_of,
        first,
        last: as_of,
        vendors,
        folded,
        folded_spend_minor,
    }
}

/// The actuals in scope (the inputs hold months through the as-of month only).
fn in_scope<'i>(inputs: &'i PlanInputs, scope: &'i Scope) -> impl Iterator<Item = &'i MoneyFact> + 'i {
    inputs.actuals.iter().filter(move |a| scope.initiative.is_none() || a.initiative == scope.initiative)
}

/// The last month with actuals in scope, up to the as-of month.
fn last_actual_month(inputs: &PlanInputs, scope: &Scope) -> Option<Month> {
    in_scope(inputs, scope).map(|a| a.month).max()
}

fn category_index(category: Category) -> usize {
    Category::ALL.iter().position(|c| *c == category).unwrap_or(Category::ALL.len() - 1)
}

fn initiative_name(inputs: &PlanInputs, id: InitiativeId) -> String {
    inputs.initiatives.iter().find(|i| i.id == id).map_or_else(|| id.0.to_string(), |i| i.name.clone())
}

fn running_total(values: impl Iterator<Item = i64>) -> Vec<i64> {
    values
        .scan(0i64, |sum, v| {
            *sum += v;
            Some(*sum)
        })
        .collect()
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

crate::domain::word_enum!(
    /// What the scenario-compare chart draws: `spend`, cumulative spend against budget, one line
    /// per column; `team`, people cost and headcount per month; `changes`, a waterfall from the
    /// baseline's landing to the first scenario's, one bar per change.
    ScenarioChartView, "view" {
    Spend => "spend",
    Team => "team",
    Changes => "changes",
});

/// One column of the scenario-compare chart: the baseline or a scenario, month by month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioLine {
    pub name: String,
    pub figures: crate::plan::scenario::ScenarioFigures,
    pub months: Vec<crate::plan::scenario::figures::ScenarioMonth>,
}

/// One bar of the waterfall: a change and what it adds to (or saves from) the landing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioStep {
    pub position: u32,
    /// The change in a sentence: `Hire 3 ML engineer from Mar 2027`.
    pub words: String,
    pub landing_delta_minor: i64,
    pub budget_delta_minor: i64,
}

/// The scenario-compare chart: the baseline and one to four scenarios over one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioComparison {
    pub view: ScenarioChartView,
    pub currency: Currency,
    /// How the period is written: `2027`, `FY2027`, `Q3 2026`.
    pub period: String,
    pub as_of: Month,
    /// The baseline first, then each scenario.
    pub lines: Vec<ScenarioLine>,
    /// The `changes` view's bars, for the first scenario.
    pub steps: Vec<ScenarioStep>,
}

impl ScenarioComparison {
    pub fn months(&self) -> Vec<Month> {
        self.lines.first().map(|l| l.months.iter().map(|m| m.month).collect()).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        let nothing = |l: &ScenarioLine| l.months.iter().all(|m| m.spend_minor == 0 && m.budget_minor == 0);
        match self.view {
            ScenarioChartView::Changes => self.steps.is_empty(),
            ScenarioChartView::Spend => self.lines.iter().all(nothing),
            ScenarioChartView::Team => {
                self.lines.iter().all(|l| l.months.iter().all(|m| m.headcount == 0 && m.people_cost_minor == 0))
            }
        }
    }

    /// The scenario the `changes` view explains.
    pub fn focus(&self) -> Option<&ScenarioLine> {
        self.lines.get(1)
    }
}

/// The scenario-compare chart's figures: each column evaluated by the planning core's one
/// compute on the inputs with its changes applied (the same figures as `scenario compare`), and
/// for the `changes` view, the first scenario's changes applied one after another.
pub fn scenario_comparison(
    inputs: &PlanInputs,
    options: &crate::plan::PlanOptions,
    scenarios: &[crate::plan::scenario::NamedChanges],
    view: ScenarioChartView,
) -> Result<ScenarioComparison> {
    use crate::plan::scenario::figures;
    if view == ScenarioChartView::Changes {
        return changes_of_first(inputs, options, scenarios);
    }
    let lists: Vec<Vec<_>> = std::iter::once(Vec::new())
        .chain(scenarios.iter().map(|(_, changes)| changes.iter().map(|(_, c)| c.clone()).collect()))
        .collect();
    let names = std::iter::once("baseline".to_owned()).chain(scenarios.iter().map(|(name, _)| name.clone()));
    let evaluated = figures::evaluate_all_by_month(inputs, &lists, options)?;
    // How the baseline's period is written.
    let period = evaluated.first().map(|(_, _, label)| label.clone()).unwrap_or_default();
    let lines: Vec<ScenarioLine> =
        names.zip(evaluated).map(|(name, (figures, months, _))| ScenarioLine { name, figures, months }).collect();
    Ok(ScenarioComparison {
        view,
        currency: inputs.base_currency,
        period,
        as_of: inputs.as_of,
        lines,
        steps: Vec::new(),
    })
}

/// The `changes` view: the first scenario explained change by change (`scenario show --explain`'s
/// figures: its baseline, its steps, its landing), with no months to draw.
fn changes_of_first(
    inputs: &PlanInputs,
    options: &crate::plan::PlanOptions,
    scenarios: &[crate::plan::scenario::NamedChanges],
) -> Result<ScenarioComparison> {
    use crate::plan::scenario::figures;
    let line = |name: &str, figures| ScenarioLine { name: name.to_owned(), figures, months: Vec::new() };
    let (lines, steps, period) = match scenarios.first() {
        Some((name, changes)) => {
            let shown = figures::view(name, inputs, changes, options, true)?;
            let steps = shown
                .changes
                .unwrap_or_default()
                .into_iter()
                .map(|c| ScenarioStep {
                    position: c.position,
                    words: c.words,
                    landing_delta_minor: c.delta.landing_minor,
                    budget_delta_minor: c.delta.budget_minor,
                })
                .collect();
            (vec![line("baseline", shown.baseline), line(name, shown.scenario)], steps, shown.period)
        }
        None => {
            let (baseline, plan) = figures::evaluate(inputs, &[], options)?;
            (vec![line("baseline", baseline)], Vec::new(), plan.period.label)
        }
    };
    Ok(ScenarioComparison {
        view: ScenarioChartView::Changes,
        currency: inputs.base_currency,
        period,
        as_of: inputs.as_of,
        lines,
        steps,
    })
}
