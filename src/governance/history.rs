//! The inventory as it was at the end of a day (UTC), replayed from the audit log: every model's
//! stage, owner and answers, and every checklist item, as their last recorded change before then
//! left them. The class and the checklist are judged by today's framework files and jurisdictions
//! on the answers of that day.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value};

use super::Register;
use super::classify::RiskClass;
use crate::domain::{ControlItem, Model, ModelId, ModelStage, Stored};
use crate::error::Result;

/// One model as it stood on the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct InventoryRow {
    pub model_id: i64,
    pub name: String,
    pub stage: ModelStage,
    pub owner: String,
    pub risk_class: RiskClass,
    /// Checklist controls closed (done or not applicable) of those that applied.
    pub closed: usize,
    pub applicable: usize,
}

/// The inventory at the end of `day` (UTC), in id order.
pub fn inventory_as_of(conn: &Connection, day: NaiveDate) -> Result<Vec<InventoryRow>> {
    let cutoff = format!("{day}T23:59:59Z");
    let mut models: BTreeMap<i64, Map<String, Value>> = BTreeMap::new();
    let mut items: HashMap<i64, Map<String, Value>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT entity, entity_id, action, after FROM audit_log
         WHERE entity IN ('model', 'control') AND entity_id IS NOT NULL AND at <= ?1 AND replaced_id IS NULL
         ORDER BY id",
    )?;
    let mut rows = stmt.query([&cutoff])?;
    while let Some(row) = rows.next()? {
        let (entity, id, action, after): (String, i64, String, Option<String>) =
            (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
        if action == "delete" {
            match entity.as_str() {
                "model" => models.remove(&id),
                _ => items.remove(&id),
            };
            continue;
        }
        let Some(fields) = after.and_then(|a| serde_json::from_str::<Value>(&a).ok()).and_then(fields_of) else {
            continue;
        };
        let state = if entity == "model" { models.entry(id).or_default() } else { items.entry(id).or_default() };
        state.extend(fields);
    }
    let as_model = |fields: &Map<String, Value>| serde_json::from_value::<Model>(Value::Object(fields.clone())).ok();
    let historical: Vec<Stored<Model>> =
        models.iter().filter_map(|(id, fields)| Some(Stored { id: ModelId(*id), record: as_model(fields)? })).collect();
    let mut register = Register::load(conn, None)?;
    register.items = items
        .into_iter()
        .filter_map(|(id, fields)| serde_json::from_value::<ControlItem>(Value::Object(fields)).ok().map(|r| (id, r)))
        .map(|(id, record)| ((record.model_id, record.control.clone()), Stored { id: id.into(), record }))
        .collect();
    register.models = historical;
    Ok(register
        .models
        .iter()
        .map(|m| {
            let checklist = register.checklist(m.id, &m.record, day);
            InventoryRow {
                model_id: m.id.0,
                name: m.record.name.clone(),
                stage: m.record.stage,
                owner: m.record.owner.clone(),
                risk_class: checklist.classification.risk_class,
                closed: checklist.closed,
                applicable: checklist.rows.len(),
            }
        })
        .collect())
}

/// The record fields an audit row's `after` carries: the record itself, or the fields inside a
/// sync's operation (`{"UpdateModel": {…}}`), without the sync's own bookkeeping.
fn fields_of(after: Value) -> Option<Map<String, Value>> {
    let Value::Object(mut map) = after else { return None };
    if map.len() == 1
        && let Some((key, _)) = map.iter().next()
        && key.starts_with(|c: char| c.is_ascii_uppercase())
    {
        let (_, inner) = map.into_iter().next()?;
        let Value::Object(mut inner) = inner else { return None };
        inner.retain(|k, _| !matches!(k.as_str(), "id" | "link"));
        map = inner;
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit::{Action, Event, Subject};

    /// Audit rows dated in the past, as a year of history would have left them.
    #[test]
    fn the_inventory_is_replayed_to_the_end_of_the_day() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open_as(&dir.path().join("p.db"), "ana").unwrap();
        crate::store::settings::init(store.conn(), "ana", crate::domain::Currency::USD).unwrap();
        let model = serde_json::json!({"name": "churn", "owner": "Lee", "stage": "development", "risk_tier": "low",
            "purpose": "none", "decides_about_people": false, "interacts_with_people": false, "generates_content": false,
            "ai_act_role": "provider"});
        let mut promoted = model.clone();
        promoted["stage"] = "production".into();
        promoted["owner"] = "Kim".into();
        let sync_update = serde_json::json!({"UpdateModel": {"id": 7, "description": "from the registry", "stage": "staging", "link": {}}});
        let rows = [
            ("2026-01-10T09:00:00Z", Action::Create, Some(&model)),
            ("2026-03-15T23:59:59Z", Action::Update, Some(&promoted)),
            ("2026-05-01T08:00:00Z", Action::SyncUpdate, Some(&sync_update)),
            ("2026-06-01T08:00:00Z", Action::Delete, None),
        ];
        for (at, action, after) in rows {
            let event =
                Event { subject: Subject::Record(crate::domain::EntityKind::Model, 7), action, before: None, after };
            crate::store::audit::write_at(store.conn(), "ana", event, at).unwrap();
        }
        let on = |day: &str| inventory_as_of(store.conn(), day.parse().unwrap()).unwrap();
        assert!(on("2026-01-09").is_empty(), "not yet created");
        let first = &on("2026-03-14")[0];
        assert_eq!(
            (first.stage, first.owner.as_str(), first.risk_class),
            (ModelStage::Development, "Lee", RiskClass::Minimal)
        );
        assert_eq!(on("2026-03-15")[0].stage, ModelStage::Production, "the end of the day counts");
        assert_eq!((on("2026-05-01")[0].stage, on("2026-05-01")[0].owner.as_str()), (ModelStage::Staging, "Kim"));
        assert!(on("2026-06-01").is_empty(), "removed");
    }
}
