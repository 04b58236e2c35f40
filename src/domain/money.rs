//! Money as an integer count of minor units in an ISO 4217 currency — never a float.
//!
//! Amounts enter the system as decimal text ("1,234.50") and leave it as decimal text; in between
//! they are `i64` minor units, so sums are exact. A currency's number of minor digits comes from
//! ISO 4217 (USD 2, JPY 0, BHD 3). Conversion between currencies goes through [`crate::domain::FxRate`]
//! with decimal arithmetic and one rounding (half to even) at the end.

use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::DomainError;

/// An ISO 4217 currency, stored and shown as its three-letter code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(try_from = "String", into = "String")]
#[ts(export, type = "string")]
pub struct Currency(iso_currency::Currency);

impl Currency {
    pub const USD: Currency = Currency(iso_currency::Currency::USD);
    pub const EUR: Currency = Currency(iso_currency::Currency::EUR);
    pub const GBP: Currency = Currency(iso_currency::Currency::GBP);
    pub const JPY: Currency = Currency(iso_currency::Currency::JPY);

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// How many digits follow the decimal point in this currency (USD 2, JPY 0, BHD 3).
    pub fn minor_digits(self) -> u32 {
        // Currencies without minor units (XAU, XDR, ...) report none; treat them as whole units.
        self.0.exponent().map(u32::from).unwrap_or(0)
    }
}

impl FromStr for Currency {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim().to_ascii_uppercase();
        iso_currency::Currency::from_code(&code).map(Currency).ok_or_else(|| {
            DomainError::invalid(
                "currency",
                format!("`{s}` is not an ISO 4217 currency code; use three letters such as USD, EUR or JPY"),
            )
        })
    }
}

impl TryFrom<String> for Currency {
    /// Only the message: serde names the field.
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse().map_err(|e: DomainError| e.message)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount of money: `minor` units of `currency` (cents for USD, yen for JPY).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// Why a piece of text is not an amount; the caller adds where the text came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("`{0}` is not a number; write it like 1234.50 (a dot for decimals, commas only between thousands)")]
    NotANumber(String),
    #[error("`{text}` has {digits} decimal places but {currency} has {allowed}")]
    TooPrecise { text: String, digits: u32, currency: Currency, allowed: u32 },
    #[error("`{0}` is too large to store")]
    TooLarge(String),
    #[error(
        "`{text}` is above the largest amount a portfolio holds, {ceiling}; check the amount (a misplaced decimal point?)"
    )]
    AboveCeiling { text: String, ceiling: String },
}

/// The largest amount, in whole units of its currency, that any record holds (one trillion):
/// far above any line of an ML portfolio, and low enough that sums of millions of amounts and
/// their conversions stay inside 64-bit minor units.
pub const CEILING_UNITS: i64 = 1_000_000_000_000;

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    /// Parses decimal text strictly: plain digits with an optional leading `-`, commas only
    /// between thousands, a dot for decimals (no exponent, no `+`), at most the currency's minor
    /// digits, and within [`CEILING_UNITS`].
    pub fn parse(text: &str, currency: Currency) -> Result<Money, AmountError> {
        let trimmed = text.trim();
        if trimmed.contains(['e', 'E', '+']) {
            return Err(AmountError::NotANumber(trimmed.to_owned()));
        }
        let value = parse_decimal(text)?;
        let allowed = currency.minor_digits();
        let digits = value.normalize().scale();
        if digits > allowed {
            return Err(AmountError::TooPrecise { text: text.trim().to_owned(), digits, currency, allowed });
        }
        Self::from_decimal(value, currency)
            .ok_or_else(|| AmountError::TooLarge(text.trim().to_owned()))?
            .within_ceiling(text)
    }

    /// Whether the amount is within [`CEILING_UNITS`] either way; `text` names it in the error.
    pub fn within_ceiling(self, text: &str) -> Result<Money, AmountError> {
        let ceiling = CEILING_UNITS.saturating_mul(10i64.pow(self.currency.minor_digits()));
        if self.minor.checked_abs().is_none_or(|m| m > ceiling) {
            return Err(AmountError::AboveCeiling {
                text: crate::domain::shorten(text.trim(), 40),
                ceiling: format!("{} {}", group_thousands(Decimal::from(CEILING_UNITS)), self.currency),
            });
        }
        Ok(self)
    }

    /// Parses decimal text of any precision and rounds it half to even to minor units (billing
    /// exports carry prices to many decimals).
    pub fn parse_rounded(text: &str, currency: Currency) -> Result<Money, AmountError> {
        let value = parse_decimal(text)?;
        Self::from_decimal(value, currency)
            .ok_or_else(|| AmountError::TooLarge(text.trim().to_owned()))?
            .within_ceiling(text)
    }

    /// Rounds a decimal amount half to even into minor units; `None` when it does not fit.
    pub fn from_decimal(value: Decimal, currency: Currency) -> Option<Money> {
        let scaled = value.checked_mul(Decimal::from(10i64.pow(currency.minor_digits())))?;
        let minor = scaled.round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven).to_i64()?;
        Some(Money { minor, currency })
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.minor, self.currency.minor_digits())
    }

    /// Adds two amounts of the same currency; `None` on a currency mismatch or overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.minor.checked_add(other.minor))
            .flatten()
            .map(|minor| Money { minor, currency: self.currency })
    }
}

impl fmt::Display for Money {
    /// `1,234.50 USD`: thousands separated, the currency's own number of decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", group_thousands(self.to_decimal()), self.currency)
    }
}

/// Formats a decimal with `,` between thousands: `-1234567.5` → `-1,234,567.5`.
pub fn group_thousands(value: Decimal) -> String {
    let text = value.to_string();
    let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    let mut grouped = String::with_capacity(text.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Parses `1234.5`, `-12`, `1,234.50` (commas only as thousands separators) or `1.2E+3`.
fn parse_decimal(text: &str) -> Result<Decimal, AmountError> {
    let trimmed = text.trim();
    let bad = || AmountError::NotANumber(trimmed.to_owned());
    if trimmed.is_empty() {
        return Err(bad());
    }
    if trimmed.contains(',') {
        let (whole, fraction) = trimmed.split_once('.').map_or((trimmed, None), |(w, f)| (w, Some(f)));
        let unsigned = whole.trim_start_matches(['-', '+']);
        let mut groups = unsigned.split(',');
        let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
        if !first_ok || !groups.all(|g| g.len() == 3) {
            return Err(bad());
        }
        let joined = match fraction {
            Some(fraction) => format!("{}.{fraction}", whole.replace(',', "")),
            None => whole.replace(',', ""),
        };
        return Decimal::from_str(&joined).map_err(|_| bad());
    }
    if trimmed.contains(['e', 'E']) {
        return Decimal::from_scientific(trimmed).map_err(|_| bad());
    }
    Decimal::from_str(trimmed).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_amounts_in_each_currencys_minor_units() {
        assert_eq!(Money::parse("1,234.50", Currency::USD).unwrap().minor, 123_450);
        assert_eq!(Money::parse("-12", Currency::USD).unwrap().minor, -1_200);
        assert_eq!(Money::parse("1500", Currency::JPY).unwrap().minor, 1_500);
        let bhd: Currency = "bhd".parse().unwrap();
        assert_eq!(Money::parse("1.234", bhd).unwrap().minor, 1_234);
    }

    #[test]
    fn refuses_more_decimals_than_the_currency_has() {
        let err = Money::parse("10.5", Currency::JPY).unwrap_err();
        assert!(matches!(err, AmountError::TooPrecise { digits: 1, allowed: 0, .. }), "{err}");
        assert!(Money::parse("1.005", Currency::USD).is_err());
        // Trailing zeros are not extra precision.
        assert_eq!(Money::parse("1.500", Currency::USD).unwrap().minor, 150);
    }

    #[test]
    fn refuses_text_that_is_not_a_number() {
        for text in ["12,5O", "", "1,23.4", "12,34", "abc", "1.2.3", "NaN"] {
            assert!(Money::parse(text, Currency::USD).is_err(), "`{text}` should be refused");
        }
    }

    #[test]
    fn money_is_plain_decimals_within_the_ceiling() {
        for text in ["1e3", "1E3", "+5", "1.2E+3"] {
            assert!(matches!(Money::parse(text, Currency::USD), Err(AmountError::NotANumber(_))), "`{text}`");
        }
        let err = Money::parse("92233720368547758.07", Currency::USD).unwrap_err();
        assert!(matches!(err, AmountError::AboveCeiling { .. }), "{err}");
        assert!(err.to_string().contains("1,000,000,000,000 USD"), "{err}");
        assert!(Money::parse("-1,000,000,000,000.01", Currency::USD).is_err());
        assert_eq!(Money::parse("1,000,000,000,000", Currency::USD).unwrap().minor, 100_000_000_000_000);
        assert!(Money::parse_rounded("2E+12", Currency::USD).is_err(), "billing exports too");
        assert!(Money::new(i64::MIN, Currency::USD).within_ceiling("x").is_err());
    }

    #[test]
    fn rounds_billing_precision_half_to_even() {
        assert_eq!(Money::parse_rounded("0.125", Currency::USD).unwrap().minor, 12);
        assert_eq!(Money::parse_rounded("0.135", Currency::USD).unwrap().minor, 14);
        assert_eq!(Money::parse_rounded("1.2E+3", Currency::USD).unwrap().minor, 120_000);
    }

    #[test]
    fn displays_with_thousands_and_currency_digits() {
        assert_eq!(Money::new(123_456_789, Currency::USD).to_string(), "1,234,567.89 USD");
        assert_eq!(Money::new(-5, Currency::USD).to_string(), "-0.05 USD");
        assert_eq!(Money::new(1_500_000, Currency::JPY).to_string(), "1,500,000 JPY");
    }

    #[test]
    fn unknown_currency_codes_are_refused_with_advice() {
        let err = "XYZ".parse::<Currency>().unwrap_err();
        assert!(err.to_string().contains("ISO 4217"), "{err}");
    }
}
