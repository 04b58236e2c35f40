//! Background sync as the desktop app and browser mode run it: a [`Session`] with its scheduler
//! and the real engine, steered through the same commands the UI sends (`sync_now`,
//! `cancel_sync`, `add_connection`, `connection_status`), against a real Prometheus and a server
//! that never finishes answering.

use std::time::Duration;

use mlops_portfolio::api::Session;
use mlops_portfolio::api::commands::dispatch;
use mlops_portfolio::domain::{ConnectionId, SyncStatus};
use mlops_portfolio::sync::SyncProgress;
use mlops_portfolio::sync::scheduler::SchedulerOptions;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::faults::FaultServer;
use super::prometheus_server::{FRAUD_POINTS, PrometheusServer, known_history};
use super::{TempDb, temp_db};

/// Waits (at most a minute) for the first event `pick` accepts.
async fn next<T>(events: &mut broadcast::Receiver<SyncProgress>, pick: impl Fn(&SyncProgress) -> Option<T>) -> T {
    let wait = async {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Some(found) = pick(&event) {
                        return found;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => panic!("the event channel closed"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), wait).await.expect("the event comes within a minute")
}

fn started(name: &'static str) -> impl Fn(&SyncProgress) -> Option<ConnectionId> {
    move |e| match e {
        SyncProgress::Started { connection_id, connection } if connection == name => Some(*connection_id),
        _ => None,
    }
}

/// The end of a run of `name`: its status, what it wrote, and its error.
fn finished(name: &'static str) -> impl Fn(&SyncProgress) -> Option<(SyncStatus, i64, Option<String>)> {
    move |e| match e {
        SyncProgress::Finished { connection, status, written, error, .. } if connection == name => {
            Some((*status, *written, error.clone()))
        }
        _ => None,
    }
}

fn add_connection(session: &mut Session, name: &str, url: &str) -> Value {
    let connection =
        json!({"name": name, "kind": "prometheus", "base_url": url, "auth": "none", "interval_minutes": 60});
    dispatch(session, "add_connection", json!({ "connection": connection })).expect("the connection is added")
}

fn session(db: &TempDb) -> Session {
    let options = SchedulerOptions { first_retry: Duration::from_secs(30), ..SchedulerOptions::default() };
    Session::with_background_sync(db.open(), &tokio::runtime::Handle::current(), options)
}

fn status_of(session: &mut Session, name: &str) -> Value {
    let all = dispatch(session, "connection_status", json!({})).expect("the status");
    all.as_array().unwrap().iter().find(|s| s["name"] == name).cloned().expect("the connection has a status")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_run_is_cancelled_at_once_recorded_as_cancelled_and_runs_again_when_asked() {
    let server = FaultServer::start().await;
    let db = temp_db();
    let mut session = session(&db);
    let mut events = session.subscribe();
    // The server answers one byte every 100 ms, forever: the run would last until the client's
    // 60-second deadline.
    add_connection(&mut session, "slow", &server.url("drip"));
    next(&mut events, started("slow")).await;

    let answer = dispatch(&mut session, "cancel_sync", json!({"connection": "slow"})).unwrap();
    assert_eq!(answer["connections"], json!(["slow"]));
    let (status, written, error) = next(&mut events, finished("slow")).await;
    assert_eq!((status, written, error), (SyncStatus::Cancelled, 0, None));
    let last_run = status_of(&mut session, "slow")["last_run"].clone();
    assert_eq!(last_run["status"], "cancelled", "{last_run}");
    assert!(last_run["finished_at"].is_string(), "a cancelled run has its end time: {last_run}");

    // A cancelled run is not a failure: no retry comes; only `sync_now` starts the next run.
    assert!(
        tokio::time::timeout(Duration::from_millis(500), next(&mut events, started("slow"))).await.is_err(),
        "nothing runs again by itself before the interval"
    );
    let answer = dispatch(&mut session, "sync_now", json!({"connection": "slow"})).unwrap();
    assert_eq!(answer["connections"], json!(["slow"]));
    next(&mut events, started("slow")).await;
    dispatch(&mut session, "cancel_sync", json!({})).unwrap();
    assert_eq!(next(&mut events, finished("slow")).await.0, SyncStatus::Cancelled);

    let err = dispatch(&mut session, "sync_now", json!({"connection": "nope"})).unwrap_err();
    assert!(err.to_string().contains("nope"), "an unknown connection is named: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_connections_sync_at_once_sync_now_writes_nothing_new_and_unreachable_is_a_network_failure() {
    let history = known_history();
    let server = PrometheusServer::start(&history.openmetrics);
    let db = temp_db();
    {
        let mut store = db.open();
        let fields = json!({"name": "fraud-gbm", "stage": "staging", "risk_tier": "high"});
        mlops_portfolio::api::records::create(
            &mut store,
            mlops_portfolio::domain::EntityKind::Model,
            fields.as_object().cloned().unwrap(),
        )
        .unwrap();
    }
    let mut session = session(&db);
    let mut events = session.subscribe();
    add_connection(&mut session, "cluster", &server.url);
    // The first run may start before the binding exists; bind, then ask for a run.
    let bind = json!({"model": "fraud-gbm", "key": "latency_p95_ms", "query": r#"model_latency_ms{model="{model}"}"#,
                      "unit": "ms", "step_seconds": 60});
    let request: mlops_portfolio::sync::bindings::BindRequest = serde_json::from_value(bind).unwrap();
    mlops_portfolio::api::metrics::bind_metric(&mut session, &request).unwrap();
    let mut first = next(&mut events, finished("cluster")).await;
    if first.1 == 0 {
        dispatch(&mut session, "sync_now", json!({"connection": "cluster"})).unwrap();
        first = next(&mut events, finished("cluster")).await;
    }
    assert_eq!(first.0, SyncStatus::Succeeded, "{:?}\nprometheus log:\n{}", first.2, server.log());
    let stored: i64 = session.conn().query_row("SELECT count(*) FROM metric_samples", [], |r| r.get(0)).unwrap();
    assert_eq!(first.1, stored, "the run wrote every point of the history");
    // Every point of the history, then the last one again for Prometheus's 5-minute lookback.
    assert_eq!(stored as usize, FRAUD_POINTS + 5);

    let answer = dispatch(&mut session, "sync_now", json!({})).unwrap();
    assert_eq!(answer["connections"], json!(["cluster"]));
    let again = next(&mut events, finished("cluster")).await;
    assert_eq!((again.0, again.1), (SyncStatus::Succeeded, 0), "a second run writes nothing new");

    // Nothing listens on port 9 of this machine. Stored directly (not through `add_connection`)
    // with its binding, so its first run is the one `sync_now` asks for.
    {
        let fields = json!({"name": "unplugged", "kind": "prometheus", "base_url": "http://127.0.0.1:9", "auth": "none",
                            "interval_minutes": 60});
        let kind = mlops_portfolio::domain::EntityKind::Connection;
        mlops_portfolio::api::records::create(&mut session, kind, fields.as_object().cloned().unwrap()).unwrap();
        let bind = json!({"model": "fraud-gbm", "key": "error_rate", "query": "errors", "unit": "ratio",
                          "connection": "unplugged"});
        let request: mlops_portfolio::sync::bindings::BindRequest = serde_json::from_value(bind).unwrap();
        mlops_portfolio::api::metrics::bind_metric(&mut session, &request).unwrap();
    }
    let answer = dispatch(&mut session, "sync_now", json!({"connection": "unplugged"})).unwrap();
    assert_eq!(answer["connections"], json!(["unplugged"]));
    let (status, _, error) = next(&mut events, finished("unplugged")).await;
    assert_eq!(status, SyncStatus::Failed);
    assert!(error.as_deref().is_some_and(|e| e.contains("127.0.0.1:9")), "the error names the address: {error:?}");
    let retry = next(&mut events, |e| match e {
        SyncProgress::RetryScheduled { connection, failures, in_seconds, .. } if connection == "unplugged" => {
            Some((*failures, *in_seconds))
        }
        _ => None,
    })
    .await;
    assert_eq!(retry.0, 1);
    assert!((15..=30).contains(&retry.1), "the first retry comes after half to all of 30 s: {retry:?}");
    let unplugged = status_of(&mut session, "unplugged");
    assert_eq!(unplugged["last_run"]["error_code"], "network", "{unplugged}");
    let cluster = status_of(&mut session, "cluster");
    assert_eq!(cluster["last_run"]["error_code"], Value::Null);
    let newest: i64 = session.conn().query_row("SELECT max(ts) FROM metric_samples", [], |r| r.get(0)).unwrap();
    assert_eq!(cluster["data_until"], json!(newest), "the data age counts from the newest point synced");

    let removed = dispatch(&mut session, "remove_connection", json!({"name": "unplugged"})).unwrap();
    assert_eq!(removed["fields"]["name"], "unplugged");
    let answer = dispatch(&mut session, "sync_now", json!({})).unwrap();
    assert_eq!(answer["connections"], json!(["cluster"]), "a removed connection is not synced");
}

#[test]
fn without_background_sync_sync_now_says_to_use_the_sync_command() {
    let db = temp_db();
    let mut session = Session::new(db.open());
    let err = dispatch(&mut session, "sync_now", json!({})).unwrap_err();
    assert!(err.to_string().contains("mlops-portfolio sync"), "{err}");
}
