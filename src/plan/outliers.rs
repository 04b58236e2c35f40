//! One-off months: a month whose spend stands far from its neighbours (one invoice paid early, a
//! yearly licence, a credit) is set aside before a forecast is fitted, so that one payment cannot
//! move a year's landing.
//!
//! The rule: each month's residual is its distance from the median of the five months centred on
//! it. A month is one-off when its robust z-score (0.6745 × (residual − median residual) / MAD of
//! the residuals; Iglewicz and Hoaglin's modified z) is above [`THRESHOLD`] *and* the residual is
//! more than [`MATERIAL_SHARE`] of the local median, so that a flat series with tiny noise does not
//! lose its months. A month that repeats a year earlier or later (the same calendar month also
//! high, or also low) is a season, not a one-off. When every residual is the same (MAD = 0) the
//! mean absolute deviation stands in (× 1.2533), as the modified z prescribes, and the spread never
//! counts as less than 5% of the series' typical level (a straight rise has none at all).
//!
//! A set-aside month is not dropped from the series (the models need consecutive months): it is
//! replaced by its local median for fitting, and the forecast output names it.

/// The robust z-score above which a month is one-off (Iglewicz and Hoaglin's recommendation).
pub const THRESHOLD: f64 = 3.5;
/// A residual smaller than this share of the local level is never one-off.
pub const MATERIAL_SHARE: f64 = 0.25;
/// The spread never counts as less than this share of the series' typical level.
const SPREAD_FLOOR_SHARE: f64 = 0.05;
/// Months either side of a month in its local median.
const HALF_WINDOW: usize = 2;

/// The indexes of one-off months in `values` (one value per month, oldest first).
pub fn one_off_months(values: &[f64]) -> Vec<usize> {
    if values.len() < 2 * HALF_WINDOW + 2 {
        return Vec::new();
    }
    let levels: Vec<f64> = (0..values.len()).map(|i| local_median(values, i)).collect();
    let residuals: Vec<f64> = values.iter().zip(&levels).map(|(v, level)| v - level).collect();
    let centre = median(&residuals);
    let deviations: Vec<f64> = residuals.iter().map(|r| (r - centre).abs()).collect();
    let mad = median(&deviations);
    let spread =
        if mad > 0.0 { mad / 0.6745 } else { 1.2533 * deviations.iter().sum::<f64>() / deviations.len() as f64 };
    // A near-perfect series (a straight rise) has almost no spread; its own level sets the floor.
    let floor = SPREAD_FLOOR_SHARE * median(&levels.iter().map(|l| l.abs()).collect::<Vec<_>>());
    let scale = spread.max(floor);
    if scale <= 0.0 {
        return Vec::new();
    }
    let z = |i: usize| (residuals[i] - centre) / scale;
    (0..values.len())
        .filter(|&i| z(i).abs() > THRESHOLD)
        .filter(|&i| residuals[i].abs() > MATERIAL_SHARE * levels[i].abs())
        .filter(|&i| {
            // A season repeats: the same month a year away stands out the same way.
            let same_way = |j: usize| z(j).abs() > THRESHOLD / 2.0 && z(j).signum() == z(i).signum();
            !(i.checked_sub(12).is_some_and(same_way) || (i + 12 < values.len() && same_way(i + 12)))
        })
        .collect()
}

/// `values` with the months at `set_aside` replaced by their local median of the other months.
pub fn without(values: &[f64], set_aside: &[usize]) -> Vec<f64> {
    let mut out = values.to_vec();
    for &i in set_aside {
        let lo = i.saturating_sub(HALF_WINDOW);
        let hi = (i + HALF_WINDOW + 1).min(values.len());
        let neighbours: Vec<f64> = (lo..hi).filter(|j| !set_aside.contains(j)).map(|j| values[j]).collect();
        if !neighbours.is_empty() {
            out[i] = median(&neighbours);
        }
    }
    out
}

fn local_median(values: &[f64], i: usize) -> f64 {
    let lo = i.saturating_sub(HALF_WINDOW);
    let hi = (i + HALF_WINDOW + 1).min(values.len());
    median(&values[lo..hi])
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_invoice_among_steady_months_is_set_aside() {
        let mut months: Vec<f64> = (0..24).map(|i| 20_000.0 + f64::from(i % 3) * 400.0).collect();
        months[17] = 750_000.0;
        assert_eq!(one_off_months(&months), vec![17]);
        let fitted = without(&months, &[17]);
        assert!((19_000.0..=21_000.0).contains(&fitted[17]), "replaced by its neighbours: {}", fitted[17]);
    }

    #[test]
    fn a_credit_is_one_off_too() {
        let mut months = vec![50_000.0; 18];
        months[6] = -40_000.0;
        assert_eq!(one_off_months(&months), vec![6]);
    }

    #[test]
    fn ordinary_noise_and_a_steady_rise_are_kept() {
        let noisy: Vec<f64> = (0..36).map(|i| 10_000.0 + f64::from((i * 7919) % 13) * 150.0).collect();
        assert!(one_off_months(&noisy).is_empty());
        let rising: Vec<f64> = (0..30).map(|i| 1_000.0 * f64::from(i + 1)).collect();
        assert!(one_off_months(&rising).is_empty());
    }

    #[test]
    fn a_yearly_peak_is_a_season_not_a_one_off() {
        let months: Vec<f64> = (0..36).map(|i| if i % 12 == 11 { 90_000.0 } else { 30_000.0 }).collect();
        assert!(one_off_months(&months).is_empty(), "December repeats every year");
    }
}
