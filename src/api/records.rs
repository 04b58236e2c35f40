//! Create, show, list, update and remove any kind of record, with the kind chosen at run time (the
//! CLI's `add initiative ...`, the UI's forms). Each call checks the fields against the domain type
//! of that kind before anything is written, and runs in one transaction with its audit row.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::domain::*;
use crate::error::{Error, Result};
use crate::store::records::{self, Filter};
use crate::store::{Store, schema};

/// A record of any kind as it crosses the boundary: its id and its fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RecordView {
    pub kind: EntityKind,
    pub id: i64,
    pub fields: Map<String, Value>,
}

/// Runs `$body` with `$E` bound to the entity type of `$kind`.
macro_rules! with_entity_type {
    ($kind:expr, $E:ident => $body:expr) => {
        match $kind {
            EntityKind::Initiative => {
                type $E = Initiative;
                $body
            }
            EntityKind::BudgetLine => {
                type $E = BudgetLine;
                $body
            }
            EntityKind::Actual => {
                type $E = Actual;
                $body
            }
            EntityKind::Role => {
                type $E = Role;
                $body
            }
            EntityKind::Person => {
                type $E = Person;
                $body
            }
            EntityKind::Allocation => {
                type $E = Allocation;
                $body
            }
            EntityKind::Requisition => {
                type $E = Requisition;
                $body
            }
            EntityKind::Model => {
                type $E = Model;
                $body
            }
            EntityKind::ModelVersion => {
                type $E = ModelVersion;
                $body
            }
            EntityKind::Vendor => {
                type $E = Vendor;
                $body
            }
            EntityKind::Contract => {
                type $E = Contract;
                $body
            }
            EntityKind::VendorReview => {
                type $E = VendorReview;
                $body
            }
            EntityKind::Kpi => {
                type $E = Kpi;
                $body
            }
            EntityKind::KpiValue => {
                type $E = KpiValue;
                $body
            }
            EntityKind::ContractModel => {
                type $E = ContractModel;
                $body
            }
            EntityKind::ControlItem => {
                type $E = ControlItem;
                $body
            }
            EntityKind::Signoff => {
                type $E = Signoff;
                $body
            }
            EntityKind::Scenario => {
                type $E = Scenario;
                $body
            }
            EntityKind::Connection => {
                type $E = Connection;
                $body
            }
        }
    };
}

/// Checks `fields` against the domain type of `kind` and returns the typed record. `null` on an
/// optional field means "empty": the field takes its empty value (none, "", []).
fn typed<E: Entity>(mut fields: Map<String, Value>) -> Result<E> {
    let table = schema::table(E::KIND);
    fields.retain(|field, value| !(value.is_null() && table.column(field).is_some_and(|c| !c.required)));
    let missing: Vec<&str> = table
        .columns
        .iter()
        .filter(|c| c.required && fields.get(c.field).is_none_or(Value::is_null))
        .map(|c| c.field)
        .collect();
    if !missing.is_empty() {
        return Err(Error::Validation(format!(
            "{} needs {}; missing: {}",
            a(E::KIND),
            table.columns.iter().filter(|c| c.required).map(|c| c.field).collect::<Vec<_>>().join(", "),
            missing.join(", ")
        )));
    }
    if let Some(unknown) = fields.keys().find(|k| table.column(k).is_none()) {
        let known: Vec<&str> = table.columns.iter().map(|c| c.field).collect();
        return Err(Error::Validation(format!(
            "{} has no field `{unknown}`; its fields are: {}",
            a(E::KIND),
            known.join(", ")
        )));
    }
    let record: E = serde_path_to_error::deserialize(Value::Object(fields))
        .map_err(|e| Error::Validation(format!("{} {}: {}", E::KIND, e.path(), in_words(e.inner().to_string()))))?;
    record.validate()?;
    Ok(record)
}

/// serde's "invalid value: integer `-20`, expected u8" as a person reads a range error.
fn in_words(message: String) -> String {
    let Some((value, expected)) =
        message.strip_prefix("invalid value: integer `").and_then(|rest| rest.split_once("`, expected "))
    else {
        return message;
    };
    let largest = match expected {
        "u8" => "255",
        "u16" => "65,535",
        "u32" => "4,294,967,295",
        _ => "the largest whole number this field holds",
    };
    if value.starts_with('-') && expected.starts_with('u') {
        format!("{value} is out of range: it cannot be negative")
    } else {
        format!("{value} is out of range: it can be at most {largest}")
    }
}

fn view<E: Entity>(stored: Stored<E>) -> Result<RecordView> {
    let Value::Object(fields) = serde_json::to_value(&stored.record)? else {
        return Err(Error::Internal(format!("{} is not an object", E::KIND)));
    };
    Ok(RecordView { kind: E::KIND, id: stored.id.into(), fields })
}

pub fn create(store: &mut Store, kind: EntityKind, fields: Map<String, Value>) -> Result<RecordView> {
    refuse_governance_records(kind)?;
    with_entity_type!(kind, E => {
        let record = typed::<E>(fields)?;
        let stored = store.in_transaction(|tx, actor| {
            let stored = records::insert::<E>(tx, actor, &record)?;
            model_written(tx, actor, kind, stored.id.into(), None)?;
            Ok(stored)
        })?;
        view(stored)
    })
}

/// Checklist items and sign-offs carry what their own commands check (evidence fingerprints, the
/// time of a sign-off): they are written by those commands, never as plain records.
fn refuse_governance_records(kind: EntityKind) -> Result<()> {
    match kind {
        EntityKind::ControlItem => Err(Error::Validation(
            "a checklist item is set with `governance set MODEL CONTROL status=…` (or the model's checklist in the app)"
                .into(),
        )),
        EntityKind::Signoff => Err(Error::Validation(
            "a sign-off is given with `governance signoff MODEL --approver NAME` (or the model's checklist in the app)"
                .into(),
        )),
        _ => Ok(()),
    }
}

/// After a model is written: a promotion to production must pass the gate ([`crate::governance::gate`]).
fn model_written(
    tx: &rusqlite::Connection,
    actor: &str,
    kind: EntityKind,
    id: i64,
    stage_before: Option<ModelStage>,
) -> Result<()> {
    if kind != EntityKind::Model {
        return Ok(());
    }
    crate::governance::gate::on_model_written(tx, actor, ModelId(id), stage_before, crate::governance::gate::Via::Gated)
}

pub fn get(store: &Store, kind: EntityKind, id: i64) -> Result<RecordView> {
    Ok(RecordView { kind, id, fields: records::get_json(store.conn(), kind, id)? })
}

pub fn list(store: &Store, kind: EntityKind, filter: &Filter) -> Result<Vec<RecordView>> {
    Ok(records::list_json(store.conn(), kind, filter)?
        .into_iter()
        .map(|(id, fields)| RecordView { kind, id, fields })
        .collect())
}

/// Changes the given fields of a record and keeps the rest; `null` clears an optional field.
pub fn update(store: &mut Store, kind: EntityKind, id: i64, changes: Map<String, Value>) -> Result<RecordView> {
    refuse_governance_records(kind)?;
    with_entity_type!(kind, E => {
        store.in_transaction(|tx, actor| {
            let mut fields = records::get_json(tx, kind, id)?;
            let stage_before = fields.get("stage").and_then(Value::as_str).and_then(|s| s.parse().ok());
            fields.extend(changes);
            let record = typed::<E>(fields)?;
            let stored = records::update::<E>(tx, actor, <E as Entity>::Id::from(id), &record)?;
            model_written(tx, actor, kind, id, stage_before)?;
            view(stored)
        })
    })
}

/// Removes a record. A connection goes with its secret in the OS keyring (see [`super::connections`]).
pub fn remove(store: &mut Store, kind: EntityKind, id: i64) -> Result<RecordView> {
    if kind == EntityKind::Connection {
        return super::connections::remove(store, &crate::connect::OsKeyring, id);
    }
    with_entity_type!(kind, E => {
        let stored = store.in_transaction(|tx, actor| records::delete::<E>(tx, actor, <E as Entity>::Id::from(id)))?;
        view(stored)
    })
}
