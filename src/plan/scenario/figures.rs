//! A scenario's figures, the baseline's, and the difference: what `scenario show` and `scenario
//! compare` print and the app's Planning page draws. Each comes from a [`Plan`] computed by the
//! one compute of the planning core, on the inputs with the changes applied.
//!
//! - `landing`: the period's projected total spend, actual to date plus the forecast (people cost
//!   included as in the baseline);
//! - `spend`: the part of the landing still to come after the as-of date;
//! - `people_cost`: the people category of the landing: people actuals to date plus the team's
//!   projected cost where the forecast carries it, and scenario hires;
//! - `budget`: the period's budget lines (0 when there are none, and `budget_set` is false);
//! - `headcount_end`: people on the team in the period's last month, plus open requisitions and
//!   hires that start by then (a count of people, not FTE);
//! - `run_out`: the month cumulative spend passes the period's budget.

use serde::{Deserialize, Serialize};

use super::{Change, apply};
use crate::domain::{Category, InitiativeId, Month};
use crate::error::Result;
use crate::plan::{Plan, PlanInputs, PlanOptions, compute, still_expected};

/// The figures of one column: the portfolio, and each initiative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioFigures {
    pub spend_minor: i64,
    pub people_cost_minor: i64,
    pub budget_minor: i64,
    /// Whether the period has budget lines at all: without, `budget_minor` is 0 and surfaces say
    /// "no budget set", never $0.
    pub budget_set: bool,
    pub landing_minor: i64,
    pub headcount_end: i64,
    pub run_out: Option<Month>,
    pub by_initiative: Vec<InitiativeScenarioFigures>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InitiativeScenarioFigures {
    pub name: String,
    pub spend_minor: i64,
    pub people_cost_minor: i64,
    pub budget_minor: i64,
    pub budget_set: bool,
    pub landing_minor: i64,
    pub headcount_end: i64,
    pub run_out: Option<Month>,
}

/// One change's own difference, in the order the scenario lists them: applied one after another,
/// so the differences add up to the scenario's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ChangeDelta {
    pub position: u32,
    pub kind: super::ChangeKind,
    /// The change as written: `hire role="ML engineer" count=3 start=2027-03`.
    pub text: String,
    /// The change in a sentence: `Hire 3 ML engineer from Mar 2027`.
    pub words: String,
    pub delta: ScenarioFigures,
}

/// `scenario show`: the baseline, the scenario and the difference, for one period as of a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioView {
    pub name: String,
    /// The currency of every amount: the portfolio's base currency.
    pub currency: crate::domain::Currency,
    /// How the period is written: `2027`, `FY2027`, `Q3 2026`, `all time`.
    pub period: String,
    pub as_of: Month,
    pub baseline: ScenarioFigures,
    pub scenario: ScenarioFigures,
    /// Scenario − baseline; `run_out` is the scenario's.
    pub delta: ScenarioFigures,
    /// With `explain`: each change's own difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub changes: Option<Vec<ChangeDelta>>,
}

/// `scenario compare`: the baseline first, then each scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Comparison {
    /// The currency of every amount: the portfolio's base currency.
    pub currency: crate::domain::Currency,
    /// How the period is written (`2027`, `FY2027`) and what `--period` takes to choose it again.
    pub period: String,
    pub period_key: String,
    pub as_of: Month,
    pub columns: Vec<ComparisonColumn>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ComparisonColumn {
    pub name: String,
    pub figures: ScenarioFigures,
    /// Figures − the baseline's (`None` for the baseline itself).
    pub delta: Option<ScenarioFigures>,
}

/// The figures of the inputs with `changes` applied (none: the baseline), and the plan they come from.
pub fn evaluate(inputs: &PlanInputs, changes: &[Change], options: &PlanOptions) -> Result<(ScenarioFigures, Plan)> {
    let applied = apply(inputs, changes);
    let plan = compute(&applied, options)?;
    Ok((ScenarioFigures::of(&plan, &applied), plan))
}

/// [`evaluate`] for each list of changes, spread over the machine's cores (each is the one compute
/// on its own copy of the inputs); answers in the same order.
pub fn evaluate_all(
    inputs: &PlanInputs,
    lists: &[Vec<Change>],
    options: &PlanOptions,
) -> Result<Vec<(ScenarioFigures, Plan)>> {
    side_by_side(lists, |changes| evaluate(inputs, changes, options))
}

/// [`evaluate_by_month`] for each list of changes, side by side like [`evaluate_all`].
pub fn evaluate_all_by_month(
    inputs: &PlanInputs,
    lists: &[Vec<Change>],
    options: &PlanOptions,
) -> Result<Vec<(ScenarioFigures, Vec<ScenarioMonth>, String)>> {
    side_by_side(lists, |changes| evaluate_by_month(inputs, changes, options))
}

/// `work` on each list of changes, spread over the machine's cores; answers in the same order.
fn side_by_side<T: Send>(lists: &[Vec<Change>], work: impl Fn(&[Change]) -> Result<T> + Sync) -> Result<Vec<T>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, lists.len().max(1));
    let chunk = lists.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = lists
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|changes| work(changes)).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(lists.len());
        for worker in workers {
            let answers = worker
                .join()
                .map_err(|_| crate::error::Error::Internal("evaluating a scenario failed unexpectedly".into()))?;
            for answer in answers {
                out.push(answer?);
            }
        }
        Ok(out)
    })
}

/// One month of a scenario's period, for the charts that draw a scenario over time. The months
/// add up to the scenario's figures: spend to its landing, people cost to its people cost, and
/// the last month's headcount is its `headcount_end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioMonth {
    pub month: Month,
    pub budget_minor: i64,
    /// Recorded spend through the as-of month, then the forecast with the changes.
    pub spend_minor: i64,
    /// The people category of `spend_minor`.
    pub people_cost_minor: i64,
    /// People on the team, plus open requisitions and hires that have started (not FTE).
    pub headcount: i64,
}

/// The figures of the inputs with `changes` applied, their months, and how their period is
/// written (`2027`, `FY2027`).
pub fn evaluate_by_month(
    inputs: &PlanInputs,
    changes: &[Change],
    options: &PlanOptions,
) -> Result<(ScenarioFigures, Vec<ScenarioMonth>, String)> {
    let applied = apply(inputs, changes);
    let plan = compute(&applied, options)?;
    Ok((ScenarioFigures::of(&plan, &applied), months_of(&plan, &applied), plan.period.label))
}

/// The months of a computed plan's period, from the inputs it was computed on.
pub fn months_of(plan: &Plan, inputs: &PlanInputs) -> Vec<ScenarioMonth> {
    use std::collections::HashMap;
    let mut people_cost: HashMap<Month, i64> = HashMap::new();
    for ((_, month), minor) in people_cost_by_month(plan, inputs) {
        *people_cost.entry(month).or_default() += minor;
    }
    plan.months
        .iter()
        .map(|m| {
            let recorded = if m.month <= plan.as_of { m.actual_minor } else { 0 };
            ScenarioMonth {
                month: m.month,
                budget_minor: m.budget_minor,
                spend_minor: recorded + m.forecast.map_or(0, |b| b.point_minor),
                people_cost_minor: people_cost.get(&m.month).copied().unwrap_or(0),
                headcount: headcount_in(inputs, m.month),
            }
        })
        .collect()
}

/// The people category of the period's spend, per initiative (`None`: Unallocated) and month:
/// people actuals through the as-of month, then what the people forecast still expects.
fn people_cost_by_month(plan: &Plan, inputs: &PlanInputs) -> Vec<((Option<InitiativeId>, Month), i64)> {
    let mut out: Vec<((Option<InitiativeId>, Month), i64)> = inputs
        .actuals
        .iter()
        .filter(|a| a.category == Category::People && plan.period.contains(a.month) && a.month <= plan.as_of)
        .map(|a| ((a.initiative, a.month), a.minor))
        .collect();
    for series in plan.forecasts.series.iter().filter(|s| s.category == Category::People) {
        for month in plan.period.months() {
            if let Some(band) = still_expected(&plan.forecasts, series, month, plan.running.as_ref()) {
                out.push(((series.initiative, month), band.point_minor));
            }
        }
    }
    out
}

/// People on the team in `month`, plus open requisitions (and scenario hires) started by then.
fn headcount_in(inputs: &PlanInputs, month: Month) -> i64 {
    let people = inputs.people.iter().filter(|p| p.on_team(month)).count();
    let open = inputs.requisitions.iter().filter(|r| r.status.is_open() && r.start <= month).count();
    (people + open) as i64
}

/// The baseline, the scenario, their difference, and with `explain` each change's own.
pub fn view(
    name: &str,
    inputs: &PlanInputs,
    changes: &[(ChangeDeltaLabel, Change)],
    options: &PlanOptions,
    explain: bool,
) -> Result<ScenarioView> {
    let resolved: Vec<Change> = changes.iter().map(|(_, c)| c.clone()).collect();
    // The baseline, then (explained) the changes applied one after another, the last step being
    // the scenario; or the scenario alone. Each is its own compute, so they run side by side.
    let lists: Vec<Vec<Change>> = if explain && !changes.is_empty() {
        (0..=changes.len()).map(|k| resolved[..k].to_vec()).collect()
    } else {
        vec![Vec::new(), resolved.clone()]
    };
    let mut evaluated = evaluate_all(inputs, &lists, options)?.into_iter();
    let (baseline, plan) = evaluated.next().ok_or_else(|| crate::error::Error::Internal("no baseline".into()))?;
    let mut steps: Vec<ScenarioFigures> = evaluated.map(|(figures, _)| figures).collect();
    let (scenario, explained) = if explain && !changes.is_empty() {
        let mut out = Vec::with_capacity(changes.len());
        let mut before = baseline.clone();
        for ((label, _), after) in changes.iter().zip(steps) {
            out.push(ChangeDelta {
                position: label.position,
                kind: label.kind,
                text: label.text.clone(),
                words: label.words.clone(),
                delta: after.minus(&before),
            });
            before = after;
        }
        (before, Some(out))
    } else {
        let scenario = steps.pop().ok_or_else(|| crate::error::Error::Internal("no scenario".into()))?;
        (scenario, explain.then(Vec::new))
    };
    Ok(ScenarioView {
        name: name.to_owned(),
        currency: inputs.base_currency,
        period: plan.period.label.clone(),
        as_of: plan.as_of,
        delta: scenario.minus(&baseline),
        baseline,
        scenario,
        changes: explained,
    })
}

/// Where a change stands in its scenario and how it is written, for `--explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeDeltaLabel {
    pub position: u32,
    pub kind: super::ChangeKind,
    pub text: String,
    pub words: String,
}

impl ChangeDeltaLabel {
    /// The label of `spec` at `position` (counted from 1) in its scenario.
    pub fn of(position: u32, spec: &super::ChangeSpec) -> ChangeDeltaLabel {
        ChangeDeltaLabel { position, kind: spec.kind, text: spec.to_string(), words: spec.words() }
    }
}

impl ScenarioFigures {
    /// The figures of a computed plan, from the inputs it was computed on.
    pub fn of(plan: &Plan, inputs: &PlanInputs) -> ScenarioFigures {
        use std::collections::{HashMap, HashSet};
        let period_end = plan.period.last;
        let mut people_cost: HashMap<Option<InitiativeId>, i64> = HashMap::new();
        for ((initiative, _), minor) in people_cost_by_month(plan, inputs) {
            *people_cost.entry(initiative).or_default() += minor;
        }
        let mut requisitions: HashMap<Option<InitiativeId>, i64> = HashMap::new();
        for r in inputs.requisitions.iter().filter(|r| r.status.is_open() && r.start <= period_end) {
            *requisitions.entry(r.initiative).or_default() += 1;
        }
        let on_team: HashSet<_> = inputs.people.iter().filter(|p| p.on_team(period_end)).map(|p| p.id).collect();
        let mut members: HashSet<(InitiativeId, crate::domain::PersonId)> = HashSet::new();
        for a in inputs.allocations.iter().filter(|a| a.covers(period_end) && on_team.contains(&a.person)) {
            members.insert((a.initiative, a.person));
        }
        let mut people_on: HashMap<InitiativeId, i64> = HashMap::new();
        for (initiative, _) in &members {
            *people_on.entry(*initiative).or_default() += 1;
        }
        let row = |figures: &crate::plan::Figures| {
            let landing = figures.landing.map_or(figures.actual_to_date_minor, |b| b.point_minor);
            (landing - figures.actual_to_date_minor, figures.budget_period_minor.unwrap_or(0), landing, figures.run_out)
        };
        let by_initiative = plan
            .initiatives
            .iter()
            .map(|i| {
                let (spend_minor, budget_minor, landing_minor, run_out) = row(&i.figures);
                InitiativeScenarioFigures {
                    name: i.name.clone(),
                    spend_minor,
                    people_cost_minor: people_cost.get(&Some(i.id)).copied().unwrap_or(0),
                    budget_minor,
                    budget_set: i.figures.budget_period_minor.is_some(),
                    landing_minor,
                    headcount_end: people_on.get(&i.id).copied().unwrap_or(0)
                        + requisitions.get(&Some(i.id)).copied().unwrap_or(0),
                    run_out,
                }
            })
            .collect();
        let (spend_minor, budget_minor, landing_minor, run_out) = row(&plan.portfolio);
        ScenarioFigures {
            spend_minor,
            people_cost_minor: people_cost.values().sum(),
            budget_minor,
            budget_set: plan.portfolio.budget_period_minor.is_some(),
            landing_minor,
            headcount_end: headcount_in(inputs, period_end),
            run_out,
            by_initiative,
        }
    }

    /// `self − other`, initiative by initiative (matched by name); `run_out` is `self`'s.
    pub fn minus(&self, other: &ScenarioFigures) -> ScenarioFigures {
        let by_initiative = self
            .by_initiative
            .iter()
            .map(|mine| {
                let theirs = other.by_initiative.iter().find(|o| o.name == mine.name);
                let zero = InitiativeScenarioFigures {
                    name: mine.name.clone(),
                    spend_minor: 0,
                    people_cost_minor: 0,
                    budget_minor: 0,
                    budget_set: false,
                    landing_minor: 0,
                    headcount_end: 0,
                    run_out: None,
                };
                let theirs = theirs.unwrap_or(&zero);
                InitiativeScenarioFigures {
                    name: mine.name.clone(),
                    spend_minor: mine.spend_minor - theirs.spend_minor,
                    people_cost_minor: mine.people_cost_minor - theirs.people_cost_minor,
                    budget_minor: mine.budget_minor - theirs.budget_minor,
                    budget_set: mine.budget_set,
                    landing_minor: mine.landing_minor - theirs.landing_minor,
                    headcount_end: mine.headcount_end - theirs.headcount_end,
                    run_out: mine.run_out,
                }
            })
            .collect();
        ScenarioFigures {
            spend_minor: self.spend_minor - other.spend_minor,
            people_cost_minor: self.people_cost_minor - other.people_cost_minor,
            budget_minor: self.budget_minor - other.budget_minor,
            budget_set: self.budget_set,
            landing_minor: self.landing_minor - other.landing_minor,
            headcount_end: self.headcount_end - other.headcount_end,
            run_out: self.run_out,
            by_initiative,
        }
    }
}
