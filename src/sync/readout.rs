//! What a model's live metrics say: for each binding, the latest value against its threshold, how
//! old that value is, how its connection's last sync went, and its recent rollups. This reads only
//! the portfolio, so it answers offline on the last synced data and says how old that is.
//!
//! The latest value is the newest point that is not a gap (an infinity counts: it is a value).
//! Rollups come hourly when the window is two days or less, daily otherwise.
//!
//! Data is **stale** when the latest value is older than twice what the sync schedule allows: the
//! connection's interval plus the metric's step (a point is at most one step behind the sync that
//! fetched it). A 1-minute metric on a 15-minute connection is stale after 32 minutes. Run metrics
//! from MLflow are never stale by age: they are as old as the run that logged them, and the last
//! sync says whether they are current. The UI and the CLI read `stale`, never their own rule.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize, Serializer};

use super::bindings::{self, BindingView};
use super::engine::{self, SyncRunReport};
use super::samples::read_rollups;
use crate::domain::{ConnectionKind, MetricRollup, RollupGrain, SyncStatus, Threshold};
use crate::error::{Error, Result};

/// A metric value as the UI gets it: a number, or `"+Inf"` / `"-Inf"` (JSON has no infinities).
#[derive(Debug, Clone, Copy, PartialEq, ts_rs::TS)]
#[ts(export, type = "number | \"+Inf\" | \"-Inf\"")]
pub struct SampleValue(pub f64);

impl Serialize for SampleValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            v if v == f64::INFINITY => s.serialize_str("+Inf"),
            v if v == f64::NEG_INFINITY => s.serialize_str("-Inf"),
            v => s.serialize_f64(v),
        }
    }
}

impl<'de> Deserialize<'de> for SampleValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SampleValue, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(v) => Ok(SampleValue(v)),
            Raw::Text(t) => super::query_range::parse_value(&t)
                .flatten()
                .map(SampleValue)
                .ok_or_else(|| serde::de::Error::custom(format!("`{t}` is not a metric value"))),
        }
    }
}

impl std::fmt::Display for SampleValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            v if v == f64::INFINITY => f.write_str("+Inf"),
            v if v == f64::NEG_INFINITY => f.write_str("-Inf"),
            v => write!(f, "{}", (v * 1e6).round() / 1e6),
        }
    }
}

/// The newest point that is not a gap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct LatestValue {
    /// Seconds since the epoch.
    pub ts: i64,
    pub value: SampleValue,
}

/// Where the latest value stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MetricState {
    /// On the good side of the threshold (or on it).
    Ok,
    /// On the bad side.
    Bad,
    /// There is a value but no threshold to judge it by.
    NoThreshold,
    /// Nothing synced yet.
    NoData,
}

/// One bound metric of a model, now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MetricReadout {
    pub key: String,
    pub unit: String,
    pub query: String,
    #[serde(default)]
    pub threshold: Option<Threshold>,
    #[serde(default)]
    pub latest: Option<LatestValue>,
    pub state: MetricState,
    /// Seconds from the latest value to now.
    #[serde(default)]
    pub age_seconds: Option<i64>,
    /// Older than this many seconds, the latest value is stale (see the module docs); `None` for
    /// metrics with no schedule to judge by (MLflow run metrics, or no connection).
    #[serde(default)]
    pub stale_after_seconds: Option<i64>,
    /// Whether the latest value is older than `stale_after_seconds`.
    #[serde(default)]
    pub stale: bool,
    /// The last sync of the metric's connection.
    #[serde(default)]
    pub last_sync: Option<SyncRunReport>,
    /// When that sync failed, what its error says about this metric: the line naming it (a run
    /// lists each binding that failed), else the error's first line.
    #[serde(default)]
    pub sync_error: Option<String>,
    pub rollups: Vec<MetricRollup>,
}

/// A model's metrics, now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelMetrics {
    pub model: String,
    /// The instant "now" was, seconds since the epoch.
    pub now: i64,
    /// The start of the rollup window, seconds since the epoch.
    pub since: i64,
    pub metrics: Vec<MetricReadout>,
}

/// The readout of `model`'s bindings (only `key`, if given), with rollups from `since` to `now`.
pub fn model_metrics(conn: &Connection, model: &str, key: Option<&str>, since: i64, now: i64) -> Result<ModelMetrics> {
    let mut bound = bindings::list(conn, Some(model))?;
    let name = match bound.first() {
        Some(b) => b.model.clone(),
        None => {
            let id = crate::store::records::resolve(conn, crate::domain::EntityKind::Model, model)?;
            conn.query_row("SELECT name FROM models WHERE id = ?1", [id], |r| r.get(0))?
        }
    };
    if let Some(key) = key {
        bound.retain(|b| b.binding.series.key == key.trim());
        if bound.is_empty() {
            return Err(Error::NotFound(format!(
                "model `{name}` has no metric `{key}`; `metric list {name}` shows its bindings"
            )));
        }
    }
    let grain = grain_of_window(since, now);
    let metrics = bound.into_iter().map(|b| readout(conn, b, grain, since, now)).collect::<Result<Vec<_>>>()?;
    Ok(ModelMetrics { model: name, now, since, metrics })
}

/// The rollups a window shows: hourly up to two days, daily beyond.
pub fn grain_of_window(since: i64, now: i64) -> RollupGrain {
    if now - since <= 2 * 86_400 { RollupGrain::Hour } else { RollupGrain::Day }
}

fn readout(conn: &Connection, b: BindingView, grain: RollupGrain, since: i64, now: i64) -> Result<MetricReadout> {
    let latest: Option<LatestValue> = conn
        .query_row(
            "SELECT ts, value FROM metric_samples WHERE series_id = ?1 AND value IS NOT NULL ORDER BY ts DESC LIMIT 1",
            [b.id],
            |r| Ok(LatestValue { ts: r.get(0)?, value: SampleValue(r.get(1)?) }),
        )
        .optional()?;
    let threshold = b.binding.threshold;
    let state = match (latest, threshold) {
        (None, _) => MetricState::NoData,
        (Some(_), None) => MetricState::NoThreshold,
        (Some(l), Some(t)) if t.is_bad(l.value.0) => MetricState::Bad,
        (Some(_), Some(_)) => MetricState::Ok,
    };
    let last_sync = match b.binding.series.connection_id {
        Some(id) => engine::recent_runs(conn, Some(id), 1)?.pop(),
        None => None,
    };
    let sync_error = last_sync.as_ref().and_then(|run| sync_error_of(run, &b.model, &b.binding.series.key));
    let stale_after_seconds = stale_after(conn, &b)?;
    let age_seconds = latest.map(|l| (now - l.ts).max(0));
    let first_bucket = grain.bucket_of(since);
    Ok(MetricReadout {
        rollups: read_rollups(conn, b.id, grain, first_bucket, now + 1)?,
        key: b.binding.series.key,
        unit: b.binding.series.unit,
        query: b.binding.series.query,
        threshold,
        age_seconds,
        stale_after_seconds,
        stale: matches!((age_seconds, stale_after_seconds), (Some(age), Some(limit)) if age > limit),
        latest,
        state,
        last_sync,
        sync_error,
    })
}

/// The part of a failed run's error that concerns `model / key`.
fn sync_error_of(run: &SyncRunReport, model: &str, key: &str) -> Option<String> {
    if run.status != SyncStatus::Failed {
        return None;
    }
    let error = run.error.as_deref().unwrap_or("the sync failed without saying why").trim();
    let ours = format!("{model} / {key}: ");
    let line =
        error.lines().find_map(|line| line.strip_prefix(&ours)).or_else(|| error.lines().next()).unwrap_or(error);
    Some(line.trim().trim_end_matches(':').to_owned())
}

/// Twice the connection's interval plus the metric's step, for series a schedule keeps current.
fn stale_after(conn: &Connection, b: &BindingView) -> Result<Option<i64>> {
    let Some(connection) = b.binding.series.connection_id else { return Ok(None) };
    let schedule: Option<(String, i64)> = conn
        .query_row("SELECT kind, interval_minutes FROM connections WHERE id = ?1", [connection.0], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(match schedule {
        Some((kind, _)) if kind.parse::<ConnectionKind>().is_ok_and(|k| k == ConnectionKind::Mlflow) => None,
        Some((_, interval_minutes)) => Some(2 * (interval_minutes * 60 + i64::from(b.binding.step_seconds))),
        None => None,
    })
}

/// Parses a window start for `--since`: `90m`, `36h`, `7d` before `now`, or a UTC date
/// `2026-03-01`.
pub fn parse_since(text: &str, now: i64) -> Result<i64> {
    let t = text.trim();
    let relative = |unit: i64, digits: &str| digits.parse::<i64>().ok().filter(|n| *n > 0).map(|n| now - n * unit);
    let parsed = match t.char_indices().last() {
        Some((i, 'm')) => relative(60, &t[..i]),
        Some((i, 'h')) => relative(3_600, &t[..i]),
        Some((i, 'd')) => relative(86_400, &t[..i]),
        _ => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp()),
    };
    parsed.ok_or_else(|| {
        Error::Validation(format!("since: `{t}` is not a window; write 90m, 36h, 7d or a date such as 2026-03-01"))
    })
}

/// "4 min", "3 h", "2 days": an age as a person reads it.
pub fn age_text(seconds: i64) -> String {
    match seconds {
        s if s < 90 => format!("{s} s"),
        s if s < 90 * 60 => format!("{} min", (s + 30) / 60),
        s if s < 36 * 3_600 => format!("{} h", (s + 1_800) / 3_600),
        s => format!("{} days", (s + 43_200) / 86_400),
    }
}

/// Why a bound metric needs a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum BreachKind {
    /// Its latest value is on the bad side of its threshold.
    Breaching,
    /// Its latest value is older than the sync schedule allows.
    Stale,
}

impl BreachKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BreachKind::Breaching => "breaching",
            BreachKind::Stale => "stale",
        }
    }
}

/// One bound metric that is outside its threshold or stale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Breach {
    pub kind: BreachKind,
    pub model_id: crate::domain::ModelId,
    pub model: String,
    pub key: String,
    pub unit: String,
    pub latest: Option<LatestValue>,
    pub threshold: Option<Threshold>,
    /// When it became so (seconds since the epoch): the first bad point after the last good one,
    /// or when the latest value went stale.
    pub since: i64,
    /// How long it has been so, in seconds.
    pub for_seconds: i64,
    /// How long, in words: `32 min`, `3 h`, `2 days`.
    pub for_words: String,
    /// The last sync's error about it, if that sync failed.
    #[serde(default)]
    pub sync_error: Option<String>,
}

/// The bound metrics across the portfolio that need a look, and how many are bound in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Breaches {
    pub bound_metrics: u32,
    /// Breaching first, then the longest-standing first.
    pub breaches: Vec<Breach>,
}

/// Every bound metric across the portfolio that is breaching its threshold or stale at `now`.
pub fn breach_report(conn: &Connection, now: i64) -> Result<Breaches> {
    let bound_metrics = conn.query_row("SELECT count(*) FROM metric_series", [], |r| r.get(0))?;
    Ok(Breaches { bound_metrics, breaches: breaches(conn, now)? })
}

/// Every bound metric across the portfolio that is breaching its threshold or stale at `now`,
/// breaching first, then the longest-standing first.
pub fn breaches(conn: &Connection, now: i64) -> Result<Vec<Breach>> {
    let mut out = Vec::new();
    for b in bindings::list(conn, None)? {
        let series = b.id;
        let model_id = b.binding.series.model_id;
        let (model, key) = (b.model.clone(), b.binding.series.key.clone());
        let r = readout(conn, b, RollupGrain::Hour, now, now)?;
        let mut push = |kind: BreachKind, since: i64| {
            let for_seconds = (now - since).max(0);
            out.push(Breach {
                kind,
                model_id,
                model: model.clone(),
                key: key.clone(),
                unit: r.unit.clone(),
                latest: r.latest,
                threshold: r.threshold,
                since,
                for_seconds,
                for_words: age_text(for_seconds),
                sync_error: r.sync_error.clone(),
            });
        };
        if let (MetricState::Bad, Some(latest), Some(threshold)) = (r.state, r.latest, r.threshold) {
            // The newest good point; the breach began with the first point after it.
            let good = match threshold.bad_when {
                crate::domain::BadWhen::Above => "value <= ?2",
                crate::domain::BadWhen::Below => "value >= ?2",
            };
            let last_good: Option<i64> = conn.query_row(
                &format!("SELECT max(ts) FROM metric_samples WHERE series_id = ?1 AND value IS NOT NULL AND {good}"),
                rusqlite::params![series, threshold.value],
                |row| row.get(0),
            )?;
            let since: Option<i64> = conn.query_row(
                "SELECT min(ts) FROM metric_samples WHERE series_id = ?1 AND value IS NOT NULL AND ts > ?2",
                rusqlite::params![series, last_good.unwrap_or(i64::MIN)],
                |row| row.get(0),
            )?;
            push(BreachKind::Breaching, since.unwrap_or(latest.ts));
        }
        if let (true, Some(latest), Some(limit)) = (r.stale, r.latest, r.stale_after_seconds) {
            push(BreachKind::Stale, latest.ts + limit);
        }
    }
    out.sort_by(|a, b| a.kind.cmp(&b.kind).then(b.for_seconds.cmp(&a.for_seconds)).then(a.model.cmp(&b.model)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infinities_cross_json_as_words() {
        let json =
            serde_json::to_string(&[SampleValue(1.5), SampleValue(f64::INFINITY), SampleValue(f64::NEG_INFINITY)])
                .unwrap();
        assert_eq!(json, r#"[1.5,"+Inf","-Inf"]"#);
        let back: Vec<SampleValue> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vec![SampleValue(1.5), SampleValue(f64::INFINITY), SampleValue(f64::NEG_INFINITY)]);
    }

    #[test]
    fn windows_are_relative_or_dates() {
        let now = 1_772_409_600; // 2026-03-02T00:00:00Z
        assert_eq!(parse_since("90m", now).unwrap(), now - 5_400);
        assert_eq!(parse_since("36h", now).unwrap(), now - 129_600);
        assert_eq!(parse_since("7d", now).unwrap(), now - 604_800);
        assert_eq!(parse_since("2026-03-01", now).unwrap(), now - 86_400);
        for bad in ["", "7", "0d", "-3d", "yesterday", "2026-13-01"] {
            assert!(parse_since(bad, now).unwrap_err().to_string().contains("7d"), "{bad}");
        }
    }

    #[test]
    fn a_failed_run_says_what_went_wrong_for_each_metric() {
        let run = |status: SyncStatus, error: Option<&str>| SyncRunReport {
            run_id: 1,
            connection_id: crate::domain::ConnectionId(1),
            connection: "prom".into(),
            kind: ConnectionKind::Prometheus,
            status,
            fetched: 0,
            written: 0,
            error: error.map(str::to_owned),
            error_code: error.map(|_| crate::error::ErrorCode::Network),
            started_at: "2026-11-02T11:50:00Z".into(),
            finished_at: None,
        };
        let several = "2 of 3 metric bindings failed to sync:\nm / a: the query returned 2 series\nm / b: HTTP 503";
        let failed = run(SyncStatus::Failed, Some(several));
        assert_eq!(sync_error_of(&failed, "m", "b").as_deref(), Some("HTTP 503"));
        assert_eq!(sync_error_of(&failed, "m", "a").as_deref(), Some("the query returned 2 series"));
        assert_eq!(sync_error_of(&failed, "m", "c").as_deref(), Some("2 of 3 metric bindings failed to sync"));
        let whole = run(SyncStatus::Failed, Some("cannot connect to http://127.0.0.1:1"));
        assert_eq!(sync_error_of(&whole, "m", "a").as_deref(), Some("cannot connect to http://127.0.0.1:1"));
        assert_eq!(sync_error_of(&run(SyncStatus::Succeeded, None), "m", "a"), None);
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age_text(42), "42 s");
        assert_eq!(age_text(4 * 60), "4 min");
        assert_eq!(age_text(3 * 3_600), "3 h");
        assert_eq!(age_text(2 * 86_400), "2 days");
    }
}
