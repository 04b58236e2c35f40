//! The append-only audit log: who changed what, when, and the record before and after.
//!
//! Every writer — record commands, settings, imports, restores, metric bindings, cost mappings,
//! and every sync (registry models one by one, cost actuals and metric samples as one row per run)
//! — records a typed [`Event`] through [`write()`], the only code that inserts audit rows, on the
//! transaction of the change itself, so a change and its audit row commit or roll back together.
//! A test walks the command list and fails for a command that writes without an audit row.
//!
//! The log is tamper-evident: rows are chained in id order, each carrying the SHA-256 of the row
//! before it (`prev_hash`) and of its own canonical content, id and `prev_hash` included
//! (`hash`). [`verify`] walks the chain and names the first row that does not match: an edited
//! row, a deleted one, rows swapped. Dropping the append-only triggers no longer hides a rewrite;
//! rewriting the whole chain from the changed row on does, unless someone kept the head hash
//! that `audit verify` prints (an anchor outside the file).

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
    /// The portfolio's jurisdictions (which laws apply).
    Jurisdictions,
    /// A framework file loaded in place of the shipped one (its id).
    Framework,
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
            Subject::Jurisdictions => ("jurisdictions", None),
            Subject::Framework => ("framework", None),
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
    write_at(conn, actor, event, &super::now_utc())
}

/// [`write`] at a given time (RFC 3339): the tests that replay history from the past use it.
pub(crate) fn write_at(conn: &Connection, actor: &str, event: Event<'_>, at: &str) -> Result<()> {
    let (entity, entity_id) = event.subject.entity();
    append(
        conn,
        &RowContent {
            at: at.to_owned(),
            actor: actor.to_owned(),
            entity: entity.to_owned(),
            entity_id,
            action: event.action.as_str().to_owned(),
            before: event.before.map(Value::to_string),
            after: event.after.map(Value::to_string),
            replaced_id: None,
        },
    )
}

/// What a row says, as stored: the part its hash covers besides its id and the previous hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RowContent {
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The id a row had in the portfolio a restore replaced (copied rows only).
    pub replaced_id: Option<i64>,
}

/// The previous hash of the first row.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Appends one row at the head of the chain. Runs inside the caller's write transaction, which
/// holds SQLite's write lock, so no other writer can take the same id in between.
pub(super) fn append(conn: &Connection, row: &RowContent) -> Result<()> {
    use rusqlite::OptionalExtension;
    let head: Option<(i64, Option<String>)> = conn
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, prev_hash) = match head {
        Some((id, hash)) => (id + 1, hash.unwrap_or_else(|| GENESIS.to_owned())),
        None => (1, GENESIS.to_owned()),
    };
    let hash = row_hash(id, &prev_hash, row);
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at, actor, entity, entity_id, action, before, after, replaced_id, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(rusqlite::params![
        id,
        row.at,
        row.actor,
        row.entity,
        row.entity_id,
        row.action,
        row.before,
        row.after,
        row.replaced_id,
        prev_hash,
        hash
    ])?;
    Ok(())
}

/// SHA-256 over the previous hash and the row's canonical content: each field length-prefixed,
/// an absent value marked apart from an empty one, so no two different rows share an encoding.
fn row_hash(id: i64, prev_hash: &str, row: &RowContent) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut text = |value: Option<&str>| match value {
        None => hasher.update([0u8]),
        Some(v) => {
            hasher.update([1u8]);
            hasher.update((v.len() as u64).to_le_bytes());
            hasher.update(v.as_bytes());
        }
    };
    text(Some(prev_hash));
    text(Some(&id.to_string()));
    text(Some(&row.at));
    text(Some(&row.actor));
    text(Some(&row.entity));
    text(row.entity_id.map(|v| v.to_string()).as_deref());
    text(Some(&row.action));
    text(row.before.as_deref());
    text(row.after.as_deref());
    text(row.replaced_id.map(|v| v.to_string()).as_deref());
    format!("{:x}", hasher.finalize())
}

/// Chains the rows a file already held when it gained the chain (migration 012), in id order,
/// then makes the log append-only again.
pub(super) fn chain_existing(conn: &Connection) -> rusqlite::Result<()> {
    let mut prev = GENESIS.to_owned();
    let mut update = conn.prepare("UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE id = ?1")?;
    let rows: Vec<(i64, RowContent)> = conn
        .prepare(
            "SELECT id, at, actor, entity, entity_id, action, before, after, replaced_id FROM audit_log ORDER BY id",
        )?
        .query_map([], read_content)?
        .collect::<rusqlite::Result<_>>()?;
    for (id, row) in rows {
        let hash = row_hash(id, &prev, &row);
        update.execute(rusqlite::params![id, prev, hash])?;
        prev = hash;
    }
    conn.execute_batch(
        "CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    )
}

fn read_content(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, RowContent)> {
    Ok((
        r.get(0)?,
        RowContent {
            at: r.get(1)?,
            actor: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            action: r.get(5)?,
            before: r.get(6)?,
            after: r.get(7)?,
            replaced_id: r.get(8)?,
        },
    ))
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Verification {
    /// Whether every row matches its hash and follows the row before it.
    pub ok: bool,
    /// Rows checked.
    pub rows: u64,
    /// The hash of the newest row: keep it somewhere else to detect a rewrite of the whole tail.
    pub head: Option<String>,
    /// The first row that does not match, and how.
    pub broken: Option<BrokenRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BrokenRow {
    pub id: i64,
    pub problem: String,
}

/// Walks the chain in id order and stops at the first row that does not match.
pub fn verify(conn: &Connection) -> Result<Verification> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, entity, entity_id, action, before, after, replaced_id, prev_hash, hash
         FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut previous: Option<(i64, String)> = None;
    let mut count = 0u64;
    while let Some(r) = rows.next()? {
        let (id, content) = read_content(r)?;
        let prev_hash: Option<String> = r.get(9)?;
        let hash: Option<String> = r.get(10)?;
        count += 1;
        let broken = |id: i64, problem: String| Verification {
            ok: false,
            rows: count,
            head: None,
            broken: Some(BrokenRow { id, problem }),
        };
        let (expected_prev, previous_id) = match &previous {
            Some((pid, h)) => (h.as_str(), *pid),
            None => (GENESIS, 0),
        };
        let Some(hash) = hash else {
            return Ok(broken(id, format!("row {id} has no hash: it was written outside the app")));
        };
        let intact = prev_hash.as_deref().is_some_and(|p| row_hash(id, p, &content) == hash);
        if prev_hash.as_deref() != Some(expected_prev) {
            if id > previous_id + 1 {
                let missing = if id == previous_id + 2 {
                    format!("row {} is missing", previous_id + 1)
                } else {
                    format!("rows {} to {} are missing", previous_id + 1, id - 1)
                };
                return Ok(broken(
                    previous_id + 1,
                    format!("{missing}: deleted from the log (row {id} does not follow row {previous_id})"),
                ));
            }
            if intact && previous_id > 0 {
                return Ok(broken(
                    previous_id,
                    format!("row {previous_id} was changed: row {id} recorded a different hash for it"),
                ));
            }
            if intact {
                return Ok(broken(id, format!("row {id} does not start the chain: the rows before it were deleted")));
            }
            return Ok(broken(
                id,
                format!("row {id} was changed after it was written: it does not follow row {previous_id}"),
            ));
        }
        if !intact {
            return Ok(broken(
                id,
                format!("row {id} was changed after it was written: its content does not match its hash"),
            ));
        }
        previous = Some((id, hash));
    }
    Ok(Verification { ok: true, rows: count, head: previous.map(|(_, h)| h), broken: None })
}

/// The rows of `from` that `into` does not hold (by hash), in id order, as copies marked with
/// the id they had: a restore appends them after the backup's rows so that no history is lost.
pub(super) fn rows_missing_from(from: &Connection, into: &Connection) -> Result<Vec<RowContent>> {
    let known: std::collections::HashSet<String> = into
        .prepare("SELECT hash FROM audit_log WHERE hash IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = from.prepare(
        "SELECT id, at, actor, entity, entity_id, action, before, after, replaced_id, hash FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let hash: Option<String> = r.get(9)?;
        if hash.is_some_and(|h| known.contains(&h)) {
            continue;
        }
        let (id, mut content) = read_content(r)?;
        content.replaced_id = Some(content.replaced_id.unwrap_or(id));
        out.push(content);
    }
    Ok(out)
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
    /// Set on a row copied from the portfolio a restore replaced: the id it had there.
    pub replaced_id: Option<i64>,
}

/// Which audit rows to read; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter<'a> {
    pub entity: Option<&'a str>,
    pub entity_id: Option<i64>,
    pub actor: Option<&'a str>,
    /// RFC 3339 or a date: rows at or after it.
    pub since: Option<&'a str>,
    /// A date (the whole day counts) or RFC 3339: rows at or before it.
    pub until: Option<&'a str>,
}

/// The newest `limit` entries that pass `filter`, newest first.
pub fn recent(conn: &Connection, filter: &AuditFilter<'_>, limit: u32) -> Result<Vec<AuditEntry>> {
    let until = filter.until.map(|u| if u.len() == 10 { format!("{u}T23:59:59Z") } else { u.to_owned() });
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, entity, entity_id, action, before, after, replaced_id FROM audit_log
         WHERE (?1 IS NULL OR entity = ?1) AND (?2 IS NULL OR entity_id = ?2) AND (?3 IS NULL OR actor = ?3)
           AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at <= ?5)
         ORDER BY id DESC LIMIT ?6",
    )?;
    let params = rusqlite::params![filter.entity, filter.entity_id, filter.actor, filter.since, until, limit];
    let rows = stmt.query_map(params, |r| {
        let (id, row) = read_content(r)?;
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Ok(AuditEntry {
            id,
            at: row.at,
            actor: row.actor,
            entity: row.entity,
            entity_id: row.entity_id,
            action: row.action,
            before: parse(row.before),
            after: parse(row.after),
            replaced_id: row.replaced_id,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
