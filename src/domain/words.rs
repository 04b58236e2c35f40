//! Money, months and measurements in words, as every surface writes them: `$1.2M`, `€350K`,
//! `Mar 2026`, `212 ms`, `target at least 0.92`. The charts, the planning core's attention list and
//! scorecard, the report and the deck share these, so a figure reads the same wherever it appears.

use super::{Currency, Month};

/// A difference as short as [`compact_money`], always signed: `+$360K`, `−$300K` (a true minus
/// sign); `None` for no difference, which each surface words its own way.
pub fn signed_compact_money(minor: i64, currency: Currency) -> Option<String> {
    match minor.signum() {
        1 => Some(format!("+{}", compact_money(minor, currency))),
        -1 => Some(format!("−{}", compact_money(minor.saturating_neg(), currency))),
        _ => None,
    }
}

/// A sum of money as short as a chart label can be: `$1.2M`, `€350K`, `-£4.5K`, `¥12M`, `CHF 950`.
///
/// At most one decimal, dropped when it is zero; thousands as `K` (as the app writes them, with
/// the browser's compact notation in English, so one page never shows `$1.2k` beside `$1.2K`),
/// millions `M`, billions `B`, trillions `T`. Rounds half away from zero from the exact minor units (no floats), and moves up
/// a unit when rounding reaches 1,000 (`$999.96K` is `$1M`). Currencies without a well-known symbol
/// show their code.
pub fn compact_money(minor: i64, currency: Currency) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let per_major = 10i128.pow(currency.minor_digits());
    let minor = i128::from(minor).abs();
    const UNITS: [(i128, &str); 5] =
        [(1, ""), (1_000, "K"), (1_000_000, "M"), (1_000_000_000, "B"), (1_000_000_000_000, "T")];
    let mut chosen = 0;
    for (i, (size, _)) in UNITS.iter().enumerate() {
        if minor >= size * per_major {
            chosen = i;
        }
    }
    loop {
        let (size, suffix) = UNITS[chosen];
        let divisor = size * per_major;
        // Whole amounts under 10 keep a decimal (`$2.5`); whole amounts from 10 up are rounded.
        let tenths = if chosen == 0 && minor >= 10 * per_major {
            (minor + per_major / 2) / per_major * 10
        } else {
            (minor * 10 + divisor / 2) / divisor
        };
        if tenths >= 10_000 && chosen + 1 < UNITS.len() {
            chosen += 1;
            continue;
        }
        let number =
            if tenths % 10 == 0 { format!("{}", tenths / 10) } else { format!("{}.{}", tenths / 10, tenths % 10) };
        return match symbol(currency) {
            Some(symbol) => format!("{sign}{symbol}{number}{suffix}"),
            None => format!("{sign}{} {number}{suffix}", currency.code()),
        };
    }
}

fn symbol(currency: Currency) -> Option<&'static str> {
    Some(match currency.code() {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        "INR" => "₹",
        "KRW" => "₩",
        _ => return None,
    })
}

/// `Mar`, or `Mar 2026` for a year's first label.
pub fn month_label(month: Month, with_year: bool) -> String {
    const NAMES: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let name = NAMES[(month.month() as usize).saturating_sub(1) % 12];
    if with_year { format!("{name} {}", month.year()) } else { name.to_owned() }
}

/// `Mar 2026` always.
pub fn month_name(month: Month) -> String {
    month_label(month, true)
}

/// A plain number for labels: `12`, `0.93`, `1.2K`, `3.5M` — at most three significant decimals.
pub fn compact_number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let magnitude = value.abs();
    let (scaled, suffix) = match magnitude {
        m if m >= 1e9 => (value / 1e9, "B"),
        m if m >= 1e6 => (value / 1e6, "M"),
        m if m >= 1e4 => (value / 1e3, "K"),
        _ => (value, ""),
    };
    let decimals = match scaled.abs() {
        m if m >= 100.0 => 0,
        m if m >= 10.0 => 1,
        m if m >= 1.0 => 2,
        _ => 3,
    };
    let text = format!("{scaled:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    let text = if text == "-0" { "0".to_owned() } else { text };
    format!("{text}{suffix}")
}

/// A number already written as text, with its unit the way a label shows it: `93%`, `212 ms`,
/// and no unit for plain ratios (`0.93`).
pub fn number_with_unit(number: &str, unit: &str) -> String {
    match unit.trim() {
        "%" => format!("{number}%"),
        "" | "ratio" => number.to_owned(),
        unit => format!("{number} {unit}"),
    }
}

/// A value with its unit: `212 ms`, `0.925`, `+Inf ms` (infinities are written as Prometheus does).
pub fn with_unit(value: f64, unit: &str) -> String {
    let number = match value {
        v if v == f64::INFINITY => "+Inf".to_owned(),
        v if v == f64::NEG_INFINITY => "-Inf".to_owned(),
        v => compact_number(v),
    };
    number_with_unit(&number, unit)
}

/// A KPI's target band in words: `target 0.6 to 0.8`, `target at least 60%`, `target at most 200 ms`.
pub fn target_words(low: Option<f64>, high: Option<f64>, unit: &str) -> String {
    let value = |v: f64| with_unit(v, unit);
    match (low, high) {
        (Some(low), Some(high)) => format!("target {} to {}", value(low), value(high)),
        (Some(low), None) => format!("target at least {}", value(low)),
        (None, Some(high)) => format!("target at most {}", value(high)),
        (None, None) => "no target".to_owned(),
    }
}
