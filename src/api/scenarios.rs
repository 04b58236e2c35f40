//! The scenario commands of the one command list: create, list, remove, add and drop changes,
//! show one against the baseline, compare several, and carry one to a colleague as a file.
//! Every change is checked against the portfolio before it is written; every write is one audited
//! transaction.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::{EntityKind, Month};
use crate::error::{Error, Result};
use crate::plan::scenario::figures::{self, ComparisonColumn};
use crate::plan::scenario::{
    Catalog, Change, ChangeKind, ChangeSpec, Comparison, ScenarioView, refuse_idle, resolve_stored,
};
use crate::plan::{PeriodChoice, PlanInputs, PlanOptions};
use crate::store::scenarios;
pub use crate::store::scenarios::StoredScenario;
use crate::store::{Store, records};

/// What `scenario export` writes and `scenario import` reads.
pub const FILE_FORMAT: &str = "mlops-portfolio.scenario";
pub const FILE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioNewRequest {
    pub name: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioName {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioAddRequest {
    pub name: String,
    pub change: ChangeSpec,
}

/// Where a change landed in its scenario, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ChangePosition {
    pub position: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioDropRequest {
    pub name: String,
    pub position: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioShowRequest {
    pub name: String,
    /// `2027`, `2026-Q3` or `all`; the fiscal year of the as-of month when absent.
    #[serde(default)]
    pub period: Option<String>,
    /// This month when absent.
    #[serde(default)]
    pub as_of: Option<Month>,
    /// Each change's own difference too.
    #[serde(default)]
    pub explain: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioCompareRequest {
    /// One to four scenarios, shown after the baseline.
    pub names: Vec<String>,
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub as_of: Option<Month>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioExportRequest {
    pub name: String,
    /// Where to write the file; without a path nothing is written and the answer carries the
    /// file's text (browser mode downloads it).
    #[serde(default)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioImportRequest {
    /// The file to read; or give its `text` (browser mode uploads it) and, for messages, its
    /// `file_name`.
    #[serde(default)]
    pub path: Option<PathBuf>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub file_name: Option<String>,
    /// The name to give it here; the file's when absent.
    #[serde(default)]
    pub name: Option<String>,
}

/// The scenario file: `{"format": "mlops-portfolio.scenario", "version": 1, "name", "note",
/// "changes": [{"kind", …fields}]}`, records by name, so it reads the same in another copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ScenarioFile {
    format: String,
    version: u32,
    name: String,
    #[serde(default)]
    note: String,
    changes: Vec<BTreeMap<String, Value>>,
}

pub fn scenario_new(store: &mut Store, request: ScenarioNewRequest) -> Result<StoredScenario> {
    if request.name.trim().is_empty() {
        return Err(Error::Validation("name: a scenario needs a name".into()));
    }
    store.in_transaction(|tx, actor| scenarios::create(tx, actor, &request.name, &request.note))
}

pub fn scenario_list(store: &mut Store, _: super::commands::NoArguments) -> Result<Vec<StoredScenario>> {
    scenarios::list(store.conn())
}

pub fn scenario_remove(store: &mut Store, request: ScenarioName) -> Result<StoredScenario> {
    let scenario = scenarios::get(store.conn(), &request.name)?;
    store.in_transaction(|tx, actor| records::delete_json(tx, actor, EntityKind::Scenario, scenario.id))?;
    Ok(scenario)
}

/// Checks the change against the portfolio, then appends it.
pub fn scenario_add(store: &mut Store, request: ScenarioAddRequest) -> Result<ChangePosition> {
    let scenario = scenarios::get(store.conn(), &request.name)?;
    let change = normalised(&request.change);
    let catalog = Catalog::load(store.conn())?;
    refuse_idle(&change, &change.resolve(&catalog)?, &catalog)?;
    let position = store.in_transaction(|tx, actor| scenarios::add_change(tx, actor, &scenario, &change))?;
    Ok(ChangePosition { position })
}

pub fn scenario_drop(store: &mut Store, request: ScenarioDropRequest) -> Result<StoredScenario> {
    let scenario = scenarios::get(store.conn(), &request.name)?;
    store.in_transaction(|tx, actor| scenarios::drop_change(tx, actor, &scenario, request.position))?;
    scenarios::get(store.conn(), &request.name)
}

pub fn scenario_show(store: &mut Store, request: ScenarioShowRequest) -> Result<ScenarioView> {
    let scenario = scenarios::get(store.conn(), &request.name)?;
    let (inputs, options) = setting(store, request.as_of, request.period.as_deref())?;
    let changes = resolve_stored(&Catalog::load(store.conn())?, &scenario)?;
    figures::view(&scenario.name, &inputs, &changes, &options, request.explain)
}

pub fn scenario_compare(store: &mut Store, request: ScenarioCompareRequest) -> Result<Comparison> {
    if request.names.is_empty() || request.names.len() > 4 {
        return Err(Error::Validation(format!(
            "names: compare one to four scenarios with the baseline, not {}",
            request.names.len()
        )));
    }
    let (inputs, options) = setting(store, request.as_of, request.period.as_deref())?;
    let catalog = Catalog::load(store.conn())?;
    let mut names = Vec::with_capacity(request.names.len());
    let mut lists: Vec<Vec<Change>> = vec![Vec::new()];
    for name in &request.names {
        let scenario = scenarios::get(store.conn(), name)?;
        lists.push(resolve_stored(&catalog, &scenario)?.into_iter().map(|(_, c)| c).collect());
        names.push(scenario.name);
    }
    let mut evaluated = figures::evaluate_all(&inputs, &lists, &options)?.into_iter();
    let (baseline, plan) = evaluated.next().ok_or_else(|| Error::Internal("no baseline".into()))?;
    let mut columns = vec![ComparisonColumn { name: "baseline".to_owned(), figures: baseline.clone(), delta: None }];
    for (name, (figures, _)) in names.into_iter().zip(evaluated) {
        let delta = Some(figures.minus(&baseline));
        columns.push(ComparisonColumn { name, figures, delta });
    }
    Ok(Comparison {
        currency: inputs.base_currency,
        period: plan.period.label.clone(),
        period_key: plan.period.key.clone(),
        as_of: plan.as_of,
        columns,
    })
}

/// What `scenario export` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioExported {
    /// Where it was written; `None` when the request gave no path.
    pub path: Option<String>,
    pub changes: u32,
    /// The file's text, `mlops-portfolio.scenario` version 1.
    pub text: String,
}

pub fn scenario_export(store: &mut Store, request: ScenarioExportRequest) -> Result<ScenarioExported> {
    let scenario = scenarios::get(store.conn(), &request.name)?;
    let file = ScenarioFile {
        format: FILE_FORMAT.to_owned(),
        version: FILE_VERSION,
        name: scenario.name.clone(),
        note: scenario.note.clone(),
        changes: scenario
            .changes
            .iter()
            .map(|c| {
                let mut entry: BTreeMap<String, Value> =
                    c.fields.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
                entry.insert("kind".to_owned(), Value::String(c.kind.as_str().to_owned()));
                entry
            })
            .collect(),
    };
    let text = serde_json::to_string_pretty(&file)? + "\n";
    if let Some(path) = &request.path {
        crate::io::write_whole(path, text.as_bytes())?;
    }
    Ok(ScenarioExported {
        path: request.path.as_ref().map(|p| p.display().to_string()),
        changes: scenario.changes.len() as u32,
        text,
    })
}

/// Reads a scenario file, checks every change against this portfolio, and writes it whole or not
/// at all; an error names the change's position and the field or value at fault.
pub fn scenario_import(store: &mut Store, request: ScenarioImportRequest) -> Result<StoredScenario> {
    let (text, shown) = match (&request.path, &request.text) {
        (Some(path), None) => {
            (std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", e))?, path.display().to_string())
        }
        (None, Some(text)) => {
            (text.clone(), request.file_name.clone().unwrap_or_else(|| "the uploaded file".to_owned()))
        }
        _ => {
            return Err(Error::Validation("path: give the scenario file's path, or its text (not both)".into()));
        }
    };
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        Error::Validation(format!("{shown}: not a scenario file: {e} (line {}, column {})", e.line(), e.column()))
    })?;
    let format = value.get("format").and_then(Value::as_str);
    if format != Some(FILE_FORMAT) {
        return Err(Error::Validation(format!(
            "{shown}: format is {}, not \"{FILE_FORMAT}\"; this is not a scenario file written by `scenario export`",
            format.map_or("missing".to_owned(), |f| format!("\"{f}\""))
        )));
    }
    let version = value.get("version").and_then(Value::as_u64);
    if version != Some(u64::from(FILE_VERSION)) {
        return Err(Error::Validation(format!(
            "{shown}: version {} is not one this build reads (it reads version {FILE_VERSION}); update the app",
            version.map_or("missing".to_owned(), |v| v.to_string())
        )));
    }
    let file: ScenarioFile = serde_path_to_error::deserialize(value)
        .map_err(|e| Error::Validation(format!("{shown}: {} {}", e.path(), e.inner())))?;
    let catalog = Catalog::load(store.conn())?;
    let mut changes = Vec::with_capacity(file.changes.len());
    for (k, entry) in file.changes.iter().enumerate() {
        let position = k + 1;
        let at = |e: Error| match e {
            Error::Validation(m) | Error::NotFound(m) => Error::Validation(format!("{shown}: change {position}: {m}")),
            other => other,
        };
        let mut fields = BTreeMap::new();
        let mut kind = None;
        for (key, value) in entry {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                other => return Err(at(Error::Validation(format!("{key}: `{other}` is not text or a number")))),
            };
            if key == "kind" {
                kind = Some(
                    text.parse::<ChangeKind>().map_err(|e| at(Error::Validation(format!("kind: {}", e.message))))?,
                );
            } else {
                fields.insert(key.clone(), text);
            }
        }
        let kind = kind.ok_or_else(|| at(Error::Validation("kind: missing; every change names its kind".into())))?;
        let change = normalised(&ChangeSpec { kind, fields });
        refuse_idle(&change, &change.resolve(&catalog).map_err(at)?, &catalog).map_err(at)?;
        changes.push(change);
    }
    let name = request.name.clone().unwrap_or(file.name);
    store.in_transaction(|tx, actor| {
        let mut scenario = scenarios::create(tx, actor, &name, &file.note)?;
        for change in &changes {
            scenarios::add_change(tx, actor, &scenario, change)?;
            scenario.changes.push(change.clone());
        }
        Ok(scenario)
    })
}

/// The fields with their names trimmed and empty values left out.
fn normalised(change: &ChangeSpec) -> ChangeSpec {
    ChangeSpec {
        kind: change.kind,
        fields: change
            .fields
            .iter()
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .collect(),
    }
}

/// The inputs as of the month asked for (this month by default) and the period.
fn setting(
    store: &Store,
    as_of: Option<Month>,
    period: Option<&str>,
) -> Result<(std::sync::Arc<PlanInputs>, PlanOptions)> {
    let as_of = as_of.unwrap_or_else(super::current_month);
    let period = match period {
        Some(text) => text.parse::<PeriodChoice>()?,
        None => PeriodChoice::default(),
    };
    let inputs = PlanInputs::load_remembered(store, as_of, crate::plan::period::today())?;
    Ok((inputs, PlanOptions { period, ..PlanOptions::default() }))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioApplyRequest {
    pub name: String,
    /// Must be true: applying writes real records (the CLI's `--yes`).
    #[serde(default)]
    pub yes: bool,
    /// Changes touch the months after this one (this month when absent), as `scenario show`.
    #[serde(default)]
    pub as_of: Option<Month>,
}

/// What `scenario apply` wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioApplied {
    /// Records created or changed: requisitions, people, allocations, budget lines, contracts,
    /// initiatives.
    pub records: u32,
    /// Rows of planned spend the forecast now uses.
    pub planned_spend: u32,
}

/// Turns a scenario's changes into real records in one audited transaction, so that afterwards
/// the baseline shows what the scenario showed: hires become open requisitions, leaves end people,
/// allocations are split and written, budget changes write budget lines, spend and contract
/// changes become planned spend (and a contract record, or a contract's earlier end). Any failure
/// writes nothing.
pub fn scenario_apply(store: &mut Store, request: ScenarioApplyRequest) -> Result<ScenarioApplied> {
    use crate::domain::{Allocation, BudgetLine, Contract, Initiative, Money, Person, Requisition, RequisitionStatus};
    use crate::plan::scenario::{Adjust, SpendAdjustment, SpendChange, Target, budget_horizon};
    if !request.yes {
        return Err(Error::Validation(
            "yes: applying writes the scenario's changes into the portfolio as real records; confirm with --yes".into(),
        ));
    }
    let scenario = scenarios::get(store.conn(), &request.name)?;
    let changes = resolve_stored(&Catalog::load(store.conn())?, &scenario)?;
    let as_of = request.as_of.unwrap_or_else(super::current_month);
    let inputs = PlanInputs::load_remembered(store, as_of, crate::plan::period::today())?;
    let base = inputs.base_currency;
    let after = as_of.plus(1);
    let from = |month: Month| month.max(after);
    let name = scenario.name.clone();
    store.in_transaction(|tx, actor| {
        let (mut written, mut planned) = (0u32, 0u32);
        let mut plan = |adjustment: SpendAdjustment| -> Result<()> {
            scenarios::add_planned_spend(tx, actor, &name, &adjustment)?;
            planned += 1;
            Ok(())
        };
        for (label, change) in &changes {
            let at = |e: Error| match e {
                Error::Validation(m) | Error::Conflict(m) => {
                    Error::Validation(format!("change {} ({}): {m}; nothing was applied", label.position, label.text))
                }
                other => other,
            };
            match change {
                Change::Hire { role, count, start, initiative, percent } => {
                    if *percent != 100 {
                        return Err(at(Error::Validation(format!(
                            "percent: a requisition is for a whole person; a {percent}% hire cannot be one (make it 100%, or keep it a scenario)"
                        ))));
                    }
                    let role_name: String = tx.query_row("SELECT name FROM roles WHERE id = ?1", [role.0], |r| r.get(0))?;
                    for k in 0..*count {
                        let title = if *count == 1 { format!("{role_name} ({name})") } else { format!("{role_name} {} ({name})", k + 1) };
                        records::insert(
                            tx,
                            actor,
                            &Requisition { title, role_id: *role, initiative_id: *initiative, start: from(*start), status: RequisitionStatus::Open },
                        )
                        .map_err(at)?;
                        written += 1;
                    }
                }
                Change::Leave { person, end } => {
                    let mut stored = records::get::<Person>(tx, *person)?.record;
                    let end = (*end).max(as_of);
                    stored.end = Some(stored.end.map_or(end, |e| e.min(end)));
                    records::update(tx, actor, *person, &stored).map_err(at)?;
                    written += 1;
                }
                Change::Allocate { person, initiative, percent, start, end } => {
                    let start = from(*start);
                    let filter = serde_json::json!({ "person_id": person.0, "initiative_id": initiative.0 });
                    let Value::Object(filter) = filter else { unreachable!("a JSON object") };
                    for existing in records::list::<Allocation>(tx, &filter)? {
                        let a = existing.record;
                        let overlaps = a.end.is_none_or(|e| e >= start) && end.is_none_or(|end| a.start <= end);
                        if !overlaps {
                            continue;
                        }
                        // The part before the window and the part after it stay as they were.
                        records::delete::<Allocation>(tx, actor, existing.id).map_err(at)?;
                        if a.start < start {
                            records::insert(tx, actor, &Allocation { end: Some(start.plus(-1)), ..a.clone() }).map_err(at)?;
                        }
                        if let Some(end) = end
                            && a.end.is_none_or(|e| e > *end)
                        {
                            records::insert(tx, actor, &Allocation { start: a.start.max(end.plus(1)), ..a.clone() }).map_err(at)?;
                        }
                        written += 1;
                    }
                    let percent = u8::try_from(*percent).unwrap_or(100);
                    records::insert(tx, actor, &Allocation { person_id: *person, initiative_id: *initiative, percent, start, end: *end, model_id: None })
                        .map_err(at)?;
                    written += 1;
                }
                Change::Spend { target, category, start, end, adjust } => {
                    plan(SpendAdjustment { target: *target, category: *category, first: from(*start), last: *end, change: SpendChange::Adjust(*adjust) })?;
                }
                Change::Budget { initiative, category, start, end, adjust } => {
                    let first = from(*start);
                    let last = match (adjust, end) {
                        (_, Some(end)) => *end,
                        (Adjust::PerMonth(_), None) => budget_horizon(&inputs, first),
                        (Adjust::Percent(_), None) => Month::new(9999, 12).unwrap_or(first),
                    };
                    let filter = serde_json::json!({ "initiative_id": initiative.0, "category": category.as_str() });
                    let Value::Object(filter) = filter else { unreachable!("a JSON object") };
                    let lines = records::list::<BudgetLine>(tx, &filter)?;
                    match adjust {
                        Adjust::Percent(_) => {
                            for line in lines.into_iter().filter(|l| l.record.month >= first && l.record.month <= last) {
                                let mut record = line.record;
                                record.amount = Money::new(adjust.apply(record.amount.minor), record.amount.currency);
                                records::update(tx, actor, line.id, &record).map_err(at)?;
                                written += 1;
                            }
                        }
                        Adjust::PerMonth(minor) => {
                            for k in 0..=first.months_until(last).max(-1) {
                                let month = first.plus(k);
                                match lines.iter().find(|l| l.record.month == month) {
                                    Some(line) if line.record.amount.currency == base => {
                                        let mut record = line.record.clone();
                                        record.amount = Money::new(record.amount.minor + minor, base);
                                        records::update(tx, actor, line.id, &record).map_err(at)?;
                                    }
                                    Some(line) => {
                                        return Err(at(Error::Validation(format!(
                                            "the {} budget line of {month} is in {}, the change in {base}; change that line in the budget grid",
                                            category.as_str(),
                                            line.record.amount.currency
                                        ))));
                                    }
                                    None => {
                                        let line = BudgetLine {
                                            initiative_id: *initiative,
                                            month,
                                            category: *category,
                                            amount: Money::new(*minor, base),
                                            note: Some(format!("scenario {name}")),
                                        };
                                        records::insert(tx, actor, &line).map_err(at)?;
                                    }
                                }
                                written += 1;
                            }
                        }
                    }
                }
                Change::ContractAdd { vendor, title, value_minor, start, end, initiative } => {
                    let contract = Contract {
                        vendor_id: *vendor,
                        title: title.clone(),
                        initiative_id: *initiative,
                        value: Money::new(*value_minor, base),
                        start: start.first_day(),
                        end: crate::plan::period::last_day(*end),
                        notice_days: 0,
                        auto_renew: false,
                    };
                    records::insert(tx, actor, &contract).map_err(at)?;
                    written += 1;
                    plan(SpendAdjustment {
                        target: initiative.map_or(Target::Every, Target::Initiative),
                        category: crate::domain::Category::Vendor,
                        first: from(*start),
                        last: Some(*end),
                        change: SpendChange::Spread { total_minor: *value_minor, term_first: *start, term_last: *end },
                    })?;
                }
                Change::ContractCancel { contract, from: cancel } => {
                    let Some(facts) = inputs.contracts.iter().find(|c| c.id == contract.0) else { continue };
                    let (term_first, term_last) = (Month::of(facts.start), Month::of(facts.end));
                    let first = from(*cancel);
                    if first > term_last {
                        continue;
                    }
                    let mut stored = records::get::<Contract>(tx, *contract)?.record;
                    stored.end = crate::plan::period::last_day(first.plus(-1)).max(stored.start);
                    records::update(tx, actor, *contract, &stored).map_err(at)?;
                    written += 1;
                    plan(SpendAdjustment {
                        target: facts.initiative.map_or(Target::Every, Target::Initiative),
                        category: crate::domain::Category::Vendor,
                        first,
                        last: Some(term_last),
                        change: SpendChange::Spread { total_minor: -facts.value_minor, term_first, term_last },
                    })?;
                }
                Change::InitiativeStop { initiative, from: stop } => {
                    let last = from(*stop).plus(-1);
                    let mut stored = records::get::<Initiative>(tx, *initiative)?.record;
                    stored.end = Some(stored.end.map_or(last, |e| e.min(last)));
                    records::update(tx, actor, *initiative, &stored).map_err(at)?;
                    written += 1;
                    let filter = serde_json::json!({ "initiative_id": initiative.0 });
                    let Value::Object(filter) = filter else { unreachable!("a JSON object") };
                    for allocation in records::list::<Allocation>(tx, &filter)? {
                        let mut a = allocation.record;
                        if a.start > last {
                            records::delete::<Allocation>(tx, actor, allocation.id).map_err(at)?;
                        } else if a.end.is_none_or(|e| e > last) {
                            a.end = Some(last);
                            records::update(tx, actor, allocation.id, &a).map_err(at)?;
                        } else {
                            continue;
                        }
                        written += 1;
                    }
                    for requisition in records::list::<Requisition>(tx, &filter)? {
                        let mut r = requisition.record;
                        if r.start > last && r.status.is_open() {
                            r.initiative_id = None;
                            records::update(tx, actor, requisition.id, &r).map_err(at)?;
                            written += 1;
                        }
                    }
                }
            }
        }
        // People an initiative_stop unassigns stay in people cost, as the scenario showed.
        let resolved: Vec<Change> = changes.iter().map(|(_, c)| c.clone()).collect();
        let shown = crate::plan::scenario::apply(&inputs, &resolved);
        for adjustment in shown.adjustments.into_iter().filter(|a| a.target == Target::Unallocated) {
            if !inputs.adjustments.contains(&adjustment) {
                plan(adjustment)?;
            }
        }
        Ok(ScenarioApplied { records: written, planned_spend: planned })
    })
}
