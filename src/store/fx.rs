//! Converting sums in many currencies into the base currency.

use std::collections::HashMap;

use rusqlite::Connection;

use super::settings;
use crate::domain::{Currency, FxRate, Money};
use crate::error::{Error, Result};

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
