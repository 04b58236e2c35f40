//! Live model metrics and the sync runs that bring them in. These are written by the sync engine,
//! not edited by hand, so they are not [`super::Entity`] kinds.

use serde::{Deserialize, Serialize};

use super::{ConnectionId, DomainError, ModelId, word_enum};

/// One metric of one model, e.g. the p95 latency of `fraud-gbm`, read by a PromQL query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MetricSeries {
    pub model_id: ModelId,
    #[serde(default)]
    pub connection_id: Option<ConnectionId>,
    /// What is measured: `latency_p95_ms`, `requests_per_s`, `error_rate`, `drift_score`, ...
    pub key: String,
    pub unit: String,
    /// How the value is fetched (PromQL for Prometheus connections).
    #[serde(default)]
    pub query: String,
}

impl MetricSeries {
    pub fn validate(&self) -> Result<(), DomainError> {
        let key_ok =
            !self.key.is_empty() && self.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            return Err(DomainError::invalid(
                "key",
                format!("`{}` must be lowercase letters, digits and underscores, like latency_p95_ms", self.key),
            ));
        }
        Ok(())
    }
}

word_enum!(
    /// Which side of a threshold is bad: `above` for latency and error rates, `below` for accuracy
    /// and throughput.
    BadWhen, "bad_when" {
    Above => "above",
    Below => "below",
});

/// The line a metric should stay on the good side of.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Threshold {
    pub value: f64,
    pub bad_when: BadWhen,
}

impl Threshold {
    /// Whether `value` is on the bad side (equal to the threshold is still good). Infinities
    /// compare as numbers: +Inf latency is above any threshold.
    pub fn is_bad(&self, value: f64) -> bool {
        match self.bad_when {
            BadWhen::Above => value > self.value,
            BadWhen::Below => value < self.value,
        }
    }
}

/// A metric series as the sync engine reads it: the series, how finely it is sampled, and the
/// threshold it is judged against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MetricBinding {
    #[serde(flatten)]
    pub series: MetricSeries,
    /// Seconds between two points of the series (the `step` of Prometheus' `query_range`).
    pub step_seconds: u32,
    #[serde(default)]
    pub threshold: Option<Threshold>,
}

impl MetricBinding {
    /// The longest step: one point a day.
    pub const MAX_STEP_SECONDS: u32 = 86_400;

    pub fn validate(&self) -> Result<(), DomainError> {
        self.series.validate()?;
        if self.series.query.trim().is_empty() {
            return Err(DomainError::invalid("query", "must not be empty; give the PromQL that reads the metric"));
        }
        if !(1..=Self::MAX_STEP_SECONDS).contains(&self.step_seconds) {
            return Err(DomainError::invalid("step", format!("{} s is not from 1 s to 1 day", self.step_seconds)));
        }
        if let Some(t) = self.threshold
            && !t.value.is_finite()
        {
            return Err(DomainError::invalid("threshold", "must be a finite number"));
        }
        Ok(())
    }
}

/// One measurement: seconds since the Unix epoch (UTC) and the value. `None` is a gap the source
/// reported as NaN; infinities are kept as the source gave them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MetricSample {
    pub ts: i64,
    pub value: Option<f64>,
}

word_enum!(
    /// The bucket size of a rollup.
    RollupGrain, "grain" {
    Hour => "hour",
    Day => "day",
});

impl RollupGrain {
    pub fn seconds(self) -> i64 {
        match self {
            RollupGrain::Hour => 3_600,
            RollupGrain::Day => 86_400,
        }
    }

    /// The start of the bucket that holds `ts`.
    pub fn bucket_of(self, ts: i64) -> i64 {
        ts.div_euclid(self.seconds()) * self.seconds()
    }
}

/// Count, sum, minimum, maximum and last value of the samples in one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MetricRollup {
    pub grain: RollupGrain,
    /// Start of the bucket, seconds since the Unix epoch.
    pub bucket: i64,
    pub count: i64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub last: f64,
}

impl MetricRollup {
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
}

word_enum!(
    /// How a sync run ended.
    SyncStatus, "status" {
    Running => "running",
    Succeeded => "succeeded",
    Failed => "failed",
    Cancelled => "cancelled",
});

/// One run of a connection's sync: when, how it ended, how much it fetched and wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncRun {
    pub connection_id: ConnectionId,
    /// RFC 3339 UTC.
    pub started_at: String,
    #[serde(default)]
    pub finished_at: Option<String>,
    pub status: SyncStatus,
    pub fetched: i64,
    pub written: i64,
    #[serde(default)]
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_start_on_the_hour_and_the_utc_day() {
        // 2026-03-01T10:59:59Z
        let ts = 1_772_362_799;
        assert_eq!(RollupGrain::Hour.bucket_of(ts), 1_772_359_200);
        assert_eq!(RollupGrain::Day.bucket_of(ts), 1_772_323_200);
        assert_eq!(RollupGrain::Hour.bucket_of(-1), -3_600, "before the epoch rounds down");
    }

    #[test]
    fn series_keys_are_identifiers() {
        let mut s = MetricSeries {
            model_id: ModelId(1),
            connection_id: None,
            key: "latency_p95_ms".into(),
            unit: "ms".into(),
            query: String::new(),
        };
        assert!(s.validate().is_ok());
        s.key = "Latency p95".into();
        assert_eq!(s.validate().unwrap_err().field, "key");
    }
}
