//! Prometheus and OpenCost sync against a real Prometheus holding a known history
//! ([`super::prometheus_server`]).

use std::collections::BTreeMap;

use mlops_portfolio::api::metrics::{self as api, CostMapRequest};
use mlops_portfolio::api::records;
use mlops_portfolio::domain::{EntityKind, SyncStatus};
use mlops_portfolio::store::Store;
use mlops_portfolio::sync::bindings::BindRequest;
use mlops_portfolio::sync::engine::SyncRunReport;
use mlops_portfolio::sync::{SyncOptions, SyncProgress};
use rusqlite::params;
use serde_json::{Value, json};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use super::cli::{fails, json as cli_json, ok};
use super::prometheus_server::{
    FRAUD_INF_AT, FRAUD_NAN_AT, FRAUD_POINTS, KnownHistory, PrometheusServer, known_history,
};
use super::{TempDb, temp_db};

const DAY: i64 = 86_400;

fn create(store: &mut Store, kind: EntityKind, fields: Value) -> i64 {
    records::create(store, kind, fields.as_object().cloned().unwrap_or_default()).expect("the record is created").id
}

/// A portfolio with an initiative, the two models of the history and a connection to `url`.
fn portfolio(url: &str, kind: &str) -> TempDb {
    let db = temp_db();
    let mut store = db.open();
    let initiative = create(
        &mut store,
        EntityKind::Initiative,
        json!({"name": "Fraud detection", "status": "active", "priority": 1, "start": "2025-01"}),
    );
    create(
        &mut store,
        EntityKind::Model,
        json!({"name": "fraud-gbm", "stage": "staging", "risk_tier": "high", "initiative_id": initiative}),
    );
    create(&mut store, EntityKind::Model, json!({"name": "churn-xgb", "stage": "staging", "risk_tier": "low"}));
    create(
        &mut store,
        EntityKind::Connection,
        json!({"name": "cluster", "kind": kind, "base_url": url, "auth": "none", "interval_minutes": 15}),
    );
    db
}

fn bind(store: &mut Store, model: &str, key: &str, query: &str, step: u32) {
    let request = BindRequest {
        model: model.into(),
        key: Some(key.into()),
        query: Some(query.into()),
        unit: Some("ms".into()),
        step_seconds: Some(step),
        ..BindRequest::default()
    };
    api::bind_metric(store, &request).expect("the metric is bound");
}

/// Runs one sync of every connection, collecting its progress events.
fn sync(db: &TempDb) -> (Vec<SyncRunReport>, Vec<SyncProgress>) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (sender, mut receiver) = broadcast::channel(10_000);
    let reports = runtime
        .block_on(api::sync(&db.path, None, SyncOptions::default(), CancellationToken::new(), Some(sender)))
        .expect("the sync runs");
    let mut events = Vec::new();
    while let Ok(event) = receiver.try_recv() {
        events.push(event);
    }
    (reports, events)
}

fn series_id(store: &Store, model: &str, key: &str) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT s.id FROM metric_series s JOIN models m ON m.id = s.model_id WHERE m.name = ?1 AND s.key = ?2",
            params![model, key],
            |r| r.get(0),
        )
        .unwrap()
}

fn stored_points(store: &Store, series: i64) -> Vec<(i64, Option<f64>)> {
    let mut stmt =
        store.conn().prepare("SELECT ts, value FROM metric_samples WHERE series_id = ?1 ORDER BY ts").unwrap();
    stmt.query_map([series], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

/// What Prometheus answers for a gauge read at its own one-minute grid: every sample, then the
/// last one again for the 5 minutes of its lookback (Prometheus 2.x counts both ends of the
/// 5-minute window). NaN comes back as a gap.
fn expected_points(history: &[(i64, f64)]) -> Vec<(i64, Option<f64>)> {
    let mut out: Vec<(i64, Option<f64>)> = history.iter().map(|&(ts, v)| (ts, (!v.is_nan()).then_some(v))).collect();
    let &(last_ts, last_value) = history.last().unwrap();
    out.extend((1..=5).map(|k| (last_ts + 60 * k, Some(last_value))));
    out
}

type Rollup = (i64, f64, f64, f64, f64);

/// Rollups computed directly from points: count, sum, min, max, last of the finite values.
fn expected_rollups(points: &[(i64, Option<f64>)], bucket_seconds: i64) -> BTreeMap<i64, Rollup> {
    let mut out: BTreeMap<i64, Rollup> = BTreeMap::new();
    for &(ts, value) in points {
        let Some(v) = value.filter(|v| v.is_finite()) else { continue };
        let bucket = ts - ts.rem_euclid(bucket_seconds);
        let e = out.entry(bucket).or_insert((0, 0.0, f64::MAX, f64::MIN, 0.0));
        *e = (e.0 + 1, e.1 + v, e.2.min(v), e.3.max(v), v);
    }
    out
}

fn stored_rollups(store: &Store, series: i64, grain: &str) -> BTreeMap<i64, Rollup> {
    let mut stmt = store
        .conn()
        .prepare("SELECT bucket, count, sum, min, max, last FROM metric_rollups WHERE series_id = ?1 AND grain = ?2")
        .unwrap();
    stmt.query_map(params![series, grain], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn metrics_sync_stores_the_known_history_with_its_rollups_and_a_second_sync_writes_nothing() {
    let history: KnownHistory = known_history();
    let server = PrometheusServer::start(&history.openmetrics);
    let db = portfolio(&server.url, "prometheus");
    let mut store = db.open();
    bind(&mut store, "fraud-gbm", "latency_p95_ms", r#"model_latency_ms{model="{model}"}"#, 60);
    bind(&mut store, "churn-xgb", "latency_p95_ms", r#"model_latency_ms{model="{model}"}"#, 60);
    bind(&mut store, "fraud-gbm", "requests_per_s", r#"sum(rate(model_requests_total{model="{model}"}[5m]))"#, 60);

    let (reports, events) = sync(&db);
    assert_eq!(reports.len(), 1);
    let first = &reports[0];
    assert_eq!(first.status, SyncStatus::Succeeded, "{:?}\nprometheus log:\n{}", first.error, server.log());

    let fraud = series_id(&store, "fraud-gbm", "latency_p95_ms");
    let expected = expected_points(&history.fraud_latency);
    let stored = stored_points(&store, fraud);
    assert_eq!(stored.len(), FRAUD_POINTS + 5);
    assert_eq!(stored, expected, "every point of the history, in order");
    assert_eq!(stored[FRAUD_NAN_AT].1, None, "NaN is stored as a gap");
    assert_eq!(stored[FRAUD_INF_AT].1, Some(f64::INFINITY), "+Inf is kept");
    let fraud_batches = events
        .iter()
        .filter(|e| matches!(e, SyncProgress::Batch { detail, .. } if detail == "fraud-gbm / latency_p95_ms"))
        .count();
    // 30 days back at one a minute are 43,200 or 43,201 points: four requests, each of which
    // Prometheus would have refused (400 bad_data) had it asked for more than 11,000.
    assert_eq!(fraud_batches, 4, "one batch per request");

    assert_eq!(stored_rollups(&store, fraud, "hour"), expected_rollups(&expected, 3_600), "hourly rollups");
    assert_eq!(stored_rollups(&store, fraud, "day"), expected_rollups(&expected, DAY), "daily rollups");
    let inf_hour = history.fraud_latency[FRAUD_INF_AT].0 / 3_600 * 3_600;
    assert_eq!(stored_rollups(&store, fraud, "hour")[&inf_hour].0, 59, "the +Inf point is left out of its rollup");

    let churn = series_id(&store, "churn-xgb", "latency_p95_ms");
    assert_eq!(stored_points(&store, churn), expected_points(&history.churn_latency));

    let requests = stored_points(&store, series_id(&store, "fraud-gbm", "requests_per_s"));
    let (start, end) = (history.fraud_requests[0].0, history.fraud_requests.last().unwrap().0);
    let steady: Vec<f64> =
        requests.iter().filter(|(ts, _)| *ts >= start + 300 && *ts <= end).map(|(_, v)| v.unwrap()).collect();
    assert_eq!(steady.len(), 1_440 - 5);
    assert!(steady.iter().all(|r| (r - 1.0).abs() < 1e-9), "a counter rising 60 a minute is 1 request/s");

    let total_points: i64 = store.conn().query_row("SELECT count(*) FROM metric_samples", [], |r| r.get(0)).unwrap();
    assert_eq!(first.written, total_points, "everything fetched was new");
    assert_eq!(first.fetched, total_points);

    let (again, _) = sync(&db);
    assert_eq!(again[0].status, SyncStatus::Succeeded);
    assert_eq!(again[0].written, 0, "a second sync writes nothing");
    assert!(again[0].fetched >= 3, "it re-reads each binding's last point");
    let after: i64 = store.conn().query_row("SELECT count(*) FROM metric_samples", [], |r| r.get(0)).unwrap();
    assert_eq!(after, total_points);

    let runs: Vec<(String, i64, i64, Option<String>)> = store
        .conn()
        .prepare("SELECT status, fetched, written, finished_at FROM sync_runs ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(runs.len(), 2, "one sync_runs row per run");
    assert_eq!((runs[0].0.as_str(), runs[0].2), ("succeeded", total_points));
    assert_eq!((runs[1].0.as_str(), runs[1].2), ("succeeded", 0));
    assert!(runs.iter().all(|r| r.3.is_some()), "finished runs have their end time");
}

/// (model, part, amount in cents, "resource day") of an actual.
type CostRow = (String, String, i64, String);

/// Daily actuals OpenCost's metrics give, by hand: the fraud namespace holds 0.5 GPU on day 1 and
/// 0.25 on days 2–3 at 2.50 a GPU-hour, 1 core at 0.04 and 2 GiB at 0.005 a GiB-hour; the trainer
/// container (churn) 2 cores and 4 GiB; kube-system is mapped to nothing.
fn expected_actuals(cost_start: i64) -> Vec<CostRow> {
    let mut out = Vec::new();
    for day in 0..3 {
        let date = chrono::DateTime::from_timestamp(cost_start + day * DAY, 0).unwrap().date_naive();
        let gpu = if day == 0 { 3_000 } else { 1_500 }; // 0.5 × 2.50 × 24 = 30.00; 0.25 × 2.50 × 24 = 15.00
        for (model, part, minor, resource) in [
            ("fraud-gbm", "GPU", gpu, "namespace=fraud"),
            ("fraud-gbm", "CPU", 96, "namespace=fraud"), // 1 × 0.04 × 24 = 0.96
            ("fraud-gbm", "RAM", 24, "namespace=fraud"), // 2 GiB × 0.005 × 24 = 0.24
            ("churn-xgb", "CPU", 192, "container=trainer"),
            ("churn-xgb", "RAM", 48, "container=trainer"),
        ] {
            out.push((model.to_owned(), part.to_owned(), minor, format!("{resource} {date}")));
        }
    }
    out.sort();
    out
}

fn stored_actuals(store: &Store) -> Vec<CostRow> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT m.name, a.service, a.amount_minor, a.resource || ' ' || substr(a.note, 11),
                    a.source || ' ' || a.category || ' ' || a.amount_currency, a.initiative_id IS NOT NULL
             FROM actuals a JOIN models m ON m.id = a.model_id",
        )
        .unwrap();
    let mut out: Vec<CostRow> = stmt
        .query_map([], |r| {
            let row: CostRow = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let (kind, has_initiative): (String, bool) = (r.get(4)?, r.get(5)?);
            assert_eq!(kind, "opencost compute USD");
            assert_eq!(has_initiative, row.0 == "fraud-gbm", "an actual goes to its model's initiative");
            Ok(row)
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out.sort();
    out
}

#[test]
fn opencost_costs_become_daily_actuals_with_fractional_gpus_billed_by_their_share() {
    let history = known_history();
    let server = PrometheusServer::start(&history.openmetrics);
    let db = portfolio(&server.url, "opencost");
    let mut store = db.open();
    for (label, value, model) in [("namespace", "fraud", "fraud-gbm"), ("container", "trainer", "churn-xgb")] {
        let request =
            CostMapRequest { connection: None, label: label.into(), value: value.into(), model: model.into() };
        api::cost_map(&mut store, &request).expect("mapped");
    }

    let (reports, _) = sync(&db);
    assert_eq!(reports[0].status, SyncStatus::Succeeded, "{:?}", reports[0].error);
    let expected = expected_actuals(history.cost_start);
    assert_eq!(stored_actuals(&store), expected);
    assert_eq!(reports[0].written, 15, "3 days × (3 parts of fraud + 2 of churn)");
    let total: i64 = expected.iter().map(|row| row.2).sum();
    assert_eq!(total, 7_080);
    let all_time = mlops_portfolio::plan::PeriodChoice::All;
    let summary = mlops_portfolio::api::summary(&store, mlops_portfolio::api::current_month(), all_time).unwrap();
    assert_eq!(summary.actual_to_date_minor, total, "the costs flow into budget against actual");
    let fraud = &summary.by_initiative[0].figures;
    assert_eq!(fraud.actual_to_date_minor, 6_000 + 3 * (96 + 24), "fraud-gbm's go to its initiative");

    let sync_audit = |store: &Store| -> Vec<String> {
        let mut stmt = store
            .conn()
            .prepare("SELECT after FROM audit_log WHERE entity = 'sync_run' AND action = 'sync-write' ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let audited = sync_audit(&store);
    assert_eq!(audited.len(), 2, "the actuals' own row, then the run's summary: {audited:?}");
    assert!(audited[0].contains("\"actuals_written\":15"), "{}", audited[0]);

    let (again, _) = sync(&db);
    assert_eq!((again[0].status, again[0].written), (SyncStatus::Succeeded, 0), "a second sync writes nothing");
    assert_eq!(stored_actuals(&store).len(), 15);
    assert_eq!(sync_audit(&store).len(), 2, "and audits nothing");

    let request = CostMapRequest {
        connection: None,
        label: "namespace".into(),
        value: "fraud".into(),
        model: "churn-xgb".into(),
    };
    api::cost_map(&mut store, &request).expect("remapped");
    let (remapped, _) = sync(&db);
    assert_eq!(remapped[0].written, 9, "the fraud namespace's 9 actuals move to churn-xgb in place");
    let count: i64 = store.conn().query_row("SELECT count(*) FROM actuals", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 15);
}

#[test]
fn cli_sync_reports_each_connection_fails_when_one_fails_and_metrics_show_the_latest_value() {
    let history = known_history();
    let server = PrometheusServer::start(&history.openmetrics);
    let db = portfolio(&server.url, "prometheus");
    ok(
        &db,
        &[
            "add",
            "connection",
            "name=down",
            "kind=prometheus",
            "base_url=http://127.0.0.1:1",
            "auth=none",
            "interval_minutes=5",
        ],
    );
    let bound = ok(
        &db,
        &[
            "metric",
            "bind",
            "fraud-gbm",
            "latency_p95_ms",
            "--query",
            r#"model_latency_ms{model="{model}"}"#,
            "--unit",
            "ms",
            "--threshold",
            "200",
            "--bad-when",
            "above",
            "--connection",
            "cluster",
        ],
    );
    assert!(bound.contains(r#"model_latency_ms{model="fraud-gbm"}"#), "{bound}");
    ok(
        &db,
        &[
            "metric",
            "bind",
            "churn-xgb",
            "latency_p95_ms",
            "--query",
            "model_latency_ms",
            "--unit",
            "ms",
            "--connection",
            "cluster",
        ],
    );
    let templated = ok(
        &db,
        &["metric", "bind", "fraud-gbm", "--template", "triton", "--model-label", "fraud_v2", "--connection", "down"],
    );
    assert!(templated.contains(r#"model="fraud_v2""#) && templated.lines().count() == 3, "{templated}");
    let refused = fails(
        &db,
        &[
            "metric",
            "bind",
            "fraud-gbm",
            "x",
            "--query",
            "up",
            "--unit",
            "u",
            "--threshold",
            "1",
            "--connection",
            "cluster",
        ],
    );
    assert!(refused.contains("--bad-when"), "{refused}");

    let out = super::cli::cli(&db, &["sync"]);
    assert!(!out.status.success(), "a failed connection fails the command");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("cluster") && stdout.contains("down") && stdout.contains("failed"), "{stdout}");
    assert!(stderr.contains("the query returned 2 series"), "{stderr}");
    assert!(stderr.contains(r#"{__name__="model_latency_ms", model="churn-xgb"}"#), "names the label sets: {stderr}");
    assert!(stderr.contains("cannot connect to http://127.0.0.1:1"), "{stderr}");
    assert!(stderr.contains("2 of 2 connections did not sync"), "{stderr}");

    let metrics = cli_json(&db, &["metrics", "fraud-gbm", "--key", "latency_p95_ms", "--since", "30d", "--json"]);
    let latency = &metrics["metrics"][0];
    let &(last_ts, last_value) = history.fraud_latency.last().unwrap();
    assert_eq!(latency["latest"]["value"], json!(last_value));
    assert_eq!(latency["latest"]["ts"], json!(last_ts + 300));
    assert_eq!(latency["state"], "bad", "{last_value} ms is above 200");
    assert!(latency["age_seconds"].as_i64().unwrap() > DAY / 2);
    let days = latency["rollups"].as_array().unwrap();
    assert_eq!(days.len(), 11, "ten days of history, and the lookback's 5 points after its last midnight");
    assert_eq!(days[10]["count"], 5);
    assert_eq!(days[1]["count"], 1_440, "a whole day of one-minute points");
    assert_eq!(latency["last_sync"]["status"], "failed", "the connection's run failed (for churn's binding)");
    let all = cli_json(&db, &["metrics", "fraud-gbm", "--json"]);
    let states: Vec<&str> = all["metrics"].as_array().unwrap().iter().map(|m| m["state"].as_str().unwrap()).collect();
    assert_eq!(
        states.iter().filter(|s| **s == "no_data").count(),
        3,
        "the template's metrics have no data: {states:?}"
    );
    let human = ok(&db, &["metrics", "fraud-gbm", "--since", "48h"]);
    assert!(human.contains("BAD") && human.contains("hour rollups"), "{human}");

    let svg = db.file("latency.svg");
    let chart_args =
        ["chart", "model-metric", "--model", "fraud-gbm", "--metric", "latency_p95_ms", "--since", "30d", "--out"];
    let drawn = ok(&db, &[&chart_args[..], &[svg.to_str().unwrap()]].concat());
    assert!(drawn.contains("fraud-gbm: latency_p95_ms"), "{drawn}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Daily mean of latency_p95_ms (ms) for the model fraud-gbm"), "30 days are drawn by day");
    assert!(text.contains("1 point was +Inf"), "the synced +Inf point is noted, not put on the scale");
    assert!(text.contains("The last sync of cluster failed"), "the chart says its data may be behind");

    ok(&db, &["metric", "unbind", "churn-xgb", "latency_p95_ms"]);
    let listed = cli_json(&db, &["metric", "list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 4);
    let out = super::cli::cli(&db, &["sync", "--connection", "cluster"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
