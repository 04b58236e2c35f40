//! Reads record fields written as `field=value` text (the CLI) into the JSON the record commands
//! take, using each field's kind from the table descriptors: `amount=1,250.00 EUR`,
//! `initiative_id=Fraud detection` (a name or an id), `data_categories=pii,financial`,
//! `end=` (empty clears an optional field).

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use crate::domain::{Currency, EntityKind, Money, a};
use crate::error::{Error, Result};
use crate::store::records::resolve;
use crate::store::schema::{ColumnKind, table};
use crate::store::settings;

/// Splits `field=value` arguments and converts each value to its field's JSON form.
pub fn parse_assignments(conn: &Connection, kind: EntityKind, args: &[String]) -> Result<Map<String, Value>> {
    let t = table(kind);
    let mut out = Map::new();
    for arg in args {
        let (field, text) = arg.split_once('=').ok_or_else(|| {
            Error::Validation(format!("`{arg}` is not field=value; for example name=\"Fraud detection\""))
        })?;
        let field = field.trim();
        // `initiative=Fraud` reads as `initiative_id=Fraud`.
        let column = t.column(field).or_else(|| t.column(&format!("{field}_id"))).ok_or_else(|| {
            let known: Vec<&str> = t.columns.iter().map(|c| c.field).collect();
            Error::Validation(format!("{} has no field `{field}`; its fields are: {}", a(kind), known.join(", ")))
        })?;
        let value = parse_value(conn, column.field, column.kind, text)?;
        out.insert(column.field.to_owned(), value);
    }
    Ok(out)
}

fn parse_value(conn: &Connection, field: &str, kind: ColumnKind, text: &str) -> Result<Value> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(if kind == ColumnKind::List { json!([]) } else { Value::Null });
    }
    let invalid = |what: &str| Error::Validation(format!("{field}: `{trimmed}` is not {what}"));
    Ok(match kind {
        ColumnKind::Text => Value::String(trimmed.to_owned()),
        ColumnKind::Integer => json!(trimmed.parse::<i64>().map_err(|_| invalid("a whole number"))?),
        ColumnKind::Real => {
            let number: f64 = trimmed.parse().map_err(|_| invalid("a number"))?;
            if !number.is_finite() {
                return Err(invalid("a finite number"));
            }
            json!(number)
        }
        ColumnKind::Bool => match trimmed.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => json!(true),
            "false" | "no" | "n" | "0" => json!(false),
            _ => return Err(invalid("true or false")),
        },
        ColumnKind::List => json!(trimmed.split(',').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>()),
        ColumnKind::Ref(target) => json!(resolve(conn, target, trimmed).map_err(|e| prefix(field, e))?),
        ColumnKind::Money => {
            let (amount, currency) = split_currency(trimmed);
            let currency = match currency {
                Some(code) => code.parse::<Currency>().map_err(|e| prefix(field, e.into()))?,
                None => settings::base_currency(conn)?,
            };
            let money = Money::parse(amount, currency).map_err(|e| Error::Validation(format!("{field}: {e}")))?;
            serde_json::to_value(money)?
        }
    })
}

/// `1,250.00 EUR` → (`1,250.00`, Some(`EUR`)); `1250` → (`1250`, None).
fn split_currency(text: &str) -> (&str, Option<&str>) {
    match text.rsplit_once(char::is_whitespace) {
        Some((amount, code)) if code.chars().all(|c| c.is_ascii_alphabetic()) => (amount.trim(), Some(code)),
        _ => (text, None),
    }
}

fn prefix(field: &str, err: Error) -> Error {
    match err {
        Error::Validation(m) => Error::Validation(format!("{field}: {m}")),
        Error::NotFound(m) => Error::NotFound(format!("{field}: {m}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_text_splits_off_a_trailing_currency_code() {
        assert_eq!(split_currency("1,250.00 EUR"), ("1,250.00", Some("EUR")));
        assert_eq!(split_currency("1250"), ("1250", None));
        assert_eq!(split_currency("12 50"), ("12 50", None));
    }
}
