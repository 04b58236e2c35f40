//! Money and months in words, as every surface writes them: `$1.2M`, `€350K`, `Mar 2026`. The
//! charts, the planning core's attention list, the report and the deck share these, so a figure
//! reads the same wherever it appears.

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
