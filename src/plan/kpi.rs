//! KPIs: one definition of a KPI's value, status and trend, read by the scorecard, the charts, the
//! report, the XLSX and the attention list.
//!
//! **Values** come from four sources and each keeps its source: *typed* by a person (`kpi record`,
//! the value form) and *imported* (`import kpi-values`), both stored in `kpi_values`, one a day;
//! *synced* from the model metric the KPI is bound to (`model_id` + `metric_key`), a day's value
//! being the daily rollup's mean (or the raw samples' mean where no rollup was written); and
//! *computed* by a formula from the planning core (cost per 1,000 predictions, ROI: see
//! [`super::value`]). A stored value wins over a synced one of the same day: it is a person's
//! correction.
//!
//! **Status** ([`status`]), one function for every surface:
//! - `no_data`: no value on or before the as-of day;
//! - `stale`: the newest value is older than the cadence allows ([`KpiCadence`]: daily 2 days,
//!   weekly 10, monthly 45, quarterly 120 — one period and the time a report takes to arrive);
//! - otherwise by the newest value against the target band `[target_low, target_high]` (either
//!   side may be open): `green` inside it; `amber` outside by at most the amber margin (the KPI's
//!   `amber_margin` in its own unit, else 5% of the size of the target it crossed); `red` beyond.
//!
//! The direction (higher or lower is better) does not move the band; it names the trend: the
//! newest value against the one before, `steady` within 1% of the earlier value.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::domain::words::{target_words, with_unit};
use crate::domain::{InitiativeId, KpiCadence, KpiDirection, KpiFormula, KpiId, ModelId, word_enum};
use crate::error::Result;

/// The amber margin of a KPI that sets none: this fraction of the target crossed.
pub const DEFAULT_AMBER_FRACTION: f64 = 0.05;
/// A change smaller than this fraction of the earlier value is steady.
pub const STEADY_FRACTION: f64 = 0.01;
/// How many of the newest values a scorecard row carries for its sparkline.
pub const RECENT_POINTS: usize = 30;
/// How far back values are read for trends and sparklines.
pub const HISTORY_DAYS: i64 = 400;

/// Days after which a KPI's newest value is stale.
pub fn stale_after_days(cadence: KpiCadence) -> i64 {
    match cadence {
        KpiCadence::Daily => 2,
        KpiCadence::Weekly => 10,
        KpiCadence::Monthly => 45,
        KpiCadence::Quarterly => 120,
    }
}

word_enum!(
    /// Where a KPI value came from.
    KpiSource, "source" {
    Typed => "typed",
    Imported => "imported",
    Synced => "synced",
    Computed => "computed",
});

word_enum!(
    /// How a KPI stands, worst first.
    KpiStatus, "status" {
    Red => "red",
    Amber => "amber",
    Stale => "stale",
    NoData => "no_data",
    Green => "green",
});

word_enum!(
    /// Whether the newest value moved the good way.
    KpiTrend, "trend" {
    Improving => "improving",
    Worsening => "worsening",
    Steady => "steady",
    Unknown => "unknown",
});

/// One value of a KPI on one day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct KpiReading {
    pub date: NaiveDate,
    pub value: f64,
    pub source: KpiSource,
}

/// A KPI's target band and tolerance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetBand {
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub amber_margin: Option<f64>,
}

impl TargetBand {
    /// Green, amber or red for one value ([`KpiStatus::Stale`] and [`KpiStatus::NoData`] are
    /// about time, not value; see [`status`]).
    pub fn judge(&self, value: f64) -> KpiStatus {
        let (crossed, by) = match (self.low, self.high) {
            (Some(low), _) if value < low => (low, low - value),
            (_, Some(high)) if value > high => (high, value - high),
            _ => return KpiStatus::Green,
        };
        let margin = self.amber_margin.unwrap_or(crossed.abs() * DEFAULT_AMBER_FRACTION);
        // Values are decimals read into binary floats: 0.60 − 0.57 is a hair above 0.03.
        let slack = 1e-9 * (crossed.abs() + margin);
        if by <= margin + slack { KpiStatus::Amber } else { KpiStatus::Red }
    }

    /// The margin in force beside the low (first) and high (second) targets.
    pub fn margins(&self) -> (Option<f64>, Option<f64>) {
        let margin =
            |target: Option<f64>| target.map(|t| self.amber_margin.unwrap_or(t.abs() * DEFAULT_AMBER_FRACTION));
        (margin(self.low), margin(self.high))
    }
}

/// The status of a KPI on `as_of` from its newest value on or before that day.
pub fn status(band: &TargetBand, cadence: KpiCadence, newest: Option<&KpiReading>, as_of: NaiveDate) -> KpiStatus {
    match newest {
        None => KpiStatus::NoData,
        Some(r) if (as_of - r.date).num_days() > stale_after_days(cadence) => KpiStatus::Stale,
        Some(r) => band.judge(r.value),
    }
}

/// The newest value against the one before it.
pub fn trend(direction: KpiDirection, readings: &[KpiReading]) -> KpiTrend {
    let [.., before, newest] = readings else { return KpiTrend::Unknown };
    let change = newest.value - before.value;
    if change.abs() <= before.value.abs() * STEADY_FRACTION {
        return KpiTrend::Steady;
    }
    match (direction, change > 0.0) {
        (KpiDirection::HigherIsBetter, true) | (KpiDirection::LowerIsBetter, false) => KpiTrend::Improving,
        _ => KpiTrend::Worsening,
    }
}

/// A KPI as the core reads it, with its values up to the as-of day, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiFacts {
    pub id: KpiId,
    pub name: String,
    pub initiative: Option<InitiativeId>,
    pub model: Option<ModelId>,
    pub metric_key: Option<String>,
    pub unit: String,
    pub direction: KpiDirection,
    pub band: TargetBand,
    pub cadence: KpiCadence,
    pub starred: bool,
    pub formula: Option<KpiFormula>,
    /// Typed, imported and synced values (computed ones are added by [`super::value`]).
    pub readings: Vec<KpiReading>,
    /// Where synced values come from, e.g. `accuracy of fraud-scorer`, when the KPI is bound.
    pub bound_to: Option<String>,
}

/// Every KPI (or only `only`) with its values from `from` through `as_of`; a KPI with nothing in
/// that window keeps its newest older value, so that it is stale rather than without data.
pub fn load(conn: &Connection, from: NaiveDate, as_of: NaiveDate, only: Option<KpiId>) -> Result<Vec<KpiFacts>> {
    let only = only.map(|id| id.0);
    let mut kpis: Vec<KpiFacts> = conn
        .prepare_cached(
            "SELECT id, name, initiative_id, model_id, metric_key, unit, direction, target_low, target_high, cadence,
                    amber_margin, starred, formula
             FROM kpis WHERE ?1 IS NULL OR id = ?1 ORDER BY name COLLATE NOCASE, id",
        )?
        .query_and_then([only], |r| -> Result<KpiFacts> {
            Ok(KpiFacts {
                id: KpiId(r.get(0)?),
                name: r.get(1)?,
                initiative: r.get::<_, Option<i64>>(2)?.map(InitiativeId),
                model: r.get::<_, Option<i64>>(3)?.map(ModelId),
                metric_key: r.get(4)?,
                unit: r.get(5)?,
                direction: r.get::<_, String>(6)?.parse()?,
                band: TargetBand { low: r.get(7)?, high: r.get(8)?, amber_margin: r.get(10)? },
                cadence: r.get::<_, String>(9)?.parse()?,
                starred: r.get(11)?,
                formula: r.get::<_, Option<String>>(12)?.map(|f| f.parse()).transpose()?,
                readings: Vec::new(),
                bound_to: None,
            })
        })?
        .collect::<Result<_>>()?;
    let (from_text, to_text) = (from.to_string(), as_of.to_string());
    let mut stored: HashMap<KpiId, Vec<KpiReading>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT kpi_id, date, value, source FROM kpi_values
         WHERE date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR kpi_id = ?3) ORDER BY kpi_id, date",
    )?;
    let rows = stmt
        .query_and_then(rusqlite::params![from_text, to_text, only], |r| -> Result<(KpiId, KpiReading)> {
            Ok((KpiId(r.get(0)?), stored_reading(r.get(1)?, r.get(2)?, r.get(3)?)?))
        })?;
    for row in rows {
        let (kpi, reading) = row?;
        stored.entry(kpi).or_default().push(reading);
    }

    let (from_ts, to_ts) = (epoch_seconds(from), epoch_seconds(as_of) + 86_399);
    for kpi in &mut kpis {
        if let (Some(model), Some(key)) = (kpi.model, kpi.metric_key.as_deref())
            && kpi.formula.is_none()
            && let Some((series, model_name)) = bound_series(conn, model, key)?
        {
            kpi.bound_to = Some(format!("{key} of {model_name}"));
            kpi.readings = daily_means(conn, series, from_ts, to_ts)?
                .into_iter()
                .map(|(date, value)| KpiReading { date, value, source: KpiSource::Synced })
                .collect();
        }
        if let Some(mine) = stored.remove(&kpi.id) {
            kpi.readings = merge(std::mem::take(&mut kpi.readings), mine);
        }
    }

    // A KPI with nothing in the window: its newest stored value, however old.
    let mut newest = conn.prepare_cached(
        "SELECT date, value, source FROM kpi_values WHERE kpi_id = ?1 AND date < ?2 ORDER BY date DESC LIMIT 1",
    )?;
    for kpi in kpis.iter_mut().filter(|k| k.readings.is_empty() && k.formula.is_none()) {
        let found = newest
            .query_row(rusqlite::params![kpi.id.0, from_text], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        if let Some((date, value, source)) = found {
            kpi.readings.push(stored_reading(date, value, source)?);
        }
    }
    Ok(kpis)
}

/// A typed or imported value as its `kpi_values` row holds it.
fn stored_reading(date: String, value: f64, source: String) -> Result<KpiReading> {
    let source = match source.parse::<crate::domain::KpiValueSource>()? {
        crate::domain::KpiValueSource::Typed => KpiSource::Typed,
        crate::domain::KpiValueSource::Imported => KpiSource::Imported,
    };
    Ok(KpiReading { date: parse_date(&date)?, value, source })
}

/// The metric series model `model` has under `key`, and the model's name.
pub(crate) fn bound_series(conn: &Connection, model: ModelId, key: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.id, m.name FROM metric_series s JOIN models m ON m.id = s.model_id
             WHERE s.model_id = ?1 AND s.key = ?2",
        )?
        .query_row(rusqlite::params![model.0, key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// One KPI on the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScorecardRow {
    pub kpi_id: KpiId,
    pub name: String,
    pub initiative_id: Option<InitiativeId>,
    pub initiative: Option<String>,
    pub model: Option<String>,
    /// The newest value on or before the as-of day, and as every surface writes it (`212 ms`).
    pub value: Option<f64>,
    pub value_text: Option<String>,
    pub unit: String,
    pub direction: KpiDirection,
    pub target_low: Option<f64>,
    pub target_high: Option<f64>,
    /// `target at least 0.92`.
    pub target_text: String,
    /// The amber margins in force below the low target and above the high one.
    pub amber_below: Option<f64>,
    pub amber_above: Option<f64>,
    pub cadence: KpiCadence,
    pub status: KpiStatus,
    /// The day of the newest value, and how many days before the as-of day it was.
    pub as_of: Option<NaiveDate>,
    pub age_days: Option<i64>,
    pub source: Option<KpiSource>,
    pub trend: KpiTrend,
    /// The newest values, oldest first, at most [`RECENT_POINTS`] (the sparkline).
    pub recent: Vec<KpiReading>,
    pub starred: bool,
    pub formula: Option<KpiFormula>,
    /// Where synced values come from, when the KPI is bound to a model's metric.
    pub bound_to: Option<String>,
}

/// How many KPIs stand at each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StatusCounts {
    pub red: u32,
    pub amber: u32,
    pub stale: u32,
    pub no_data: u32,
    pub green: u32,
}

/// Every KPI's status on one day, worst first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Scorecard {
    pub as_of: NaiveDate,
    pub rows: Vec<ScorecardRow>,
    pub counts: StatusCounts,
}

impl Scorecard {
    /// The scorecard of `kpis` (their readings complete, computed ones included) on `as_of`;
    /// `names` names initiatives and models. Rows are ordered by status (red first), then
    /// initiative and name.
    pub fn of(
        kpis: &[KpiFacts],
        as_of: NaiveDate,
        initiative_names: &HashMap<InitiativeId, String>,
        model_names: &HashMap<ModelId, String>,
    ) -> Scorecard {
        let mut counts = StatusCounts::default();
        let mut rows: Vec<ScorecardRow> = kpis
            .iter()
            .map(|kpi| {
                let upto = kpi.readings.partition_point(|r| r.date <= as_of);
                let readings = &kpi.readings[..upto];
                let newest = readings.last();
                let status = status(&kpi.band, kpi.cadence, newest, as_of);
                *match status {
                    KpiStatus::Red => &mut counts.red,
                    KpiStatus::Amber => &mut counts.amber,
                    KpiStatus::Stale => &mut counts.stale,
                    KpiStatus::NoData => &mut counts.no_data,
                    KpiStatus::Green => &mut counts.green,
                } += 1;
                let (amber_below, amber_above) = kpi.band.margins();
                ScorecardRow {
                    kpi_id: kpi.id,
                    name: kpi.name.clone(),
                    initiative_id: kpi.initiative,
                    initiative: kpi.initiative.and_then(|i| initiative_names.get(&i).cloned()),
                    model: kpi.model.and_then(|m| model_names.get(&m).cloned()),
                    value: newest.map(|r| r.value),
                    value_text: newest.map(|r| with_unit(r.value, &kpi.unit)),
                    unit: kpi.unit.clone(),
                    direction: kpi.direction,
                    target_low: kpi.band.low,
                    target_high: kpi.band.high,
                    target_text: target_words(kpi.band.low, kpi.band.high, &kpi.unit),
                    amber_below,
                    amber_above,
                    cadence: kpi.cadence,
                    status,
                    as_of: newest.map(|r| r.date),
                    age_days: newest.map(|r| (as_of - r.date).num_days()),
                    source: newest.map(|r| r.source),
                    trend: trend(kpi.direction, readings),
                    recent: readings[readings.len().saturating_sub(RECENT_POINTS)..].to_vec(),
                    starred: kpi.starred,
                    formula: kpi.formula,
                    bound_to: kpi.bound_to.clone(),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.status, &a.initiative, a.name.to_lowercase()).cmp(&(b.status, &b.initiative, b.name.to_lowercase()))
        });
        Scorecard { as_of, rows, counts }
    }
}

/// The scorecard on `as_of` (of one initiative's KPIs, or all): stored, synced and computed
/// values of the last [`HISTORY_DAYS`] days; `inputs` are the planning inputs of `as_of`'s month.
pub fn scorecard(
    conn: &Connection,
    inputs: &super::PlanInputs,
    as_of: NaiveDate,
    initiative: Option<InitiativeId>,
) -> Result<Scorecard> {
    let from = as_of - chrono::Days::new(HISTORY_DAYS as u64);
    let mut kpis = load(conn, from, as_of, None)?;
    if let Some(initiative) = initiative {
        kpis.retain(|k| k.initiative == Some(initiative));
    }
    super::value::add_computed(conn, inputs, &mut kpis, from)?;
    let initiatives = inputs.initiatives.iter().map(|i| (i.id, i.name.clone())).collect();
    let models = inputs.models.iter().map(|m| (m.id, m.name.clone())).collect();
    Ok(Scorecard::of(&kpis, as_of, &initiatives, &models))
}

/// Synced and stored readings by day, a stored one winning its day.
fn merge(synced: Vec<KpiReading>, stored: Vec<KpiReading>) -> Vec<KpiReading> {
    if synced.is_empty() {
        return stored;
    }
    let mut by_day: std::collections::BTreeMap<NaiveDate, KpiReading> =
        synced.into_iter().map(|r| (r.date, r)).collect();
    by_day.extend(stored.into_iter().map(|r| (r.date, r)));
    by_day.into_values().collect()
}

/// A metric series' mean by UTC day: the daily rollups where the sync wrote them, otherwise the raw
/// samples averaged per day.
pub fn daily_means(conn: &Connection, series: i64, from_ts: i64, to_ts: i64) -> Result<Vec<(NaiveDate, f64)>> {
    let rollups = "SELECT bucket, sum / count FROM metric_rollups
                   WHERE series_id = ?1 AND grain = 'day' AND count > 0 AND bucket BETWEEN ?2 AND ?3 ORDER BY bucket";
    let samples = "SELECT (ts / 86400) * 86400 AS day, avg(value) FROM metric_samples
                   WHERE series_id = ?1 AND value IS NOT NULL AND ts BETWEEN ?2 AND ?3 GROUP BY day ORDER BY day";
    let mut out = Vec::new();
    for sql in [rollups, samples] {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([series, from_ts, to_ts], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)?)))?;
        for row in rows {
            let (ts, value) = row?;
            if let Some(day) = chrono::DateTime::from_timestamp(ts, 0).map(|t| t.date_naive())
                && value.is_finite()
            {
                out.push((day, value));
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    Ok(out)
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    text.parse::<NaiveDate>().map_err(|_| {
        crate::error::Error::Storage(format!("a KPI value has the date `{text}`, which is not YYYY-MM-DD"))
    })
}

pub(crate) fn epoch_seconds(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(low: Option<f64>, high: Option<f64>, amber_margin: Option<f64>) -> TargetBand {
        TargetBand { low, high, amber_margin }
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn reading(date: &str, value: f64) -> KpiReading {
        KpiReading { date: day(date), value, source: KpiSource::Typed }
    }

    #[test]
    fn a_floor_target_is_green_at_and_above_it_amber_within_five_percent_below_red_beyond() {
        // Deflection rate: at least 0.60; 5% of 0.60 is 0.03.
        let b = band(Some(0.60), None, None);
        assert_eq!(b.judge(0.60), KpiStatus::Green, "the target itself is met");
        assert_eq!(b.judge(0.95), KpiStatus::Green);
        assert_eq!(b.judge(0.575), KpiStatus::Amber);
        assert_eq!(b.judge(0.57), KpiStatus::Amber, "exactly the margin is amber");
        assert_eq!(b.judge(0.5699), KpiStatus::Red);
    }

    #[test]
    fn a_ceiling_target_is_judged_from_above() {
        // p95 latency: at most 200 ms; 5% is 10 ms.
        let b = band(None, Some(200.0), None);
        assert_eq!(b.judge(20.0), KpiStatus::Green);
        assert_eq!(b.judge(200.0), KpiStatus::Green);
        assert_eq!(b.judge(210.0), KpiStatus::Amber);
        assert_eq!(b.judge(210.5), KpiStatus::Red);
    }

    #[test]
    fn a_band_is_judged_on_the_side_it_is_left_and_a_set_margin_replaces_five_percent() {
        let b = band(Some(90.0), Some(110.0), Some(2.0));
        assert_eq!(b.judge(100.0), KpiStatus::Green);
        assert_eq!(b.judge(88.0), KpiStatus::Amber);
        assert_eq!(b.judge(87.9), KpiStatus::Red);
        assert_eq!(b.judge(112.0), KpiStatus::Amber);
        assert_eq!(b.judge(112.1), KpiStatus::Red);
        assert_eq!(band(Some(90.0), Some(110.0), Some(0.0)).judge(89.99), KpiStatus::Red, "a zero margin has no amber");
        assert_eq!(b.margins(), (Some(2.0), Some(2.0)));
        assert_eq!(band(Some(0.6), Some(200.0), None).margins(), (Some(0.03), Some(10.0)));
    }

    #[test]
    fn a_negative_target_takes_its_margin_from_its_size() {
        // Net margin at least −10: 5% of 10 is 0.5.
        let b = band(Some(-10.0), None, None);
        assert_eq!(b.judge(-10.5), KpiStatus::Amber);
        assert_eq!(b.judge(-10.6), KpiStatus::Red);
    }

    #[test]
    fn staleness_follows_the_cadence_and_wins_over_the_value() {
        let b = band(Some(0.6), None, None);
        let as_of = day("2026-12-03");
        let at = |date: &str, cadence| status(&b, cadence, Some(&reading(date, 0.9)), as_of);
        assert_eq!(at("2026-12-01", KpiCadence::Daily), KpiStatus::Green, "two days old is still fresh");
        assert_eq!(at("2026-11-30", KpiCadence::Daily), KpiStatus::Stale);
        assert_eq!(at("2026-11-23", KpiCadence::Weekly), KpiStatus::Green);
        assert_eq!(at("2026-11-22", KpiCadence::Weekly), KpiStatus::Stale);
        assert_eq!(at("2026-10-19", KpiCadence::Monthly), KpiStatus::Green);
        assert_eq!(at("2026-10-18", KpiCadence::Monthly), KpiStatus::Stale);
        assert_eq!(at("2026-08-05", KpiCadence::Quarterly), KpiStatus::Green);
        assert_eq!(at("2026-08-04", KpiCadence::Quarterly), KpiStatus::Stale);
        let red_but_old = status(&b, KpiCadence::Daily, Some(&reading("2026-11-01", 0.1)), as_of);
        assert_eq!(red_but_old, KpiStatus::Stale);
        assert_eq!(status(&b, KpiCadence::Daily, None, as_of), KpiStatus::NoData);
    }

    #[test]
    fn the_trend_reads_the_direction() {
        let rising = [reading("2026-11-01", 0.80), reading("2026-11-02", 0.85)];
        let falling = [reading("2026-11-01", 0.85), reading("2026-11-02", 0.80)];
        let flat = [reading("2026-11-01", 100.0), reading("2026-11-02", 100.9)];
        assert_eq!(trend(KpiDirection::HigherIsBetter, &rising), KpiTrend::Improving);
        assert_eq!(trend(KpiDirection::LowerIsBetter, &rising), KpiTrend::Worsening);
        assert_eq!(trend(KpiDirection::HigherIsBetter, &falling), KpiTrend::Worsening);
        assert_eq!(trend(KpiDirection::LowerIsBetter, &falling), KpiTrend::Improving);
        assert_eq!(trend(KpiDirection::LowerIsBetter, &flat), KpiTrend::Steady);
        assert_eq!(trend(KpiDirection::LowerIsBetter, &flat[..1]), KpiTrend::Unknown);
    }

    #[test]
    fn a_stored_value_wins_its_day_over_a_synced_one() {
        let synced = vec![
            KpiReading { source: KpiSource::Synced, ..reading("2026-11-01", 1.0) },
            KpiReading { source: KpiSource::Synced, ..reading("2026-11-02", 2.0) },
        ];
        let merged = merge(synced, vec![reading("2026-11-02", 5.0), reading("2026-11-03", 6.0)]);
        let values: Vec<(f64, KpiSource)> = merged.iter().map(|r| (r.value, r.source)).collect();
        assert_eq!(values, [(1.0, KpiSource::Synced), (5.0, KpiSource::Typed), (6.0, KpiSource::Typed)]);
    }
}
