//! Text on charts: money in the base currency ("$1.2M", "€350K") and month labels (the domain's
//! words, shared with every surface), numbers, and names cut to fit.

#[cfg(test)]
use crate::domain::Currency;
pub use crate::domain::words::{
    compact_money, compact_number, month_label, month_name, number_with_unit, target_words, with_unit,
};

/// A count with thousands separated: `4,856`.
pub fn count(n: usize) -> String {
    crate::domain::group_thousands(rust_decimal::Decimal::from(n))
}

/// `text` cut in the middle to at most `max_chars` characters (`Fraud det…APAC`), for names that
/// share a prefix and differ at the end.
pub fn ellipsize_middle(text: &str, max_chars: usize) -> String {
    let length = text.chars().count();
    if length <= max_chars {
        return text.to_owned();
    }
    let keep = max_chars.saturating_sub(1);
    let tail = keep / 2;
    let head = keep - tail;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(length - tail).collect();
    format!("{}…{}", start.trim_end(), end.trim_start())
}

/// `text` with its first letter in upper case.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// `text` cut to at most `max_chars` characters, ending in `…` when it was cut.
pub fn ellipsize(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(dollars_and_cents: i64) -> String {
        compact_money(dollars_and_cents, Currency::USD)
    }

    #[test]
    fn money_is_compact_with_at_most_one_decimal() {
        assert_eq!(usd(0), "$0");
        assert_eq!(usd(95_000), "$950");
        assert_eq!(usd(250), "$2.5");
        assert_eq!(usd(123_456), "$1.2K");
        assert_eq!(usd(35_000_000), "$350K");
        assert_eq!(usd(120_000_000), "$1.2M");
        assert_eq!(usd(1_250_000_000), "$12.5M");
        assert_eq!(usd(1_000_000_000), "$10M", "a zero decimal is dropped");
        assert_eq!(usd(-450_000), "-$4.5K");
        assert_eq!(usd(987_654_321_000), "$9.9B");
    }

    #[test]
    fn rounding_up_to_a_thousand_moves_to_the_next_unit() {
        assert_eq!(usd(99_996_000), "$1M", "$999,960 is $1M, not $1000K");
        assert_eq!(usd(99_940_000), "$999.4K");
        assert_eq!(usd(99_950), "$1K");
    }

    #[test]
    fn each_currency_has_its_symbol_or_code_and_its_minor_digits() {
        assert_eq!(compact_money(35_000_000, Currency::EUR), "€350K");
        assert_eq!(compact_money(12_000_000, Currency::JPY), "¥12M", "yen have no minor units");
        assert_eq!(compact_money(150_000, Currency::GBP), "£1.5K");
        let chf: Currency = "CHF".parse().unwrap();
        assert_eq!(compact_money(95_000, chf), "CHF 950");
        let bhd: Currency = "BHD".parse().unwrap();
        assert_eq!(compact_money(1_500_000, bhd), "BHD 1.5K", "three minor digits");
    }

    #[test]
    fn extreme_amounts_do_not_overflow() {
        assert_eq!(compact_money(i64::MAX, Currency::USD), "$92233.7T");
        assert!(compact_money(i64::MIN, Currency::USD).starts_with("-$"));
    }

    #[test]
    fn long_names_end_in_an_ellipsis() {
        assert_eq!(ellipsize("Fraud detection", 30), "Fraud detection");
        assert_eq!(ellipsize("Customer support assistant", 10), "Customer…");
        assert_eq!(ellipsize("ÄÖÜäöüßéèê", 5), "ÄÖÜä…", "cuts characters, not bytes");
        assert_eq!(ellipsize_middle("Fraud detection — APAC", 14), "Fraud d…— APAC");
        assert_eq!(count(4_856), "4,856");
    }

    #[test]
    fn numbers_keep_three_significant_decimals() {
        assert_eq!(compact_number(0.925), "0.925");
        assert_eq!(compact_number(12.0), "12");
        assert_eq!(compact_number(150.0), "150");
        assert_eq!(compact_number(2.5), "2.5");
        assert_eq!(compact_number(45_000.0), "45K");
    }

    #[test]
    fn units_follow_their_numbers_except_for_ratios() {
        assert_eq!(with_unit(212.0, "ms"), "212 ms");
        assert_eq!(with_unit(99.5, "%"), "99.5%");
        assert_eq!(with_unit(0.925, "ratio"), "0.925");
        assert_eq!(with_unit(f64::INFINITY, "ms"), "+Inf ms");
        assert_eq!(with_unit(f64::NEG_INFINITY, ""), "-Inf");
        assert_eq!(number_with_unit("1.50", " GPU·h "), "1.50 GPU·h");
    }
}
