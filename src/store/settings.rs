//! Portfolio-wide settings: the base currency and the exchange rates into it.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;

use super::audit::{self, Action, Event, Subject};
use super::now_utc;
use crate::domain::{Currency, FxRate};
use crate::error::{Error, Result};

/// The portfolio's base currency, or advice to set one.
pub fn base_currency(conn: &Connection) -> Result<Currency> {
    let code: Option<String> =
        conn.query_row("SELECT base_currency FROM portfolio WHERE id = 1", [], |r| r.get(0)).optional()?;
    match code {
        Some(code) => Ok(code.parse()?),
        None => Err(Error::Validation(
            "this portfolio has no base currency yet; run `mlops-portfolio init --currency USD` (or `demo`) first"
                .into(),
        )),
    }
}

pub fn is_initialised(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS(SELECT 1 FROM portfolio)", [], |r| r.get(0))?)
}

/// Sets the base currency of a new portfolio. Changing it later would change the meaning of every
/// rate, so it is refused once set.
pub fn init(conn: &Connection, actor: &str, currency: Currency) -> Result<()> {
    if let Ok(existing) = base_currency(conn) {
        if existing == currency {
            return Ok(());
        }
        return Err(Error::Conflict(format!(
            "this portfolio's base currency is already {existing}; start a new file to use {currency}"
        )));
    }
    conn.execute(
        "INSERT INTO portfolio (id, base_currency, created_at) VALUES (1, ?, ?)",
        [currency.code(), &now_utc()],
    )?;
    let after = json!({ "base_currency": currency });
    audit::write(
        conn,
        actor,
        Event { subject: Subject::Portfolio, action: Action::Create, before: None, after: Some(&after) },
    )
}

pub fn set_rate(conn: &Connection, actor: &str, rate: &FxRate) -> Result<()> {
    rate.validate()?;
    let base = base_currency(conn)?;
    if rate.currency == base {
        return Err(Error::Validation(format!("{base} is the base currency; its rate is always 1")));
    }
    let before = rates(conn)?.remove(&rate.currency).map(|r| json!({ "currency": r.currency, "rate": r.rate }));
    conn.execute(
        "INSERT INTO fx_rates (currency, rate, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (currency) DO UPDATE SET rate = ?2, updated_at = ?3",
        [rate.currency.code(), &rate.rate.to_string(), &now_utc()],
    )?;
    let after = json!({ "currency": rate.currency, "rate": rate.rate });
    let action = if before.is_some() { Action::Update } else { Action::Create };
    audit::write(conn, actor, Event { subject: Subject::FxRate, action, before: before.as_ref(), after: Some(&after) })
}

pub fn rates(conn: &Connection) -> Result<HashMap<Currency, FxRate>> {
    let mut stmt = conn.prepare_cached("SELECT currency, rate FROM fx_rates ORDER BY currency")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (code, rate) = row?;
        let currency: Currency = code.parse()?;
        let rate = rate
            .parse()
            .map_err(|_| Error::Storage(format!("the stored rate for {code} (`{rate}`) is not a number")))?;
        out.insert(currency, FxRate { currency, rate });
    }
    Ok(out)
}

/// The planning settings: the first month of the fiscal year (1–12) and the attention floor in
/// minor units of the base currency (`None`: the default, 1,000 units).
pub fn planning(conn: &Connection) -> Result<(u32, Option<i64>)> {
    let row = conn
        .query_row("SELECT fiscal_year_start, attention_floor_minor FROM portfolio WHERE id = 1", [], |r| {
            Ok((r.get::<_, u32>(0)?, r.get::<_, Option<i64>>(1)?))
        })
        .optional()?;
    Ok(row.unwrap_or((1, None)))
}

/// Sets the first month of the fiscal year (1 = January … 12 = December).
pub fn set_fiscal_year_start(conn: &Connection, actor: &str, month: u32) -> Result<()> {
    if !(1..=12).contains(&month) {
        return Err(Error::Validation(format!(
            "fiscal_year_start: {month} is not a month; give 1 (January) to 12 (December)"
        )));
    }
    base_currency(conn)?;
    let (before, _) = planning(conn)?;
    conn.execute("UPDATE portfolio SET fiscal_year_start = ?1 WHERE id = 1", [month])?;
    let (before, after) = (json!({ "fiscal_year_start": before }), json!({ "fiscal_year_start": month }));
    audit::write(
        conn,
        actor,
        Event { subject: Subject::Settings, action: Action::Update, before: Some(&before), after: Some(&after) },
    )
}

/// Sets the attention floor in minor units of the base currency (`None`: the default).
pub fn set_attention_floor(conn: &Connection, actor: &str, floor_minor: Option<i64>) -> Result<()> {
    base_currency(conn)?;
    let (_, before) = planning(conn)?;
    conn.execute("UPDATE portfolio SET attention_floor_minor = ?1 WHERE id = 1", [floor_minor])?;
    let (before, after) = (json!({ "attention_floor_minor": before }), json!({ "attention_floor_minor": floor_minor }));
    audit::write(
        conn,
        actor,
        Event { subject: Subject::Settings, action: Action::Update, before: Some(&before), after: Some(&after) },
    )
}
