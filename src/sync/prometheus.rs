//! Prometheus sync (also Thanos, Mimir, VictoriaMetrics — anything serving `/api/v1/query_range`):
//! each metric binding of the connection is read from its sync cursor on and stored as points
//! with hourly and daily rollups.
//!
//! # What is asked for
//! - From the binding's last synced point (inclusive, so a point that was still moving is read
//!   again) or, on the first sync, from [`SyncOptions::lookback_days`] ago; up to now.
//! - At the binding's step (`step_seconds`, 60 s unless bound otherwise), with the start put on
//!   the step's grid (a multiple of the step since the epoch): every sync then asks for the same
//!   timestamps, so points line up and a re-sync compares like with like.
//! - In requests of at most [`MAX_POINTS_PER_REQUEST`] points: Prometheus refuses a range of more
//!   than 11,000 points per series (HTTP 400 `bad_data`). [`plan_requests`] is the pure planner.
//!
//! # What the answer may hold
//! A binding reads one series. An empty answer (no data in the range) writes nothing. An answer
//! with several label sets is refused for that binding, naming the label sets: whether to add
//! them up (`sum` of request rates), take the worst (`max` of latencies) or average them is a
//! question of meaning that only the person binding the metric can answer, so they aggregate in
//! PromQL. Values and gaps: see [`super::query_range`].
//!
//! # Writing
//! Each request's points are written in one transaction, together with the rollups of the hours
//! and days they touch and the binding's cursor ([`super::samples`]); a crash between two requests
//! leaves the cursor where the data is. A failing binding does not stop the others: the run
//! carries on and fails at the end, naming each binding that failed.

use chrono::Utc;
use rusqlite::{OptionalExtension, params};

use super::bindings::{self, BindingView};
use super::query_range::{RangeAnswer, RangeSeries};
use super::{Progress, SyncContext, SyncCounts, SyncOptions, samples, with_store};
use crate::domain::MetricSample;
use crate::error::{Error, Result};

/// The most points Prometheus returns for one series of one range query.
pub const MAX_POINTS_PER_REQUEST: i64 = 11_000;

/// One `query_range` request: points at `start`, `start + step`, ..., up to `end` (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeRequest {
    pub start: i64,
    pub end: i64,
    pub step: i64,
}

impl RangeRequest {
    pub fn points(&self) -> i64 {
        (self.end - self.start) / self.step + 1
    }
}

/// The requests that bring a series with `step` up to `now`, starting at `synced_until` (or
/// `lookback_seconds` before now), each of at most [`MAX_POINTS_PER_REQUEST`] points.
pub fn plan_requests(step: i64, synced_until: Option<i64>, now: i64, lookback_seconds: i64) -> Vec<RangeRequest> {
    let step = step.max(1);
    let from = synced_until.unwrap_or(now - lookback_seconds);
    let start = from.div_euclid(step) * step + if from.rem_euclid(step) == 0 { 0 } else { step };
    let end = now.div_euclid(step) * step;
    let mut requests = Vec::new();
    let mut chunk_start = start;
    while chunk_start <= end {
        let chunk_end = end.min(chunk_start + (MAX_POINTS_PER_REQUEST - 1) * step);
        requests.push(RangeRequest { start: chunk_start, end: chunk_end, step });
        chunk_start = chunk_end + step;
    }
    requests
}

/// Syncs every metric binding of the connection.
pub async fn run(ctx: &SyncContext, options: &SyncOptions, progress: &Progress) -> Result<SyncCounts> {
    let connection_id = ctx.connection_id.0;
    let bindings = with_store(&ctx.db_path, move |s| bindings::for_connection(s.conn(), connection_id)).await?;
    let now = Utc::now().timestamp();
    let mut counts = SyncCounts::default();
    let mut failures = Vec::new();
    for binding in &bindings {
        if ctx.cancel.is_cancelled() {
            break;
        }
        match sync_binding(ctx, binding, now, options, progress).await {
            Ok(done) => {
                counts.fetched += done.fetched;
                counts.written += done.written;
            }
            Err(e) => failures.push((format!("{} / {}", binding.model, binding.binding.series.key), e)),
        }
    }
    match failures_in_one(failures, bindings.len()) {
        None => Ok(counts),
        Some(error) => Err(error),
    }
}

/// One error for the bindings that failed: the error itself when every binding failed the same
/// way (the server is down, the token refused: saying it once per metric would bury it), else one
/// line per failed binding. The error keeps its kind (network, auth, ...) when all share it.
fn failures_in_one(failures: Vec<(String, Error)>, bindings: usize) -> Option<Error> {
    let (_, first) = failures.first()?;
    let code = first.code();
    let same_code = failures.iter().all(|(_, e)| e.code() == code);
    if failures.len() == bindings && same_code && failures.iter().all(|(_, e)| e.to_string() == first.to_string()) {
        return failures.into_iter().next().map(|(_, e)| e);
    }
    let lines: Vec<String> = failures.iter().map(|(binding, e)| format!("{binding}: {e}")).collect();
    let message = format!("{} of {bindings} metric bindings failed to sync:\n{}", failures.len(), lines.join("\n"));
    Some(if same_code { Error::with_code(code, message) } else { Error::Network(message) })
}

async fn sync_binding(
    ctx: &SyncContext,
    binding: &BindingView,
    now: i64,
    options: &SyncOptions,
    progress: &Progress,
) -> Result<SyncCounts> {
    let step = i64::from(binding.binding.step_seconds);
    let lookback = i64::from(options.lookback_days) * 86_400;
    let mut counts = SyncCounts::default();
    for request in plan_requests(step, binding.synced_until, now, lookback) {
        let answer = tokio::select! {
            () = ctx.cancel.cancelled() => return Ok(counts),
            answer = fetch(ctx, &binding.binding.series.query, request) => answer?,
        };
        let points = single_series(answer, binding)?;
        let fetched = points.len() as i64;
        let written = write_batch(ctx, binding, points).await? as i64;
        counts.fetched += fetched;
        counts.written += written;
        progress.batch(fetched, written, format!("{} / {}", binding.model, binding.binding.series.key));
    }
    Ok(counts)
}

/// Asks for one range; the answer is parsed as it is decoded ([`RangeAnswer`]).
pub async fn fetch(ctx: &SyncContext, query: &str, request: RangeRequest) -> Result<RangeAnswer> {
    ctx.client
        .get_json::<RangeAnswer>(
            "api/v1/query_range",
            &[
                ("query", query.to_owned()),
                ("start", request.start.to_string()),
                ("end", request.end.to_string()),
                ("step", request.step.to_string()),
            ],
        )
        .await
}

/// The points of the one series a binding reads (see the module docs for the rule).
pub fn single_series(answer: RangeAnswer, binding: &BindingView) -> Result<Vec<MetricSample>> {
    let mut series = answer.series;
    match series.len() {
        0 => Ok(Vec::new()),
        1 => Ok(series.pop().map(|s| s.samples).unwrap_or_default()),
        n => {
            let shown: Vec<String> = series.iter().take(3).map(RangeSeries::label_text).collect();
            Err(Error::Validation(format!(
                "the query returned {n} series ({}{}); a binding reads one. Aggregate in the query — sum(...) \
                 to add them up, max(...) for the worst, avg(...) for the mean — and bind it again with \
                 `metric bind {} {} --query ...`",
                shown.join(", "),
                if n > 3 { ", …" } else { "" },
                binding.model,
                binding.binding.series.key
            )))
        }
    }
}

/// Writes one batch of a binding's points, its rollups and its cursor in one transaction. A
/// binding changed or removed since the sync read it is left alone (its new query's data will
/// come with the next sync).
async fn write_batch(ctx: &SyncContext, binding: &BindingView, points: Vec<MetricSample>) -> Result<usize> {
    let Some(last) = points.last().map(|p| p.ts) else { return Ok(0) };
    let (series_id, query, step) = (binding.id, binding.binding.series.query.clone(), binding.binding.step_seconds);
    with_store(&ctx.db_path, move |store| {
        store.in_transaction(|tx, _| {
            let current: Option<(String, u32)> = tx
                .query_row("SELECT query, step_seconds FROM metric_series WHERE id = ?1", [series_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            if current != Some((query, step)) {
                return Ok(0);
            }
            let written = samples::store_points(tx, series_id, &points)?;
            tx.execute(
                "UPDATE metric_series SET synced_until = max(coalesce(synced_until, ?2), ?2) WHERE id = ?1",
                params![series_id, last],
            )?;
            Ok(written)
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    const DAY: i64 = 86_400;

    #[test]
    fn one_failure_shared_by_every_binding_is_said_once_with_its_kind() {
        let down = || Error::Network("cannot connect to http://10.0.0.1:9090/api/v1/query_range".into());
        let refused = || Error::Auth("the server refused the credentials (HTTP 401)".into());
        assert!(failures_in_one(vec![], 2).is_none());

        let all_down = failures_in_one(vec![("m / a".into(), down()), ("m / b".into(), down())], 2).unwrap();
        assert_eq!(all_down.to_string(), down().to_string(), "said once, as it came");
        let all_refused = failures_in_one(vec![("m / a".into(), refused()), ("m / b".into(), refused())], 2).unwrap();
        assert_eq!(all_refused.code(), ErrorCode::Auth, "a refused token is no network failure");

        let some = failures_in_one(vec![("m / a".into(), down())], 2).unwrap();
        assert_eq!(some.to_string(), format!("1 of 2 metric bindings failed to sync:\nm / a: {}", down()));
        let mixed = failures_in_one(vec![("m / a".into(), down()), ("m / b".into(), refused())], 2).unwrap();
        assert_eq!(mixed.code(), ErrorCode::Network);
        assert!(mixed.to_string().starts_with("2 of 2 metric bindings failed to sync:\nm / a: cannot connect"));
        assert!(mixed.to_string().ends_with("m / b: the server refused the credentials (HTTP 401)"));
    }

    #[test]
    fn requests_cover_the_range_on_the_step_grid_in_chunks_under_the_limit() {
        // (what, step, cursor, now, lookback, requests)
        type Case = (&'static str, i64, Option<i64>, i64, i64, Vec<RangeRequest>);
        let cases: Vec<Case> = vec![
            (
                "first sync, one chunk",
                60,
                None,
                6_000,
                3_000,
                vec![RangeRequest { start: 3_000, end: 6_000, step: 60 }],
            ),
            (
                "the start goes up to the grid, the end down",
                60,
                Some(3_001),
                6_059,
                0,
                vec![RangeRequest { start: 3_060, end: 6_000, step: 60 }],
            ),
            (
                "from the last synced point, inclusive",
                60,
                Some(6_000),
                6_000,
                0,
                vec![RangeRequest { start: 6_000, end: 6_000, step: 60 }],
            ),
            ("a window shorter than a step, off the grid", 60, None, 6_100, 30, vec![]),
            (
                "exactly 11,000 points is one request",
                1,
                Some(0),
                10_999,
                0,
                vec![RangeRequest { start: 0, end: 10_999, step: 1 }],
            ),
            (
                "11,001 points are two",
                1,
                Some(0),
                11_000,
                0,
                vec![
                    RangeRequest { start: 0, end: 10_999, step: 1 },
                    RangeRequest { start: 11_000, end: 11_000, step: 1 },
                ],
            ),
            (
                "negative times round like positive ones",
                60,
                Some(-90),
                0,
                0,
                vec![RangeRequest { start: -60, end: 0, step: 60 }],
            ),
        ];
        for (name, step, cursor, now, lookback, expected) in cases {
            assert_eq!(plan_requests(step, cursor, now, lookback), expected, "{name}");
        }
    }

    #[test]
    fn thirty_days_at_fifteen_seconds_are_split_without_gaps_or_overlaps() {
        let now = 1_779_999_990; // on the 15 s grid
        let requests = plan_requests(15, None, now, 30 * DAY);
        let total: i64 = requests.iter().map(RangeRequest::points).sum();
        assert_eq!(total, (30 * DAY) / 15 + 1);
        assert!(requests.iter().all(|r| r.points() <= MAX_POINTS_PER_REQUEST));
        for pair in requests.windows(2) {
            assert_eq!(pair[1].start, pair[0].end + 15, "chunks follow each other on the grid");
        }
        assert_eq!(requests.last().map(|r| r.end), Some(now));
        let off_grid = plan_requests(15, None, now + 7, 30 * DAY);
        assert_eq!(off_grid.first().map(|r| r.start), Some(now - 30 * DAY + 15), "the start rounds up to the grid");
        assert_eq!(off_grid.last().map(|r| r.end), Some(now), "the end rounds down");
    }

    #[test]
    fn several_series_are_refused_naming_their_labels() {
        let series = |pod: &str| RangeSeries { labels: vec![("pod".into(), pod.into())], samples: vec![] };
        let binding = BindingView {
            id: 1,
            model: "fraud-gbm".into(),
            connection: None,
            binding: crate::domain::MetricBinding {
                series: crate::domain::MetricSeries {
                    model_id: crate::domain::ModelId(1),
                    connection_id: None,
                    key: "latency_p95_ms".into(),
                    unit: "ms".into(),
                    query: "q".into(),
                },
                step_seconds: 60,
                threshold: None,
            },
            synced_until: None,
        };
        let answer = RangeAnswer { series: vec![series("a"), series("b"), series("c"), series("d")] };
        let message = single_series(answer, &binding).unwrap_err().to_string();
        assert!(message.contains(r#"4 series ({pod="a"}, {pod="b"}, {pod="c"}, …)"#), "{message}");
        assert!(message.contains("metric bind fraud-gbm latency_p95_ms"), "{message}");
        assert_eq!(single_series(RangeAnswer::default(), &binding).unwrap(), vec![]);
    }
}
