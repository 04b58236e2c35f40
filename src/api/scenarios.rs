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
use crate::plan::scenario::figures::{self, ChangeDeltaLabel, ComparisonColumn};
use crate::plan::scenario::{Catalog, Change, ChangeKind, ChangeSpec, Comparison, ScenarioView};
use crate::plan::{PeriodChoice, PlanInputs, PlanOptions};
use crate::store::scenarios::{self, StoredScenario};
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
    pub path: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioImportRequest {
    pub path: PathBuf,
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
    change.resolve(&Catalog::load(store.conn())?)?;
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
    let changes = resolved(store, &scenario)?;
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
    let (baseline, plan) = figures::evaluate(&inputs, &[], &options)?;
    let mut columns = vec![ComparisonColumn { name: "baseline".to_owned(), figures: baseline }];
    for name in &request.names {
        let scenario = scenarios::get(store.conn(), name)?;
        let changes: Vec<Change> = resolved(store, &scenario)?.into_iter().map(|(_, c)| c).collect();
        let (figures, _) = figures::evaluate(&inputs, &changes, &options)?;
        columns.push(ComparisonColumn { name: scenario.name, figures });
    }
    Ok(Comparison { period: plan.period.label.clone(), as_of: plan.as_of, columns })
}

/// What `scenario export` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScenarioExported {
    pub path: String,
    pub changes: u32,
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
    crate::io::write_whole(&request.path, text.as_bytes())?;
    Ok(ScenarioExported { path: request.path.display().to_string(), changes: scenario.changes.len() as u32 })
}

/// Reads a scenario file, checks every change against this portfolio, and writes it whole or not
/// at all; an error names the change's position and the field or value at fault.
pub fn scenario_import(store: &mut Store, request: ScenarioImportRequest) -> Result<StoredScenario> {
    let path = &request.path;
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", e))?;
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
        change.resolve(&catalog).map_err(at)?;
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
fn setting(store: &Store, as_of: Option<Month>, period: Option<&str>) -> Result<(PlanInputs, PlanOptions)> {
    let as_of = as_of.unwrap_or_else(super::current_month);
    let period = match period {
        Some(text) => text.parse::<PeriodChoice>()?,
        None => PeriodChoice::default(),
    };
    let inputs = PlanInputs::load(store.conn(), as_of, crate::plan::period::today())?;
    Ok((inputs, PlanOptions { period, ..PlanOptions::default() }))
}

/// The scenario's changes resolved against the portfolio as it is now; one that no longer
/// resolves (a person removed since) is an error naming its position.
fn resolved(store: &Store, scenario: &StoredScenario) -> Result<Vec<(ChangeDeltaLabel, Change)>> {
    let catalog = Catalog::load(store.conn())?;
    scenario
        .changes
        .iter()
        .enumerate()
        .map(|(k, spec)| {
            let position = k as u32 + 1;
            let change = spec.resolve(&catalog).map_err(|e| match e {
                Error::Validation(m) => Error::Validation(format!(
                    "scenario `{}`, change {position} ({spec}): {m}; drop it with `scenario drop \"{}\" {position}`",
                    scenario.name, scenario.name
                )),
                other => other,
            })?;
            Ok((ChangeDeltaLabel { position, kind: spec.kind, text: spec.to_string() }, change))
        })
        .collect()
}
