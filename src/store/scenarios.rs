//! Scenarios and their changes: the scenario record (name, note) goes through [`super::records`]
//! like every kind; its changes live in `scenario_changes`, written only here, each addition and
//! removal with its audit row (an update of the scenario) on the caller's transaction. Changes are
//! kept as written ([`ChangeSpec`]); the caller checks them against the portfolio first.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{self, Action, Event, Subject};
use super::records;
use crate::domain::{EntityKind, Scenario, ScenarioId};
use crate::error::{Error, Result};
use crate::plan::scenario::{ChangeKind, ChangeSpec};

/// A scenario with its changes in order (positions count from 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StoredScenario {
    #[serde(skip)]
    #[ts(skip)]
    pub id: i64,
    pub name: String,
    pub note: String,
    pub changes: Vec<ChangeSpec>,
}

/// Every scenario, by name.
pub fn list(conn: &Connection) -> Result<Vec<StoredScenario>> {
    let mut out: Vec<StoredScenario> = conn
        .prepare("SELECT id, name, note FROM scenarios ORDER BY name COLLATE NOCASE, id")?
        .query_map([], |r| Ok(StoredScenario { id: r.get(0)?, name: r.get(1)?, note: r.get(2)?, changes: Vec::new() }))?
        .collect::<std::result::Result<_, _>>()?;
    for scenario in &mut out {
        scenario.changes = changes(conn, scenario.id)?;
    }
    Ok(out)
}

/// One scenario by name or id.
pub fn get(conn: &Connection, name: &str) -> Result<StoredScenario> {
    let id = records::resolve(conn, EntityKind::Scenario, name).map_err(|_| {
        Error::NotFound(format!("there is no scenario named `{}`; `scenario list` shows them", name.trim()))
    })?;
    let stored = records::get::<Scenario>(conn, ScenarioId(id))?;
    Ok(StoredScenario { id, name: stored.record.name, note: stored.record.note, changes: changes(conn, id)? })
}

fn changes(conn: &Connection, scenario: i64) -> Result<Vec<ChangeSpec>> {
    let mut stmt =
        conn.prepare_cached("SELECT kind, fields FROM scenario_changes WHERE scenario_id = ?1 ORDER BY position")?;
    let rows = stmt.query_map([scenario], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, fields) = row?;
        let kind = kind.parse::<ChangeKind>()?;
        let fields: BTreeMap<String, String> = serde_json::from_str(&fields).map_err(|e| {
            Error::Storage(format!("a change of scenario {scenario} has fields that are not text: {e}"))
        })?;
        out.push(ChangeSpec { kind, fields });
    }
    Ok(out)
}

/// Creates an empty scenario.
pub fn create(conn: &Connection, actor: &str, name: &str, note: &str) -> Result<StoredScenario> {
    let stored =
        records::insert(conn, actor, &Scenario { name: name.trim().to_owned(), note: note.trim().to_owned() })?;
    Ok(StoredScenario { id: stored.id.0, name: stored.record.name, note: stored.record.note, changes: Vec::new() })
}

/// Appends a change (already checked); its position.
pub fn add_change(conn: &Connection, actor: &str, scenario: &StoredScenario, change: &ChangeSpec) -> Result<u32> {
    let position = scenario.changes.len() as u32 + 1;
    insert_change(conn, scenario.id, position, change)?;
    let after = json!({ "scenario": scenario.name, "added": position, "change": change });
    audit_change(conn, actor, scenario, None, Some(&after))?;
    Ok(position)
}

fn insert_change(conn: &Connection, scenario: i64, position: u32, change: &ChangeSpec) -> Result<()> {
    conn.execute(
        "INSERT INTO scenario_changes (scenario_id, position, kind, fields) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![scenario, position, change.kind.as_str(), serde_json::to_string(&change.fields)?],
    )?;
    Ok(())
}

/// A change to a scenario's list is an update of the scenario, in the audit log.
fn audit_change(
    conn: &Connection,
    actor: &str,
    scenario: &StoredScenario,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<()> {
    let subject = Subject::Record(EntityKind::Scenario, scenario.id);
    audit::write(conn, actor, Event { subject, action: Action::Update, before, after })
}

/// Removes the change at `position`; those after it move up one.
pub fn drop_change(conn: &Connection, actor: &str, scenario: &StoredScenario, position: u32) -> Result<ChangeSpec> {
    let count = scenario.changes.len() as u32;
    if position == 0 || position > count {
        return Err(Error::Validation(format!(
            "position: scenario `{}` has {} (positions 1 to {count}); `scenario show` lists them",
            scenario.name,
            match count {
                0 => "no changes".to_owned(),
                1 => "1 change".to_owned(),
                n => format!("{n} changes"),
            }
        )));
    }
    let removed = scenario.changes[position as usize - 1].clone();
    // The rest are written again at their new positions (a scenario holds a handful of changes).
    conn.execute("DELETE FROM scenario_changes WHERE scenario_id = ?1", [scenario.id])?;
    let rest = scenario.changes.iter().enumerate().filter(|(i, _)| *i as u32 + 1 != position).map(|(_, c)| c);
    for (k, change) in rest.enumerate() {
        insert_change(conn, scenario.id, k as u32 + 1, change)?;
    }
    let before = json!({ "scenario": scenario.name, "removed": position, "change": removed });
    audit_change(conn, actor, scenario, Some(&before), None)?;
    Ok(removed)
}

/// Writes one row of planned spend (an applied scenario's spend or contract change); its id.
pub fn add_planned_spend(
    conn: &Connection,
    actor: &str,
    scenario: &str,
    adjustment: &crate::plan::scenario::SpendAdjustment,
) -> Result<i64> {
    use crate::plan::scenario::{Adjust, SpendChange, Target};
    let (initiative, unallocated) = match adjustment.target {
        Target::Every => (None, false),
        Target::Initiative(id) => (Some(id.0), false),
        Target::Unallocated => (None, true),
    };
    let (percent, amount, spread, term) = match adjustment.change {
        SpendChange::Adjust(Adjust::Percent(hundredths)) => (Some(hundredths), None, None, None),
        SpendChange::Adjust(Adjust::PerMonth(minor)) => (None, Some(minor), None, None),
        SpendChange::Spread { total_minor, term_first, term_last } => {
            (None, None, Some(total_minor), Some((term_first.to_string(), term_last.to_string())))
        }
    };
    conn.execute(
        "INSERT INTO planned_spend (scenario, initiative_id, category, first, last, percent_hundredths, amount_minor,
                                    spread_total_minor, term_first, term_last, unallocated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        rusqlite::params![
            scenario,
            initiative,
            adjustment.category.as_str(),
            adjustment.first.to_string(),
            adjustment.last.map(|m| m.to_string()),
            percent,
            amount,
            spread,
            term.as_ref().map(|t| t.0.clone()),
            term.as_ref().map(|t| t.1.clone()),
            unallocated,
        ],
    )?;
    let id = conn.last_insert_rowid();
    let after = json!({
        "scenario": scenario, "initiative_id": initiative, "category": adjustment.category, "first": adjustment.first,
        "last": adjustment.last, "percent_hundredths": percent, "amount_minor": amount, "spread_total_minor": spread,
        "unallocated": unallocated,
    });
    audit::write(
        conn,
        actor,
        Event { subject: Subject::PlannedSpend(id), action: Action::Create, before: None, after: Some(&after) },
    )?;
    Ok(id)
}
