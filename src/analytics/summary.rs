//! The portfolio at a glance: money in and out per initiative, people, hiring and models.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::money::Converter;
use crate::domain::{Currency, Month, RequisitionStatus};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Summary {
    pub base_currency: Currency,
    /// The month "now" refers to (people counted, allocations checked).
    pub as_of: Month,
    pub initiatives: u64,
    /// The latest month with actual spend (up to `as_of`): budgets are compared through it.
    pub actuals_through: Option<Month>,
    pub budget_total_minor: i64,
    /// Budget of the months up to `actuals_through`, the fair figure to set actuals against.
    pub budget_to_date_minor: i64,
    pub actual_total_minor: i64,
    /// Spend no initiative claims yet (such as billing rows whose tag matched no initiative).
    pub unallocated_actual_minor: i64,
    /// People on the team in `as_of`.
    pub people: u64,
    pub open_requisitions: u64,
    pub models: u64,
    pub models_by_stage: BTreeMap<String, u64>,
    pub models_by_risk_tier: BTreeMap<String, u64>,
    pub vendors: u64,
    pub by_initiative: Vec<InitiativeTotals>,
    /// People allocated above 100% in `as_of`.
    pub overbooked: Vec<Overbooked>,
    /// Budget and actual of the whole portfolio per month, for every month that has either.
    pub by_month: Vec<MonthTotals>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthTotals {
    pub month: Month,
    pub budget_minor: i64,
    pub actual_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InitiativeTotals {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub budget_minor: i64,
    pub budget_to_date_minor: i64,
    pub actual_minor: i64,
    /// Budget to date minus actual: negative when over budget.
    pub variance_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Overbooked {
    pub person_id: i64,
    pub name: String,
    pub percent: i64,
}

pub fn summary(conn: &Connection, as_of: Month) -> Result<Summary> {
    let fx = Converter::load(conn)?;
    let count = |sql: &str| -> Result<u64> { Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64) };
    let now = as_of.to_string();

    let mut by_initiative: Vec<InitiativeTotals> = conn
        .prepare("SELECT id, name, status FROM initiatives ORDER BY name COLLATE NOCASE")?
        .query_map([], |r| {
            Ok(InitiativeTotals {
                id: r.get(0)?,
                name: r.get(1)?,
                status: r.get(2)?,
                budget_minor: 0,
                budget_to_date_minor: 0,
                actual_minor: 0,
                variance_minor: 0,
            })
        })?
        .collect::<Result<_, _>>()?;
    let index: BTreeMap<i64, usize> = by_initiative.iter().enumerate().map(|(i, t)| (t.id, i)).collect();

    let actuals_through: Option<String> =
        conn.query_row("SELECT max(month) FROM actuals WHERE month <= ?1", [&now], |r| r.get(0))?;
    let actuals_through = actuals_through.map(|m| m.parse::<Month>()).transpose()?;
    let through = actuals_through.map(|m| m.to_string()).unwrap_or_default();

    let (mut budget_total, mut budget_to_date) = (0i64, 0i64);
    for (initiative, code, minor) in sums(conn, "budget_lines", None)? {
        let base = fx.code_to_base(minor, &code)?;
        budget_total += base;
        if let Some(&i) = initiative.as_ref().and_then(|id| index.get(id)) {
            by_initiative[i].budget_minor += base;
        }
    }
    for (initiative, code, minor) in sums(conn, "budget_lines", Some(&through))? {
        let base = fx.code_to_base(minor, &code)?;
        budget_to_date += base;
        if let Some(&i) = initiative.as_ref().and_then(|id| index.get(id)) {
            by_initiative[i].budget_to_date_minor += base;
        }
    }
    let (mut actual_total, mut unallocated) = (0i64, 0i64);
    for (initiative, code, minor) in sums(conn, "actuals", None)? {
        let base = fx.code_to_base(minor, &code)?;
        actual_total += base;
        match initiative.as_ref().and_then(|id| index.get(id)) {
            Some(&i) => by_initiative[i].actual_minor += base,
            None => unallocated += base,
        }
    }
    for totals in &mut by_initiative {
        totals.variance_minor = totals.budget_to_date_minor - totals.actual_minor;
    }

    let grouped = |column: &str| -> Result<BTreeMap<String, u64>> {
        let sql = format!("SELECT {column}, count(*) FROM models GROUP BY {column}");
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };

    let overbooked = conn
        .prepare(
            "SELECT p.id, p.name, sum(a.percent) AS total FROM allocations a JOIN people p ON p.id = a.person_id
             WHERE a.start <= ?1 AND (a.\"end\" IS NULL OR a.\"end\" >= ?1)
             GROUP BY p.id HAVING total > 100 ORDER BY total DESC, p.name",
        )?
        .query_map([&now], |r| Ok(Overbooked { person_id: r.get(0)?, name: r.get(1)?, percent: r.get(2)? }))?
        .collect::<Result<_, _>>()?;

    let people: i64 = conn.query_row(
        "SELECT count(*) FROM people WHERE start <= ?1 AND (\"end\" IS NULL OR \"end\" >= ?1)",
        [&now],
        |r| r.get(0),
    )?;

    let mut by_month: BTreeMap<String, MonthTotals> = BTreeMap::new();
    for (table, is_budget) in [("budget_lines", true), ("actuals", false)] {
        let sql =
            format!("SELECT month, amount_currency, sum(amount_minor) FROM {table} GROUP BY month, amount_currency");
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
        for row in rows {
            let (month, code, minor) = row?;
            let base = fx.code_to_base(minor, &code)?;
            let entry = match by_month.entry(month) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    let month = e.key().parse::<Month>()?;
                    e.insert(MonthTotals { month, budget_minor: 0, actual_minor: 0 })
                }
            };
            if is_budget {
                entry.budget_minor += base;
            } else {
                entry.actual_minor += base;
            }
        }
    }

    Ok(Summary {
        base_currency: fx.base,
        as_of,
        initiatives: by_initiative.len() as u64,
        actuals_through,
        budget_total_minor: budget_total,
        budget_to_date_minor: budget_to_date,
        actual_total_minor: actual_total,
        unallocated_actual_minor: unallocated,
        people: people as u64,
        open_requisitions: open_requisitions(conn)?,
        models: count("SELECT count(*) FROM models")?,
        models_by_stage: grouped("stage")?,
        models_by_risk_tier: grouped("risk_tier")?,
        vendors: count("SELECT count(*) FROM vendors")?,
        by_initiative,
        overbooked,
        by_month: by_month.into_values().collect(),
    })
}

/// Requisitions still to be hired, by the domain's own rule ([`RequisitionStatus::is_open`]).
fn open_requisitions(conn: &Connection) -> Result<u64> {
    let open: Vec<String> =
        RequisitionStatus::ALL.iter().filter(|s| s.is_open()).map(|s| format!("'{}'", s.as_str())).collect();
    let sql = format!("SELECT count(*) FROM requisitions WHERE status IN ({})", open.join(", "));
    Ok(conn.query_row(&sql, [], |r| r.get::<_, i64>(0))? as u64)
}

/// Sums of one money table per initiative and currency, of the months up to `through` if given.
fn sums(conn: &Connection, table: &str, through: Option<&str>) -> Result<Vec<(Option<i64>, String, i64)>> {
    let sql = format!(
        "SELECT initiative_id, amount_currency, sum(amount_minor) FROM {table} WHERE ?1 IS NULL OR month <= ?1
         GROUP BY initiative_id, amount_currency"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([through], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
