//! The append-only audit log: who changed what, when, and the record before and after.
//!
//! Callers write the audit row inside the transaction of the change, so a change and its audit
//! row are committed or rolled back together. Bulk imports write one row per import (the file,
//! its row count and totals) rather than one per imported line.

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use crate::error::Result;

pub fn record(
    conn: &Connection,
    actor: &str,
    entity: &str,
    entity_id: Option<i64>,
    action: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, actor, entity, entity_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(rusqlite::params![
        super::now_utc(),
        actor,
        entity,
        entity_id,
        action,
        before.map(Value::to_string),
        after.map(Value::to_string),
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
