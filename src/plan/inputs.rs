//! Every dated fact the planning core needs, read once and cut at the as-of month.
//!
//! This is the only half of the core that touches the database. It converts every amount to the
//! base currency (per currency sum, half to even, as [`Converter`] does everywhere) and drops what
//! was not known by the end of the as-of month: actuals of later months; people, allocations and
//! contracts that neither started by then nor were recorded by then (their audit log `create`
//! row), so a hire or an allocation decided this month for next spring counts today, and one
//! recorded later does not count in an earlier month's view. Budget lines are plans and are all
//! kept (the period chooses which count). Requisitions and models carry no date of record yet, so
//! all of them count.
//!
//! A scenario changes these inputs and computes again with the same code, so nothing here may
//! depend on anything but the facts.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::domain::{
    Category, Currency, InitiativeId, InitiativeStatus, ModelId, ModelStage, Month, PersonId, RequisitionStatus,
    RiskTier, RoleId, VendorId,
};
use crate::error::{Error, Result};
use crate::store::fx::Converter;
use crate::store::settings;

/// The facts of one portfolio as of a month, in the base currency.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInputs {
    pub base_currency: Currency,
    pub as_of: Month,
    /// The clock's date: it decides which months have ended and how much of the running one has.
    pub today: NaiveDate,
    /// The first month of the fiscal year (1–12).
    pub fiscal_year_start: u32,
    /// Overspend below this many minor units is not worth anyone's attention.
    pub attention_floor_minor: i64,
    pub initiatives: Vec<InitiativeFacts>,
    /// Every budget line, summed per initiative, month and category.
    pub budgets: Vec<MoneyFact>,
    /// Actuals of months through the as-of month, summed per initiative (or none), month,
    /// category, model, vendor and whether a person marked them one-off.
    pub actuals: Vec<MoneyFact>,
    /// Loaded annual cost per role.
    pub role_cost_minor: HashMap<RoleId, i64>,
    pub people: Vec<PersonFacts>,
    pub allocations: Vec<AllocationFacts>,
    pub requisitions: Vec<RequisitionFacts>,
    pub contracts: Vec<ContractFacts>,
    pub models: Vec<ModelFacts>,
    pub vendors: Vec<VendorFacts>,
    /// Changes to spend the forecast applies to the months after the as-of month: planned spend
    /// (an applied scenario's), then an evaluated scenario's.
    pub adjustments: Vec<super::scenario::SpendAdjustment>,
    /// The providers named by actuals ([`MoneyFact::provider`] indexes it).
    pub providers: Vec<String>,
    /// The providers that are clusters: those OpenCost reports for (indexes into `providers`).
    pub clusters: std::collections::BTreeSet<u32>,
    /// KPIs red or stale and metrics breaching or stale, as attention items (no money at stake).
    pub signals: Vec<super::AttentionItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeFacts {
    pub id: InitiativeId,
    pub name: String,
    pub status: InitiativeStatus,
    pub start: Month,
    pub end: Option<Month>,
    /// What the initiative is expected to be worth a year (base currency), when stated.
    pub annual_benefit_minor: Option<i64>,
}

/// A sum of budget or actual money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyFact {
    /// `None`: spend no initiative claims (Unallocated).
    pub initiative: Option<InitiativeId>,
    pub month: Month,
    pub category: Category,
    pub minor: i64,
    /// Marked one-off by a person: counted as spend, left out of forecasts.
    pub one_off: bool,
    /// The model the spend is tagged with (actuals only).
    pub model: Option<ModelId>,
    /// The vendor it was paid to (actuals only).
    pub vendor: Option<VendorId>,
    /// Who billed it — a cloud account, a cluster (actuals only): an index into
    /// [`PlanInputs::providers`].
    pub provider: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonFacts {
    pub id: PersonId,
    pub name: String,
    pub role: RoleId,
    pub start: Month,
    pub end: Option<Month>,
}

impl PersonFacts {
    pub fn on_team(&self, month: Month) -> bool {
        self.start <= month && self.end.is_none_or(|end| month <= end)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AllocationFacts {
    pub person: PersonId,
    pub initiative: InitiativeId,
    pub percent: u32,
    pub start: Month,
    pub end: Option<Month>,
    /// The model the person works on, when the allocation names one.
    pub model: Option<ModelId>,
}

impl AllocationFacts {
    pub fn covers(&self, month: Month) -> bool {
        self.start <= month && self.end.is_none_or(|end| month <= end)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequisitionFacts {
    pub title: String,
    pub role: RoleId,
    pub initiative: Option<InitiativeId>,
    pub start: Month,
    pub status: RequisitionStatus,
    /// The share of the role's loaded cost it will cost: 100 for a recorded requisition; a
    /// scenario's part-time hire less.
    pub percent: u32,
    /// Made by a scenario (a `hire`), not recorded.
    pub planned: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContractFacts {
    pub id: i64,
    pub title: String,
    pub vendor_id: VendorId,
    pub vendor: String,
    pub initiative: Option<InitiativeId>,
    pub value_minor: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub notice_deadline: NaiveDate,
    pub auto_renew: bool,
    /// The models its spend follows, with each one's percent.
    pub models: Vec<(ModelId, u32)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelFacts {
    pub id: ModelId,
    pub name: String,
    pub initiative: Option<InitiativeId>,
    pub stage: ModelStage,
    pub risk_tier: RiskTier,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VendorFacts {
    pub id: VendorId,
    pub name: String,
}

impl PlanInputs {
    /// [`PlanInputs::load`], remembered by the store until the file changes: the pages of the app
    /// and the scenario commands ask for the same month again and again between writes.
    pub fn load_remembered(
        store: &crate::store::Store,
        as_of: Month,
        today: NaiveDate,
    ) -> Result<std::sync::Arc<PlanInputs>> {
        store.remembered(&format!("plan-inputs {as_of} {today}"), |conn| PlanInputs::load(conn, as_of, today))
    }

    /// Reads the portfolio in `conn` as of the end of `as_of`, on the day `today`.
    pub fn load(conn: &Connection, as_of: Month, today: NaiveDate) -> Result<PlanInputs> {
        let fx = Converter::load(conn)?;
        let through = as_of.to_string();
        let end_of_as_of = super::period::last_day(as_of).to_string();
        // Recorded by the end of the as-of month: the audit log's time of the record's creation.
        let known_by = format!("{end_of_as_of}T23:59:59Z");
        let known = |entity: &str| {
            format!(
                "id IN (SELECT entity_id FROM audit_log WHERE entity = '{entity}' AND action = 'create' AND at <= ?2)"
            )
        };
        let month = |text: String| -> Result<Month> { Ok(text.parse::<Month>()?) };
        let optional_month = |text: Option<String>| -> Result<Option<Month>> { text.map(month).transpose() };

        let initiatives = collect(
            conn,
            "SELECT id, name, status, start, \"end\", annual_benefit_minor, annual_benefit_currency
             FROM initiatives ORDER BY name COLLATE NOCASE, id",
            [],
            |row| {
                let benefit = match (row.get::<_, Option<i64>>(5)?, row.get::<_, Option<String>>(6)?) {
                    (Some(minor), Some(code)) => Some(fx.code_to_base(minor, &code)?),
                    _ => None,
                };
                Ok(InitiativeFacts {
                    id: InitiativeId(row.get(0)?),
                    name: row.get(1)?,
                    status: row.get::<_, String>(2)?.parse()?,
                    start: month(row.get(3)?)?,
                    end: optional_month(row.get(4)?)?,
                    annual_benefit_minor: benefit,
                })
            },
        )?;

        let mut providers: Vec<String> = Vec::new();
        let mut provider_index: HashMap<String, u32> = HashMap::new();
        // Providers OpenCost reports for are clusters: column 9 says a group has such an actual.
        let mut clusters = std::collections::BTreeSet::new();
        let mut money = |row: &rusqlite::Row<'_>| -> Result<MoneyFact> {
            let code: String = row.get(3)?;
            let provider = row.get::<_, Option<String>>(8)?.map(|name| {
                *provider_index.entry(name).or_insert_with_key(|name| {
                    providers.push(name.clone());
                    providers.len() as u32 - 1
                })
            });
            if let (Some(provider), true) = (provider, row.get::<_, bool>(9)?) {
                clusters.insert(provider);
            }
            Ok(MoneyFact {
                initiative: row.get::<_, Option<i64>>(0)?.map(InitiativeId),
                month: month(row.get(1)?)?,
                category: row.get::<_, String>(2)?.parse()?,
                minor: fx.code_to_base(row.get(4)?, &code)?,
                one_off: row.get(5)?,
                model: row.get::<_, Option<i64>>(6)?.map(ModelId),
                vendor: row.get::<_, Option<i64>>(7)?.map(VendorId),
                provider,
            })
        };
        let budgets = collect(
            conn,
            "SELECT initiative_id, month, category, amount_currency, sum(amount_minor), 0, NULL, NULL, NULL, 0
             FROM budget_lines GROUP BY 1, 2, 3, 4",
            [],
            &mut money,
        )?;
        let actuals = collect(
            conn,
            "SELECT initiative_id, month, category, amount_currency, sum(amount_minor), one_off, model_id, vendor_id,
                    provider, max(source = 'opencost')
             FROM actuals WHERE month <= ?1 GROUP BY 1, 2, 3, 4, 6, 7, 8, 9",
            [&through],
            &mut money,
        )?;

        let role_cost_minor =
            collect(conn, "SELECT id, loaded_annual_cost_currency, loaded_annual_cost_minor FROM roles", [], |row| {
                let code: String = row.get(1)?;
                Ok((RoleId(row.get(0)?), fx.code_to_base(row.get(2)?, &code)?))
            })?
            .into_iter()
            .collect();
        let people = collect(
            conn,
            &format!(
                "SELECT id, name, role_id, start, \"end\" FROM people WHERE start <= ?1 OR {} ORDER BY id",
                known("person")
            ),
            [&through, &known_by],
            |row| {
                Ok(PersonFacts {
                    id: PersonId(row.get(0)?),
                    name: row.get(1)?,
                    role: RoleId(row.get(2)?),
                    start: month(row.get(3)?)?,
                    end: optional_month(row.get(4)?)?,
                })
            },
        )?;
        let allocations = collect(
            conn,
            &format!(
                "SELECT person_id, initiative_id, percent, start, \"end\", model_id FROM allocations
                 WHERE start <= ?1 OR {} ORDER BY id",
                known("allocation")
            ),
            [&through, &known_by],
            |row| {
                Ok(AllocationFacts {
                    person: PersonId(row.get(0)?),
                    initiative: InitiativeId(row.get(1)?),
                    percent: row.get(2)?,
                    start: month(row.get(3)?)?,
                    end: optional_month(row.get(4)?)?,
                    model: row.get::<_, Option<i64>>(5)?.map(ModelId),
                })
            },
        )?;
        let requisitions = collect(
            conn,
            "SELECT title, role_id, initiative_id, start, status FROM requisitions ORDER BY id",
            [],
            |row| {
                Ok(RequisitionFacts {
                    title: row.get(0)?,
                    role: RoleId(row.get(1)?),
                    initiative: row.get::<_, Option<i64>>(2)?.map(InitiativeId),
                    start: month(row.get(3)?)?,
                    status: row.get::<_, String>(4)?.parse()?,
                    percent: 100,
                    planned: false,
                })
            },
        )?;
        let contracts = collect(
            conn,
            &format!(
                "SELECT c.id, c.title, v.name, c.initiative_id, c.value_minor, c.value_currency, c.start, c.\"end\",
                    c.notice_days, c.auto_renew, v.id
             FROM contracts c JOIN vendors v ON v.id = c.vendor_id WHERE c.start <= ?1 OR c.{} ORDER BY c.start, c.id",
                known("contract")
            ),
            [&end_of_as_of, &known_by],
            |row| {
                let title: String = row.get(1)?;
                let date = |text: String| {
                    text.parse::<NaiveDate>().map_err(|_| {
                        Error::Storage(format!("contract `{title}` has the date `{text}`, which is not YYYY-MM-DD"))
                    })
                };
                let code: String = row.get(5)?;
                let end = date(row.get(7)?)?;
                let notice_days: u32 = row.get(8)?;
                Ok(ContractFacts {
                    id: row.get(0)?,
                    vendor_id: VendorId(row.get(10)?),
                    vendor: row.get(2)?,
                    initiative: row.get::<_, Option<i64>>(3)?.map(InitiativeId),
                    value_minor: fx.code_to_base(row.get(4)?, &code)?,
                    start: date(row.get(6)?)?,
                    end,
                    notice_deadline: end - chrono::Days::new(u64::from(notice_days)),
                    auto_renew: row.get(9)?,
                    title,
                    models: Vec::new(),
                })
            },
        )?;
        let mut contracts = contracts;
        let links = collect(conn, "SELECT contract_id, model_id, share FROM contract_models ORDER BY id", [], |row| {
            Ok((row.get::<_, i64>(0)?, ModelId(row.get(1)?), row.get::<_, u32>(2)?))
        })?;
        for (contract, model, share) in links {
            if let Some(c) = contracts.iter_mut().find(|c| c.id == contract) {
                c.models.push((model, share));
            }
        }
        let models =
            collect(conn, "SELECT id, name, initiative_id, stage, risk_tier FROM models ORDER BY id", [], |row| {
                Ok(ModelFacts {
                    id: ModelId(row.get(0)?),
                    name: row.get(1)?,
                    initiative: row.get::<_, Option<i64>>(2)?.map(InitiativeId),
                    stage: row.get::<_, String>(3)?.parse()?,
                    risk_tier: row.get::<_, String>(4)?.parse()?,
                })
            })?;
        let vendors = collect(conn, "SELECT id, name FROM vendors ORDER BY id", [], |row| {
            Ok(VendorFacts { id: VendorId(row.get(0)?), name: row.get(1)? })
        })?;
        let (fiscal_year_start, attention_floor_minor) = settings::planning(conn)?;
        let adjustments = collect(
            conn,
            "SELECT initiative_id, category, first, last, percent_hundredths, amount_minor, spread_total_minor,
                    term_first, term_last, unallocated FROM planned_spend ORDER BY id",
            [],
            |row| {
                use super::scenario::{Adjust, SpendAdjustment, SpendChange, Target};
                let change =
                    match (row.get::<_, Option<i64>>(4)?, row.get::<_, Option<i64>>(5)?, row.get::<_, Option<i64>>(6)?)
                    {
                        (Some(hundredths), _, _) => SpendChange::Adjust(Adjust::Percent(hundredths)),
                        (_, Some(minor), _) => SpendChange::Adjust(Adjust::PerMonth(minor)),
                        (_, _, Some(total_minor)) => SpendChange::Spread {
                            total_minor,
                            term_first: month(row.get(7)?)?,
                            term_last: month(row.get(8)?)?,
                        },
                        _ => return Err(Error::Storage("a planned spend row has no change".into())),
                    };
                Ok(SpendAdjustment {
                    target: match (row.get::<_, Option<i64>>(0)?, row.get::<_, bool>(9)?) {
                        (Some(id), _) => Target::Initiative(InitiativeId(id)),
                        (None, true) => Target::Unallocated,
                        (None, false) => Target::Every,
                    },
                    category: row.get::<_, String>(1)?.parse()?,
                    first: month(row.get(2)?)?,
                    last: optional_month(row.get(3)?)?,
                    change,
                })
            },
        )?;

        Ok(PlanInputs {
            base_currency: fx.base,
            as_of,
            today,
            fiscal_year_start,
            attention_floor_minor: attention_floor_minor.unwrap_or_else(|| default_attention_floor_minor(fx.base)),
            initiatives,
            budgets,
            actuals,
            role_cost_minor,
            people,
            allocations,
            requisitions,
            contracts,
            models,
            vendors,
            adjustments,
            providers,
            clusters,
            signals: super::attention::load_signals(
                conn,
                super::period::as_of_day(as_of, today),
                super::period::RunningMonth::of(today, as_of).is_some(),
            )?,
        })
    }
}

/// 1,000 units of the base currency: overspend smaller than that is noise to a director.
pub fn default_attention_floor_minor(currency: Currency) -> i64 {
    1_000 * 10i64.pow(currency.minor_digits())
}

fn collect<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    mut read: impl FnMut(&rusqlite::Row<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(read(row)?);
    }
    Ok(out)
}
