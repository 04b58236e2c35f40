//! What governance keeps beside the records: the portfolio's jurisdictions, the framework files an
//! organisation loaded, and each model's promotions. Checklist items and sign-offs are ordinary
//! records (`control`, `signoff`); the rules that read all of this live in [`crate::governance`].

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;

use super::audit::{self, Action, Event, Subject};
use super::now_utc;
use crate::domain::ModelId;
use crate::error::{Error, Result};

/// The jurisdictions whose laws apply (`eu`, `us-ca`), as stored; `eu,us-ca` by default.
pub fn jurisdictions(conn: &Connection) -> Result<Vec<String>> {
    let text: Option<String> =
        conn.query_row("SELECT jurisdictions FROM portfolio WHERE id = 1", [], |r| r.get(0)).optional()?;
    Ok(split_words(text.as_deref().unwrap_or("eu,us-ca")))
}

fn split_words(text: &str) -> Vec<String> {
    text.split(',').map(|w| w.trim().to_ascii_lowercase()).filter(|w| !w.is_empty()).collect()
}

/// Sets the jurisdictions after the caller checked the words.
pub fn set_jurisdictions(conn: &Connection, actor: &str, words: &[String]) -> Result<()> {
    crate::store::settings::base_currency(conn)?;
    let before = json!({ "jurisdictions": jurisdictions(conn)? });
    conn.execute("UPDATE portfolio SET jurisdictions = ?1 WHERE id = 1", [words.join(",")])?;
    let after = json!({ "jurisdictions": words });
    audit::write(
        conn,
        actor,
        Event { subject: Subject::Jurisdictions, action: Action::Update, before: Some(&before), after: Some(&after) },
    )
}

/// The framework files loaded into this portfolio: (id, JSON text).
pub fn loaded_frameworks(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT id, body FROM frameworks ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Keeps a checked framework file in the portfolio, replacing the one of the same id.
pub fn load_framework(conn: &Connection, actor: &str, id: &str, version: &str, body: &str) -> Result<()> {
    let before: Option<String> =
        conn.query_row("SELECT body FROM frameworks WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    conn.execute(
        "INSERT INTO frameworks (id, body, loaded_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET body = ?2, loaded_at = ?3",
        [id, body, &now_utc()],
    )?;
    let after = json!({ "id": id, "version": version });
    let before = before.map(|_| json!({ "id": id }));
    let action = if before.is_some() { Action::Update } else { Action::Create };
    audit::write(
        conn,
        actor,
        Event { subject: Subject::Framework, action, before: before.as_ref(), after: Some(&after) },
    )
}

/// Drops a loaded framework file: the shipped one of that id applies again.
pub fn unload_framework(conn: &Connection, actor: &str, id: &str) -> Result<()> {
    if conn.execute("DELETE FROM frameworks WHERE id = ?1", [id])? == 0 {
        return Err(Error::NotFound(format!("no framework `{id}` was loaded into this portfolio")));
    }
    let before = json!({ "id": id });
    audit::write(
        conn,
        actor,
        Event { subject: Subject::Framework, action: Action::Delete, before: Some(&before), after: None },
    )
}

/// One time a model reached production.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Promotion {
    pub model_id: ModelId,
    pub at: String,
    pub actor: String,
    /// Whether the checklist and sign-offs were complete (always, for the app and the CLI; a
    /// promotion seen upstream by a sync may not be).
    pub gated: bool,
    /// What was missing when it was not.
    pub missing: Vec<String>,
}

/// Records a promotion on the transaction of the stage change (whose audit row it belongs to).
pub fn record_promotion(conn: &Connection, promotion: &Promotion) -> Result<()> {
    conn.prepare_cached("INSERT INTO promotions (model_id, at, actor, gated, missing) VALUES (?, ?, ?, ?, ?)")?
        .execute(rusqlite::params![
            promotion.model_id.0,
            promotion.at,
            promotion.actor,
            promotion.gated,
            (!promotion.missing.is_empty()).then(|| json!(promotion.missing).to_string()),
        ])?;
    Ok(())
}

/// Every model's latest promotion.
pub fn latest_promotions(conn: &Connection) -> Result<std::collections::HashMap<ModelId, Promotion>> {
    let mut stmt = conn.prepare_cached(
        "SELECT model_id, at, actor, gated, missing FROM promotions p
         WHERE id = (SELECT max(id) FROM promotions WHERE model_id = p.model_id)",
    )?;
    let rows = stmt.query_map([], |r| {
        let missing: Option<String> = r.get(4)?;
        Ok(Promotion {
            model_id: ModelId(r.get(0)?),
            at: r.get(1)?,
            actor: r.get(2)?,
            gated: r.get(3)?,
            missing: missing.and_then(|m| serde_json::from_str(&m).ok()).unwrap_or_default(),
        })
    })?;
    rows.map(|p| p.map(|p| (p.model_id, p)).map_err(Into::into)).collect()
}

/// Every checklist item (only `model`'s, when given), read straight into the domain type: the
/// governance register reads thousands of them for every plan, so not through the generic JSON
/// path of [`super::records`] (the round-trip test in `tests/portfolio/store.rs` keeps the two in step).
pub fn control_items(
    conn: &Connection,
    model: Option<ModelId>,
) -> Result<Vec<crate::domain::Stored<crate::domain::ControlItem>>> {
    use crate::domain::{ControlItem, ControlItemId, Stored};
    let mut stmt = conn.prepare_cached(
        "SELECT id, model_id, control, status, owner, due, evidence_kind, evidence, evidence_sha256, evidence_size, note, reason
         FROM control_items WHERE ?1 IS NULL OR model_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([model.map(|m| m.0)])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let bad = |field: &str, e: crate::domain::DomainError| {
            Error::Storage(format!(
                "checklist item {}: the stored {field} is unreadable ({e})",
                r.get::<_, i64>(0).unwrap_or(0)
            ))
        };
        let status: String = r.get(3)?;
        let due: Option<String> = r.get(5)?;
        let kind: Option<String> = r.get(6)?;
        out.push(Stored {
            id: ControlItemId(r.get(0)?),
            record: ControlItem {
                model_id: ModelId(r.get(1)?),
                control: r.get(2)?,
                status: status.parse().map_err(|e| bad("status", e))?,
                owner: r.get(4)?,
                due: due
                    .map(|d| d.parse::<chrono::NaiveDate>())
                    .transpose()
                    .map_err(|e| bad("due", crate::domain::DomainError::invalid("due", e.to_string())))?,
                evidence_kind: kind.map(|k| k.parse()).transpose().map_err(|e| bad("evidence_kind", e))?,
                evidence: r.get(7)?,
                evidence_sha256: r.get(8)?,
                evidence_size: r.get(9)?,
                note: r.get(10)?,
                reason: r.get(11)?,
            },
        });
    }
    Ok(out)
}
