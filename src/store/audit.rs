//! The append-only audit log: who changed what, when, and the record before and after.
//!
//! Every writer — record commands, settings, imports, restores, metric bindings, cost mappings,
//! and every sync (registry models one by one, cost actuals and metric samples as one row per run)
//! — records a typed [`Event`] through [`write()`], the only code that inserts audit rows, on the
//! transaction of the change itself, so a change and its audit row commit or roll back together.
//! A test walks the command list and fails for a command that writes without an audit row.

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use crate::domain::EntityKind;
use crate::error::Result;

/// What a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A record of one of the portfolio's kinds, by id.
    Record(EntityKind, i64),
    /// The portfolio itself: its base currency, a restore.
    Portfolio,
    /// An exchange rate.
    FxRate,
    /// The planning settings (fiscal year, attention floor).
    Settings,
    /// One imported file (its `imports` row).
    Import(i64),
    /// A model's metric bound to a query.
    MetricBinding(i64),
    /// OpenCost costs attributed to a model (the model's id; none for an unmap).
    CostMapping(Option<i64>),
    /// A record written by a cluster sync (a model or model version from a registry).
    Synced(EntityKind, i64),
    /// What one sync run (its `sync_runs` row) wrote in bulk: cost actuals, metric samples.
    SyncRun(i64),
    /// The actuals of one initiative (by id; none: Unallocated) changed together, e.g. a month
    /// marked one-off.
    Spend(Option<i64>),
    /// A row of planned spend (an applied scenario's spend or contract change).
    PlannedSpend(i64),
}

/// What happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    Import,
    Restore,
    Map,
    Unmap,
    /// A sync created, changed or marked a record gone upstream, or wrote in bulk.
    SyncCreate,
    SyncUpdate,
    SyncGoneUpstream,
    SyncWrite,
}

/// One change, as the audit log keeps it: the only shape any writer records.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event<'a> {
    pub subject: Subject,
    pub action: Action,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

impl Subject {
    fn entity(self) -> (&'static str, Option<i64>) {
        match self {
            Subject::Record(kind, id) | Subject::Synced(kind, id) => (kind.as_str(), Some(id)),
            Subject::Portfolio => ("portfolio", None),
            Subject::FxRate => ("fx_rate", None),
            Subject::Settings => ("settings", None),
            Subject::Import(id) => ("import", Some(id)),
            Subject::MetricBinding(id) => ("metric_binding", Some(id)),
            Subject::CostMapping(id) => ("cost_mapping", id),
            Subject::SyncRun(id) => ("sync_run", Some(id)),
            Subject::Spend(id) => ("spend", id),
            Subject::PlannedSpend(id) => ("planned_spend", Some(id)),
        }
    }
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Import => "import",
            Action::Restore => "restore",
            Action::Map => "map",
            Action::Unmap => "unmap",
            Action::SyncCreate => "sync-create",
            Action::SyncUpdate => "sync-update",
            Action::SyncGoneUpstream => "sync-gone-upstream",
            Action::SyncWrite => "sync-write",
        }
    }
}

/// Records `event` by `actor`. Call it on the transaction of the change it describes, so that
/// both are committed or rolled back together; this is the one place audit rows are written.
pub fn write(conn: &Connection, actor: &str, event: Event<'_>) -> Result<()> {
    let (entity, entity_id) = event.subject.entity();
    conn.prepare_cached(
        "INSERT INTO audit_log (at, actor, entity, entity_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(rusqlite::params![
        super::now_utc(),
        actor,
        entity,
        entity_id,
        event.action.as_str(),
        event.before.map(Value::to_string),
        event.after.map(Value::to_string),
    ])?;
    Ok(())
}

/// One audit row as read back.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The newest `limit` entries, newest first, optionally for one entity kind.
pub fn recent(conn: &Connection, entity: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, entity, entity_id, action, before, after FROM audit_log
         WHERE ?1 IS NULL OR entity = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![entity, limit], |r| {
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            action: r.get(5)?,
            before: parse(r.get(6)?),
            after: parse(r.get(7)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
