//! The demo portfolio: a realistic, deterministic ML portfolio built into an empty file, so a new
//! user (or a benchmark, or a screenshot test) has something to look at.
//!
//! The names and shapes a person reads — initiatives, roles and salaries, people, vendors and
//! contracts, models, KPIs, scenarios — live in `assets/demo/portfolio.json` (read by
//! `definition.rs`). `cast.rs` expands them for a scale (the large scale combines them into 200
//! initiatives, 5,000 people and 2,000 models) and `generate.rs` writes everything, including the
//! generated month-by-month budgets, actuals and allocations, in one transaction. People budgets
//! are not in the JSON: they are the loaded cost of each initiative's allocations plus its open
//! requisitions, so budgets agree with the people views.
//!
//! The same scale and current month always give the same data: every random choice comes from a
//! ChaCha8 generator seeded from the two, one stream per section, so changing how one section is
//! generated does not reshuffle the others. Money is computed in integer minor units (noise is in
//! basis points), never in floats.
//!
//! To change the demo, edit the JSON; the unit tests check that its cross-references hold and that
//! the promises made to the UI still do (one overbooked person, contracts renewing soon, an
//! Unallocated bucket, an initiative running over budget).

pub mod billing;
mod cast;
mod definition;
mod generate;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::domain::{Currency, DomainError, EntityKind, Money, Month, PersonId};
use crate::error::{Error, Result};
use crate::store::{Store, schema, settings};

/// How many initiatives, people and models the large scale has.
pub const LARGE_INITIATIVES: usize = 200;
pub const LARGE_PEOPLE: usize = 5_000;
pub const LARGE_MODELS: usize = 2_000;

/// How big a demo to build.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DemoScale {
    /// About ten initiatives, 26 people and 31 models over two years: the demo a person explores.
    #[default]
    Small,
    /// 200 initiatives, 5,000 people and 2,000 models over five years: for benchmarks.
    Large,
}

impl DemoScale {
    pub fn as_str(self) -> &'static str {
        match self {
            DemoScale::Small => "small",
            DemoScale::Large => "large",
        }
    }

    /// How many years of budgets it has, ending with December of the current year.
    pub fn budget_years(self) -> i32 {
        match self {
            DemoScale::Small => 2,
            DemoScale::Large => 5,
        }
    }

    /// The first and last month of its budgets: January `budget_years - 1` years before the
    /// current year, through December of the current year.
    pub fn budget_window(self, current: Month) -> (Month, Month) {
        let first = current.plus(-(current.month() as i32 - 1)).plus(-12 * (self.budget_years() - 1));
        let last = current.plus(12 - current.month() as i32);
        (first, last)
    }
}

impl FromStr for DemoScale {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "small" => Ok(DemoScale::Small),
            "large" => Ok(DemoScale::Large),
            _ => Err(DomainError::invalid("scale", format!("`{s}` is not a demo scale; use small or large"))),
        }
    }
}

impl fmt::Display for DemoScale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`build`] wrote, kind by kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoReport {
    pub scale: DemoScale,
    /// The month the demo was built for: budgets run to the end of its year, actuals up to the
    /// month before it.
    pub current: Month,
    pub first_budget_month: Month,
    pub last_budget_month: Month,
    pub last_actual_month: Month,
    pub fx_rates: usize,
    pub roles: usize,
    pub vendors: usize,
    pub initiatives: usize,
    pub people: usize,
    pub allocations: usize,
    pub requisitions: usize,
    pub models: usize,
    pub model_versions: usize,
    pub contracts: usize,
    /// Contracts that end (renew or lapse) within 90 days of the first day of `current`.
    pub contracts_renewing_within_90_days: usize,
    pub vendor_reviews: usize,
    pub kpis: usize,
    /// Stored KPI values (two years of history for every KPI that is not computed).
    pub kpi_values: usize,
    /// Checklist items the demo's models have (their controls done, in progress or due).
    pub control_items: usize,
    pub signoffs: usize,
    pub scenarios: usize,
    pub budget_lines: usize,
    /// All actuals, including the unallocated ones.
    pub actuals: usize,
    /// Actuals that no initiative claims (the Unallocated bucket).
    pub unallocated_actuals: usize,
    pub budget_total: Money,
    pub actual_total: Money,
    /// The one person booked beyond 100% in `current`, so the overbooking views have a case.
    pub overbooked: Overbooked,
}

/// The deliberately overbooked person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Overbooked {
    pub person_id: PersonId,
    pub name: String,
    pub month: Month,
    pub percent: u32,
}

impl DemoReport {
    fn new(scale: DemoScale, current: Month) -> DemoReport {
        let (first_budget_month, last_budget_month) = scale.budget_window(current);
        DemoReport {
            scale,
            current,
            first_budget_month,
            last_budget_month,
            last_actual_month: current.plus(-1),
            fx_rates: 0,
            roles: 0,
            vendors: 0,
            initiatives: 0,
            people: 0,
            allocations: 0,
            requisitions: 0,
            models: 0,
            model_versions: 0,
            contracts: 0,
            contracts_renewing_within_90_days: 0,
            vendor_reviews: 0,
            kpis: 0,
            kpi_values: 0,
            control_items: 0,
            signoffs: 0,
            scenarios: 0,
            budget_lines: 0,
            actuals: 0,
            unallocated_actuals: 0,
            budget_total: Money::zero(Currency::USD),
            actual_total: Money::zero(Currency::USD),
            overbooked: Overbooked { person_id: PersonId(0), name: String::new(), month: current, percent: 0 },
        }
    }
}

impl fmt::Display for DemoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Built the {} demo portfolio for {}:", self.scale, self.current)?;
        writeln!(
            f,
            "  {} initiatives, {} people in {} roles, {} allocations, {} requisitions",
            self.initiatives, self.people, self.roles, self.allocations, self.requisitions
        )?;
        writeln!(
            f,
            "  {} models with {} versions, {} KPIs with {} values, {} scenarios",
            self.models, self.model_versions, self.kpis, self.kpi_values, self.scenarios
        )?;
        writeln!(
            f,
            "  {} vendors, {} contracts ({} ending within 90 days), {} vendor reviews, {} exchange rates",
            self.vendors, self.contracts, self.contracts_renewing_within_90_days, self.vendor_reviews, self.fx_rates
        )?;
        writeln!(
            f,
            "  {} budget lines ({} to {}), total {}",
            self.budget_lines, self.first_budget_month, self.last_budget_month, self.budget_total
        )?;
        writeln!(
            f,
            "  {} actuals (to {}, {} unallocated), total {}",
            self.actuals, self.last_actual_month, self.unallocated_actuals, self.actual_total
        )?;
        write!(
            f,
            "  overbooked on purpose: {} at {}% in {}",
            self.overbooked.name, self.overbooked.percent, self.overbooked.month
        )
    }
}

/// Builds the demo portfolio into `store`, which must hold no records yet.
///
/// Sets the base currency to USD if it is not set (and refuses a portfolio whose base currency is
/// something else). Everything is written in one transaction: a failure leaves the file as it was.
/// The same `scale` and `current` always write the same records.
pub fn build(store: &mut Store, scale: DemoScale, current: Month) -> Result<DemoReport> {
    let definition = definition::Definition::load()?;
    store.in_transaction(|tx, actor| {
        ensure_empty(tx)?;
        ensure_base_currency_usd(tx, actor)?;
        generate::Generator::new(tx, actor, &definition, scale, current).run()
    })
}

/// Refuses a portfolio that already has records, so the demo never mixes with real data. Cluster
/// connections are allowed: they hold no portfolio data.
fn ensure_empty(conn: &Connection) -> Result<()> {
    let mut found = Vec::new();
    for table in schema::TABLES.iter().filter(|t| t.kind != EntityKind::Connection) {
        let count: i64 = conn.query_row(&format!("SELECT count(*) FROM {}", table.name), [], |r| r.get(0))?;
        if count > 0 {
            found.push(format!("{count} {}", table.name.replace('_', " ")));
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    Err(Error::Conflict(format!(
        "this portfolio already holds {}; the demo is only built into an empty portfolio so it never mixes with \
         real data. Nothing was changed. Choose a new file with --db, e.g. `mlops-portfolio --db demo.sqlite demo`",
        found.join(", ")
    )))
}

fn ensure_base_currency_usd(conn: &Connection, actor: &str) -> Result<()> {
    if settings::is_initialised(conn)? {
        let base = settings::base_currency(conn)?;
        if base != Currency::USD {
            return Err(Error::Conflict(format!(
                "this portfolio's base currency is {base}, but the demo's figures are in USD; build the demo into \
                 a new file with --db. Nothing was changed"
            )));
        }
        return Ok(());
    }
    settings::init(conn, actor, Currency::USD)
}
