//! The names a scenario's changes refer to, read once, and the exchange rates its amounts are
//! converted with: every role, person, initiative, vendor and contract of the portfolio (not cut
//! at the as-of month: a scenario may name a person who starts later). Beside
//! [`PlanInputs::load`](crate::plan::PlanInputs::load), the only reader of the database in the
//! planning core.

use std::collections::HashMap;

use rusqlite::Connection;

use super::bad;
use crate::domain::{ContractId, Currency, InitiativeId, Money, PersonId, RoleId, VendorId};
use crate::error::{Error, Result};
use crate::store::fx::Converter;

/// One kind's records by name (case-insensitive) and by id.
#[derive(Debug, Clone, Default)]
struct Names {
    by_name: HashMap<String, Vec<i64>>,
    ids: Vec<i64>,
}

impl Names {
    fn load(conn: &Connection, sql: &str) -> Result<Names> {
        let mut names = Names::default();
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, name) = row?;
            names.by_name.entry(name.trim().to_lowercase()).or_default().push(id);
            names.ids.push(id);
        }
        Ok(names)
    }

    /// The id a name (or an id) refers to; `field` and `kind` name the refusal.
    fn find(&self, field: &str, kind: &str, text: &str) -> Result<i64> {
        let text = text.trim();
        if let Some(ids) = self.by_name.get(&text.to_lowercase()) {
            return match ids.as_slice() {
                [id] => Ok(*id),
                _ => Err(bad(field, format!("more than one {kind} is named `{text}`; give the id instead"))),
            };
        }
        if let Ok(id) = text.parse::<i64>()
            && self.ids.contains(&id)
        {
            return Ok(id);
        }
        Err(bad(field, format!("there is no {kind} named `{text}`; `list {kind}` shows what there is")))
    }
}

/// What the changes of a scenario can name, and how its amounts become base currency.
#[derive(Debug)]
pub struct Catalog {
    roles: Names,
    people: Names,
    initiatives: Names,
    vendors: Names,
    contracts: Names,
    /// Each contract's last month, so a cancel after it is refused.
    contract_ends: HashMap<i64, crate::domain::Month>,
    fx: Converter,
}

impl Catalog {
    pub fn load(conn: &Connection) -> Result<Catalog> {
        Ok(Catalog {
            roles: Names::load(conn, "SELECT id, name FROM roles")?,
            people: Names::load(conn, "SELECT id, name FROM people")?,
            initiatives: Names::load(conn, "SELECT id, name FROM initiatives")?,
            vendors: Names::load(conn, "SELECT id, name FROM vendors")?,
            contracts: Names::load(conn, "SELECT id, title FROM contracts")?,
            contract_ends: {
                let mut stmt = conn.prepare("SELECT id, substr(\"end\", 1, 7) FROM contracts")?;
                let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
                let mut ends = HashMap::new();
                for row in rows {
                    let (id, month) = row?;
                    if let Ok(month) = month.parse() {
                        ends.insert(id, month);
                    }
                }
                ends
            },
            fx: Converter::load(conn)?,
        })
    }

    pub fn base_currency(&self) -> Currency {
        self.fx.base
    }

    pub fn role(&self, text: &str) -> Result<RoleId> {
        self.roles.find("role", "role", text).map(RoleId)
    }

    pub fn person(&self, text: &str) -> Result<PersonId> {
        self.people.find("person", "person", text).map(PersonId)
    }

    pub fn initiative(&self, field: &str, text: &str) -> Result<InitiativeId> {
        self.initiatives.find(field, "initiative", text).map(InitiativeId)
    }

    pub fn vendor(&self, text: &str) -> Result<VendorId> {
        self.vendors.find("vendor", "vendor", text).map(VendorId)
    }

    pub fn contract(&self, text: &str) -> Result<ContractId> {
        self.contracts.find("contract", "contract", text).map(ContractId)
    }

    /// The contract's last month (the month of its end date).
    pub fn contract_end(&self, id: ContractId) -> Option<crate::domain::Month> {
        self.contract_ends.get(&id.0).copied()
    }

    /// `15,000.00` (base currency) or `15000 EUR`, in minor units of the base currency.
    pub fn amount(&self, field: &str, text: &str) -> Result<i64> {
        let text = text.trim();
        let (number, currency) = match text.rsplit_once(char::is_whitespace) {
            Some((number, code)) if code.chars().all(|c| c.is_ascii_alphabetic()) => {
                let currency = code.parse::<Currency>().map_err(|e| bad(field, e.message))?;
                (number.trim(), currency)
            }
            _ => (text, self.fx.base),
        };
        let money = Money::parse(number, currency)
            .map_err(|e| bad(field, format!("{e}; write an amount such as 15,000.00 or 15000 EUR")))?;
        self.fx.to_base(money.minor, money.currency).map_err(|e| match e {
            Error::Validation(m) | Error::Storage(m) => bad(field, m),
            other => other,
        })
    }
}
