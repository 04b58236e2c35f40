//! The one writer of actuals in bulk: CSV and FOCUS imports and the OpenCost sync all write spend
//! through [`ActualWriter`], keyed by [`super::import_key`], so a row imported or synced twice is
//! written once and the column list lives in one place. (Single records added by hand go through
//! [`super::records`] like every other kind.) Callers write their audit event on the same
//! transaction: one per import, one per sync write.

use rusqlite::{CachedStatement, Connection, params};
use serde_json::json;

use super::audit::{self, Action, Event, Subject};
use crate::domain::{ActualSource, Category, InitiativeId, ModelId, Money, Month, VendorId};
use crate::error::Result;
use crate::store::import_key::ImportKey;

/// What to do with a row whose key is already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnRepeat {
    /// Leave the stored row as it is (imports: the same file again adds nothing). A row that sat
    /// in Unallocated is still moved to the initiative its tag now names.
    Keep,
    /// Take the new amount, initiative and model (a sync that sees a cost revised upstream).
    Refresh,
}

/// One actual to write; text fields borrow from the caller's buffers.
#[derive(Debug, Clone, Copy)]
pub struct BulkActual<'a> {
    pub initiative: Option<InitiativeId>,
    /// `YYYY-MM`.
    pub month: &'a str,
    pub category: Category,
    pub amount: Money,
    pub source: ActualSource,
    pub vendor: Option<VendorId>,
    pub model: Option<ModelId>,
    pub provider: Option<&'a str>,
    pub service: Option<&'a str>,
    pub resource: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub note: Option<&'a str>,
    pub key: ImportKey,
    /// The `imports` row of the file it came from, if any.
    pub import_id: Option<i64>,
}

const INSERT: &str = "INSERT INTO actuals (initiative_id, month, category, amount_minor, amount_currency, source,
         vendor_id, model_id, provider, service, resource, tag, note, import_key, import_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

// `DO NOTHING`, not an upsert, for imports: SQLite's `DO UPDATE` path made a million-row FOCUS
// insert 3 s slower. Moving a row out of Unallocated is a separate UPDATE, run only for rows
// already present.
const ON_REPEAT_KEEP: &str = " ON CONFLICT (import_key) DO NOTHING";
const ON_REPEAT_REFRESH: &str = " ON CONFLICT (import_key) DO UPDATE SET initiative_id = excluded.initiative_id,
         amount_minor = excluded.amount_minor, amount_currency = excluded.amount_currency, model_id = excluded.model_id
     WHERE amount_minor IS NOT excluded.amount_minor OR amount_currency IS NOT excluded.amount_currency
        OR model_id IS NOT excluded.model_id OR initiative_id IS NOT excluded.initiative_id";
const ATTRIBUTE: &str = "UPDATE actuals SET initiative_id = ?1 WHERE import_key = ?2 AND initiative_id IS NULL";

/// Writes actuals on a transaction with prepared statements, reused row after row.
pub struct ActualWriter<'c> {
    insert: CachedStatement<'c>,
    attribute: Option<CachedStatement<'c>>,
}

impl std::fmt::Debug for ActualWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActualWriter").field("refreshes", &self.attribute.is_none()).finish_non_exhaustive()
    }
}

impl<'c> ActualWriter<'c> {
    pub fn new(conn: &'c Connection, on_repeat: OnRepeat) -> Result<ActualWriter<'c>> {
        Ok(match on_repeat {
            OnRepeat::Keep => ActualWriter {
                insert: conn.prepare_cached(&format!("{INSERT}{ON_REPEAT_KEEP}"))?,
                attribute: Some(conn.prepare_cached(ATTRIBUTE)?),
            },
            OnRepeat::Refresh => {
                ActualWriter { insert: conn.prepare_cached(&format!("{INSERT}{ON_REPEAT_REFRESH}"))?, attribute: None }
            }
        })
    }

    /// Writes `a`; whether the portfolio changed (a new row, a refreshed one, or one moved out of
    /// Unallocated).
    pub fn write(&mut self, a: &BulkActual<'_>) -> Result<bool> {
        let changed = self.insert.execute(params![
            a.initiative.map(|i| i.0),
            a.month,
            a.category.as_str(),
            a.amount.minor,
            a.amount.currency.code(),
            a.source.as_str(),
            a.vendor.map(|v| v.0),
            a.model.map(|m| m.0),
            a.provider,
            a.service,
            a.resource,
            a.tag,
            a.note,
            a.key,
            a.import_id,
        ])?;
        if changed > 0 {
            return Ok(true);
        }
        match (&mut self.attribute, a.initiative) {
            (Some(attribute), Some(initiative)) => Ok(attribute.execute(params![initiative.0, a.key])? > 0),
            _ => Ok(false),
        }
    }
}

/// Which spend to mark one-off (or unmark): one initiative's (`None`: Unallocated) actuals of one
/// month, of one category or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OneOffMark {
    pub initiative: Option<InitiativeId>,
    pub month: Month,
    pub category: Option<Category>,
    pub one_off: bool,
}

/// The actuals a [`OneOffMark`] names (parameters 2 to 4).
const MARKED: &str = "initiative_id IS ?2 AND month = ?3 AND (?4 IS NULL OR category = ?4)";

/// Marks the actuals `mark` names one-off (counted as spend, left out of forecasts) or clears the
/// mark, with one audit row saying what and how many; returns how many actuals changed (those
/// already so are left alone), or `None` when there are no such actuals at all.
pub fn mark_one_off(conn: &Connection, actor: &str, mark: &OneOffMark) -> Result<Option<u64>> {
    let params = params![
        mark.one_off,
        mark.initiative.map(|i| i.0),
        mark.month.to_string(),
        mark.category.map(Category::as_str)
    ];
    let changed =
        conn.execute(&format!("UPDATE actuals SET one_off = ?1 WHERE {MARKED} AND one_off <> ?1"), params)? as u64;
    if changed == 0 {
        let any: bool =
            conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM actuals WHERE {MARKED})"), params, |r| r.get(0))?;
        return Ok(any.then_some(0));
    }
    {
        let state = |one_off: bool| json!({"month": mark.month, "category": mark.category, "one_off": one_off, "actuals": changed});
        let (before, after) = (state(!mark.one_off), state(mark.one_off));
        audit::write(
            conn,
            actor,
            Event {
                subject: Subject::Spend(mark.initiative.map(|i| i.0)),
                action: Action::Update,
                before: Some(&before),
                after: Some(&after),
            },
        )?;
    }
    Ok(Some(changed))
}
