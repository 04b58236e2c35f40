//! Create, read, update and delete for every kind of record, driven by the descriptors in
//! [`super::schema`]. Records travel as JSON objects between serde and SQL, so one piece of code
//! serves all fifteen kinds; typed wrappers keep callers working with domain types.
//!
//! Every change writes its audit row in the same transaction as the change itself.

use std::collections::HashMap;

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, ErrorCode as SqliteCode, params_from_iter};
use serde_json::{Map, Value, json};

use super::audit::{self, Action, Event, Subject};
use super::schema::{ColumnKind, OTHER_REFERENCES, TABLES, Table, table};
use crate::domain::{Entity, EntityKind, Stored, a};
use crate::error::{Error, Result};

/// An equality filter on a record's fields, already in JSON form (`{"stage": "production"}`).
pub type Filter = Map<String, Value>;

pub fn insert<E: Entity>(conn: &Connection, actor: &str, record: &E) -> Result<Stored<E>> {
    record.validate()?;
    let fields = to_object(record)?;
    let id = insert_json(conn, actor, E::KIND, &fields)?;
    Ok(Stored { id: E::Id::from(id), record: record.clone() })
}

pub fn get<E: Entity>(conn: &Connection, id: E::Id) -> Result<Stored<E>> {
    let id: i64 = id.into();
    let fields = get_json(conn, E::KIND, id)?;
    Ok(Stored { id: E::Id::from(id), record: serde_json::from_value(Value::Object(fields))? })
}

pub fn list<E: Entity>(conn: &Connection, filter: &Filter) -> Result<Vec<Stored<E>>> {
    list_json(conn, E::KIND, filter)?
        .into_iter()
        .map(|(id, fields)| Ok(Stored { id: E::Id::from(id), record: serde_json::from_value(Value::Object(fields))? }))
        .collect()
}

pub fn update<E: Entity>(conn: &Connection, actor: &str, id: E::Id, record: &E) -> Result<Stored<E>> {
    record.validate()?;
    let after = to_object(record)?;
    update_json(conn, actor, E::KIND, id.into(), &after)?;
    Ok(Stored { id, record: record.clone() })
}

pub fn delete<E: Entity>(conn: &Connection, actor: &str, id: E::Id) -> Result<Stored<E>> {
    let stored = get::<E>(conn, id)?;
    delete_json(conn, actor, E::KIND, id.into())?;
    Ok(stored)
}

fn to_object<E: Entity>(record: &E) -> Result<Map<String, Value>> {
    match serde_json::to_value(record)? {
        Value::Object(map) => Ok(map),
        other => Err(Error::Internal(format!("{} serialised as {other}, not an object", E::KIND))),
    }
}

/// Inserts a record given as JSON fields; the caller has validated it.
pub fn insert_json(conn: &Connection, actor: &str, kind: EntityKind, fields: &Map<String, Value>) -> Result<i64> {
    let t = table(kind);
    check_text(t, fields)?;
    check_references(conn, t, fields)?;
    let columns = t.sql_columns();
    let sql = format!("INSERT INTO {} ({}) VALUES ({})", t.name, quoted(&columns), vec!["?"; columns.len()].join(", "));
    let values = to_sql_values(t, fields)?;
    conn.prepare_cached(&sql)?.execute(params_from_iter(values)).map_err(|e| explain_constraint(t, fields, e))?;
    let id = conn.last_insert_rowid();
    let after = Value::Object(fields.clone());
    audit::write(
        conn,
        actor,
        Event { subject: Subject::Record(kind, id), action: Action::Create, before: None, after: Some(&after) },
    )?;
    Ok(id)
}

pub fn get_json(conn: &Connection, kind: EntityKind, id: i64) -> Result<Map<String, Value>> {
    let t = table(kind);
    let sql = format!("SELECT {} FROM {} WHERE id = ?", quoted(&t.sql_columns()), t.name);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(row) => from_row(t, row, 0),
        None => Err(Error::not_found(kind, id)),
    }
}

/// All records of a kind that match `filter`, ordered by id.
pub fn list_json(conn: &Connection, kind: EntityKind, filter: &Filter) -> Result<Vec<(i64, Map<String, Value>)>> {
    let t = table(kind);
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    for (field, value) in filter {
        let condition = if field == "id" {
            values.push(json_to_sql(value));
            "id = ?".to_owned()
        } else {
            let column = t.column(field).ok_or_else(|| unknown_field(t, field))?;
            if column.kind == ColumnKind::Money {
                return Err(Error::Validation(format!("{}: money fields cannot be filtered on", field)));
            }
            match value {
                Value::Null => format!("\"{field}\" IS NULL"),
                _ => {
                    values.push(json_to_sql(value));
                    format!("\"{field}\" = ?")
                }
            }
        };
        conditions.push(condition);
    }
    let where_clause =
        if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
    let sql = format!("SELECT id, {} FROM {}{} ORDER BY id", quoted(&t.sql_columns()), t.name, where_clause);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(values))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push((row.get(0)?, from_row(t, row, 1)?));
    }
    Ok(out)
}

pub fn update_json(
    conn: &Connection,
    actor: &str,
    kind: EntityKind,
    id: i64,
    after: &Map<String, Value>,
) -> Result<()> {
    let t = table(kind);
    let before = get_json(conn, kind, id)?;
    check_text(t, after)?;
    check_references(conn, t, after)?;
    let assignments: Vec<String> = t.sql_columns().iter().map(|c| format!("\"{c}\" = ?")).collect();
    let sql = format!("UPDATE {} SET {} WHERE id = ?", t.name, assignments.join(", "));
    let mut values = to_sql_values(t, after)?;
    values.push(SqlValue::Integer(id));
    conn.prepare_cached(&sql)?.execute(params_from_iter(values)).map_err(|e| explain_constraint(t, after, e))?;
    let (before, after) = (Value::Object(before), Value::Object(after.clone()));
    audit::write(
        conn,
        actor,
        Event {
            subject: Subject::Record(kind, id),
            action: Action::Update,
            before: Some(&before),
            after: Some(&after),
        },
    )
}

pub fn delete_json(conn: &Connection, actor: &str, kind: EntityKind, id: i64) -> Result<()> {
    let t = table(kind);
    let before = get_json(conn, kind, id)?;
    let referrers = count_referrers(conn, kind, id)?;
    if !referrers.is_empty() {
        let name = describe(t, id, &before);
        return Err(Error::Conflict(format!(
            "cannot remove {name}: {} still refer to it; remove or reassign those first",
            referrers.join(", ")
        )));
    }
    conn.prepare_cached(&format!("DELETE FROM {} WHERE id = ?", t.name))?.execute([id])?;
    let before = Value::Object(before);
    audit::write(
        conn,
        actor,
        Event { subject: Subject::Record(kind, id), action: Action::Delete, before: Some(&before), after: None },
    )
}

/// Names of records referred to by id, loaded once per kind: for tables shown to people and for
/// exports, which name references rather than number them.
#[derive(Debug, Default)]
pub struct Labels(HashMap<EntityKind, HashMap<i64, String>>);

impl Labels {
    /// The name of record `id` of `kind`; `None` for kinds without names and unknown ids.
    pub fn get(&mut self, conn: &Connection, kind: EntityKind, id: i64) -> Result<Option<&str>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry(kind) {
            let t = table(kind);
            let map = match t.label {
                Some(label) => conn
                    .prepare(&format!("SELECT id, CAST(\"{label}\" AS TEXT) FROM {}", t.name))?
                    .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
                    .collect::<Result<HashMap<_, _>, _>>()?,
                None => HashMap::new(),
            };
            slot.insert(map);
        }
        Ok(self.0.get(&kind).and_then(|m| m.get(&id)).map(String::as_str))
    }
}

/// Finds the id of a record by its id (`12`) or its label (`Fraud detection`), case-insensitively.
pub fn resolve(conn: &Connection, kind: EntityKind, text: &str) -> Result<i64> {
    let t = table(kind);
    let text = text.trim();
    if let Ok(id) = text.parse::<i64>() {
        let exists: bool = conn
            .prepare_cached(&format!("SELECT EXISTS(SELECT 1 FROM {} WHERE id = ?)", t.name))?
            .query_row([id], |r| r.get(0))?;
        return if exists { Ok(id) } else { Err(Error::not_found(kind, id)) };
    }
    let Some(label) = t.label else {
        return Err(Error::Validation(format!("{} has no name; give its id (`list {kind}` shows them)", a(kind))));
    };
    let sql = format!("SELECT id FROM {} WHERE \"{label}\" = ? COLLATE NOCASE LIMIT 2", t.name);
    let ids: Vec<i64> = conn.prepare_cached(&sql)?.query_map([text], |r| r.get(0))?.collect::<Result<_, _>>()?;
    match ids.as_slice() {
        [id] => Ok(*id),
        [] => Err(Error::NotFound(format!("there is no {kind} named `{text}`; `list {kind}` shows what there is"))),
        _ => Err(Error::Validation(format!("more than one {kind} is named `{text}`; give the id instead"))),
    }
}

/// The longest text any field holds (notes, descriptions); names are capped at 500 by the domain.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Text that would break a terminal, a CSV or a page is refused with the field and the position:
/// control characters (NUL, ESC, BEL…) other than tab and line breaks, and text longer than
/// [`MAX_TEXT_CHARS`].
fn check_text(t: &Table, fields: &Map<String, Value>) -> Result<()> {
    let texts = fields.iter().flat_map(|(field, value)| match value {
        Value::String(text) => vec![(field, text.as_str())],
        Value::Array(items) => items.iter().filter_map(Value::as_str).map(|text| (field, text)).collect(),
        _ => Vec::new(),
    });
    for (field, text) in texts {
        if let Some((at, ch)) =
            text.chars().enumerate().find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err(Error::Validation(format!(
                "{field}: character {} is a control character (U+{:04X}), which {} cannot hold; remove it",
                at + 1,
                u32::from(ch),
                crate::domain::a(t.kind)
            )));
        }
        let length = text.chars().count();
        if length > MAX_TEXT_CHARS {
            return Err(Error::Validation(format!(
                "{field}: {length} characters is longer than the {MAX_TEXT_CHARS} a field holds; shorten it or link to a document"
            )));
        }
    }
    Ok(())
}

fn check_references(conn: &Connection, t: &Table, fields: &Map<String, Value>) -> Result<()> {
    for column in t.columns {
        if let ColumnKind::Ref(target) = column.kind
            && let Some(id) = fields.get(column.field).and_then(Value::as_i64)
        {
            let target_table = table(target);
            let sql = format!("SELECT EXISTS(SELECT 1 FROM {} WHERE id = ?)", target_table.name);
            let exists: bool = conn.prepare_cached(&sql)?.query_row([id], |r| r.get(0))?;
            if !exists {
                return Err(Error::Validation(format!("{}: there is no {target} with id {id}", column.field)));
            }
        }
    }
    Ok(())
}

/// "3 budget lines, 1 model" — what still points at the record.
fn count_referrers(conn: &Connection, kind: EntityKind, id: i64) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let entity_refs = TABLES.iter().flat_map(|t| {
        t.columns.iter().filter(move |c| c.kind == ColumnKind::Ref(kind)).map(move |c| (t.name, c.field))
    });
    let other_refs = OTHER_REFERENCES.iter().filter(|(_, _, k)| *k == kind).map(|(t, c, _)| (*t, *c));
    for (table_name, column) in entity_refs.chain(other_refs) {
        let sql = format!("SELECT count(*) FROM {table_name} WHERE \"{column}\" = ?");
        let count: i64 = conn.prepare_cached(&sql)?.query_row([id], |r| r.get(0))?;
        if count > 0 {
            found.push(format!("{count} {}", table_name.replace('_', " ")));
        }
    }
    Ok(found)
}

fn describe(t: &Table, id: i64, fields: &Map<String, Value>) -> String {
    match t.label.and_then(|l| fields.get(l)).and_then(Value::as_str) {
        Some(label) => format!("{} `{label}` (id {id})", t.kind),
        None => format!("{} {id}", t.kind),
    }
}

fn unknown_field(t: &Table, field: &str) -> Error {
    let known: Vec<&str> = t.columns.iter().map(|c| c.field).collect();
    Error::Validation(format!("{} has no field `{field}`; its fields are: {}", a(t.kind), known.join(", ")))
}

/// Turns SQLite's constraint failures into messages that say which value clashed.
fn explain_constraint(t: &Table, fields: &Map<String, Value>, err: rusqlite::Error) -> Error {
    let is_unique = matches!(&err, rusqlite::Error::SqliteFailure(e, _)
        if e.code == SqliteCode::ConstraintViolation && e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE);
    if !is_unique {
        return Error::Sqlite(err);
    }
    match t.label.and_then(|l| fields.get(l)).and_then(Value::as_str) {
        Some(label) => Error::Conflict(format!("{} named `{label}` already exists", a(t.kind))),
        None => Error::Conflict(format!(
            "{} with the same {} already exists; update that one instead",
            a(t.kind),
            unique_columns(&err).unwrap_or_else(|| "values".to_owned())
        )),
    }
}

/// "initiative, month and category" from SQLite's "UNIQUE constraint failed: t.initiative_id, t.month, ...".
fn unique_columns(err: &rusqlite::Error) -> Option<String> {
    let text = err.to_string();
    let list = text.split_once("failed: ")?.1;
    let names: Vec<&str> =
        list.split(", ").map(|c| c.rsplit('.').next().unwrap_or(c).trim_end_matches("_id")).collect();
    Some(match names.as_slice() {
        [] => return None,
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    })
}

fn quoted(columns: &[String]) -> String {
    columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
}

fn json_to_sql(value: &Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => {
            n.as_i64().map(SqlValue::Integer).unwrap_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(f64::NAN)))
        }
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

fn to_sql_values(t: &Table, fields: &Map<String, Value>) -> Result<Vec<SqlValue>> {
    let mut out = Vec::with_capacity(t.columns.len() + 2);
    for column in t.columns {
        let value = fields.get(column.field).unwrap_or(&Value::Null);
        match column.kind {
            ColumnKind::Money => match value {
                Value::Object(m) => {
                    out.push(json_to_sql(m.get("minor").unwrap_or(&Value::Null)));
                    out.push(json_to_sql(m.get("currency").unwrap_or(&Value::Null)));
                }
                Value::Null => out.extend([SqlValue::Null, SqlValue::Null]),
                other => return Err(Error::Internal(format!("{}: {other} is not money", column.field))),
            },
            ColumnKind::List => out.push(SqlValue::Text(match value {
                Value::Null => "[]".to_owned(),
                other => other.to_string(),
            })),
            _ => out.push(json_to_sql(value)),
        }
    }
    Ok(out)
}

fn from_row(t: &Table, row: &rusqlite::Row<'_>, first: usize) -> Result<Map<String, Value>> {
    let mut fields = Map::new();
    let mut index = first;
    for column in t.columns {
        let value = match column.kind {
            ColumnKind::Money => {
                let minor: Option<i64> = row.get(index)?;
                let currency: Option<String> = row.get(index + 1)?;
                index += 1;
                match (minor, currency) {
                    (Some(minor), Some(currency)) => json!({ "minor": minor, "currency": currency }),
                    _ => Value::Null,
                }
            }
            ColumnKind::Bool => row.get::<_, Option<bool>>(index)?.map(Value::Bool).unwrap_or(Value::Null),
            ColumnKind::List => {
                let text: Option<String> = row.get(index)?;
                serde_json::from_str(text.as_deref().unwrap_or("[]"))?
            }
            _ => match row.get_ref(index)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) => Value::from(i),
                ValueRef::Real(f) => Value::from(f),
                ValueRef::Text(bytes) => Value::String(String::from_utf8_lossy(bytes).into_owned()),
                ValueRef::Blob(_) => Value::Null,
            },
        };
        fields.insert(column.field.to_owned(), value);
        index += 1;
    }
    Ok(fields)
}
