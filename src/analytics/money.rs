//! Converting sums in many currencies into the base currency.

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;

use crate::domain::{Currency, FxRate, InitiativeId, Money, Month};
use crate::error::{Error, Result};
use crate::store::settings;

/// The base currency and the rates into it, loaded once for a computation.
#[derive(Debug)]
pub struct Converter {
    pub base: Currency,
    rates: HashMap<Currency, FxRate>,
}

impl Converter {
    pub fn load(conn: &Connection) -> Result<Converter> {
        Ok(Converter { base: settings::base_currency(conn)?, rates: settings::rates(conn)? })
    }

    /// `minor` units of `currency` in base-currency minor units; a missing rate is an error
    /// naming the currency and how to add it.
    pub fn to_base(&self, minor: i64, currency: Currency) -> Result<i64> {
        if currency == self.base {
            return Ok(minor);
        }
        let rate = self.rates.get(&currency).ok_or_else(|| {
            Error::Validation(format!(
                "there is no exchange rate for {currency}; add one with `mlops-portfolio fx set {currency} RATE` \
                 (how many {} one {currency} is worth)",
                self.base
            ))
        })?;
        rate.convert(Money::new(minor, currency), self.base)
            .map(|m| m.minor)
            .ok_or_else(|| Error::Validation(format!("{minor} {currency} is too large to convert")))
    }

    /// Parses the currency code stored beside a sum and converts the sum.
    pub fn code_to_base(&self, minor: i64, code: &str) -> Result<i64> {
        let currency: Currency = code
            .parse()
            .map_err(|_| Error::Storage(format!("a stored amount has the currency `{code}`, which is not ISO 4217")))?;
        self.to_base(minor, currency)
    }
}

/// The two tables of money by initiative, month and category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyTable {
    Budgets,
    Actuals,
}

impl MoneyTable {
    fn sql_name(self) -> &'static str {
        match self {
            MoneyTable::Budgets => "budget_lines",
            MoneyTable::Actuals => "actuals",
        }
    }
}

/// Sums of a money table per initiative (`None`: unallocated) and month, in base-currency minor
/// units, for the months from `first` through `last`. Each currency's sum is converted once.
pub type MonthlySums = BTreeMap<(Option<InitiativeId>, Month), i64>;

impl Converter {
    pub fn monthly_sums(&self, conn: &Connection, table: MoneyTable, first: Month, last: Month) -> Result<MonthlySums> {
        let sql = format!(
            "SELECT initiative_id, month, amount_currency, sum(amount_minor) FROM {} WHERE month BETWEEN ?1 AND ?2
             GROUP BY initiative_id, month, amount_currency",
            table.sql_name()
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([first.to_string(), last.to_string()])?;
        let mut sums = MonthlySums::new();
        while let Some(row) = rows.next()? {
            let initiative: Option<i64> = row.get(0)?;
            let month: String = row.get(1)?;
            let month: Month = month.parse()?;
            let code: String = row.get(2)?;
            let base = self.code_to_base(row.get(3)?, &code)?;
            *sums.entry((initiative.map(InitiativeId), month)).or_default() += base;
        }
        Ok(sums)
    }
}
