//! The MLflow connector against a real MLflow server, populated through its REST API: the
//! inventory it builds, local fields that survive, a model deleted upstream, run metrics as series,
//! and syncs that write nothing when nothing changed.

use mlops_portfolio::api;
use mlops_portfolio::domain::{AuthKind, Connection, ConnectionKind};
use mlops_portfolio::sync::SyncCounts;
use serde_json::{Value, json};

use super::faults::{run_sync, store_connection};
use super::mlflow_server::MlflowServer;
use super::{TempDb, temp_db};

/// 2023-11-14T22:13:20Z, in the milliseconds MLflow counts in.
const T0: i64 = 1_700_000_000_000;

fn rows(db: &TempDb, sql: &str) -> Vec<Vec<Value>> {
    let store = db.open();
    let mut stmt = store.conn().prepare(sql).unwrap();
    let columns = stmt.column_count();
    stmt.query_map([], |r| {
        (0..columns)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => Value::Null,
                    rusqlite::types::ValueRef::Integer(n) => json!(n),
                    rusqlite::types::ValueRef::Real(f) => json!(f),
                    rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                    rusqlite::types::ValueRef::Blob(_) => Value::Null,
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn count(db: &TempDb, table: &str) -> i64 {
    db.open().conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn the_registry_syncs_into_the_inventory_and_a_second_sync_writes_nothing() {
    let server = MlflowServer::start().await;
    let experiment = server.create_experiment("fraud").await;
    // The champion's run: F1 over three steps (two within one second), a loss that went NaN.
    let champion_run = server
        .run_with_metrics(
            &experiment,
            &[
                ("val/F1", Some(0.81), T0, 1),
                ("val/F1", Some(0.84), T0 + 400, 2),
                ("val/F1", Some(0.9), T0 + 60_000, 3),
                ("loss", None, T0 + 60_000, 3),
            ],
        )
        .await;
    let churn_run = server.run_with_metrics(&experiment, &[("auc", Some(0.7), T0, 0)]).await;
    let churn_v2_run = server.run_with_metrics(&experiment, &[("auc", Some(0.75), T0 + 1_000, 0)]).await;

    server.register("fraud-gbm", "Scores card payments", &[("owner", "Ada"), ("risk_tier", "high")]).await;
    let v1 = server.add_version("fraud-gbm", &champion_run).await;
    let v2 = server.add_version("fraud-gbm", &champion_run).await;
    server.set_alias("fraud-gbm", "champion", &v1).await;
    server.set_stage("fraud-gbm", &v2, "Staging").await;

    server.register("churn-xgb", "Predicts churn", &[]).await;
    let c1 = server.add_version("churn-xgb", &churn_run).await;
    let c2 = server.add_version("churn-xgb", &churn_v2_run).await;
    let c3 = server.add_version("churn-xgb", &churn_run).await;
    server.set_stage("churn-xgb", &c1, "Production").await;
    server.set_stage("churn-xgb", &c2, "Production").await;
    server.set_stage("churn-xgb", &c3, "Archived").await;

    for name in ["ranker", "legacy-scorer", "doc-classifier"] {
        server.register(name, "", &[]).await;
    }
    server.add_version("legacy-scorer", &churn_run).await;

    // The portfolio already knows churn-xgb, with fields only people set.
    let db = temp_db();
    {
        let mut store = db.open();
        let fields = |v: Value| v.as_object().unwrap().clone();
        api::records::create(
            &mut store,
            mlops_portfolio::domain::EntityKind::Initiative,
            fields(json!({"name": "Retention", "status": "active", "priority": 2, "start": "2026-01"})),
        )
        .unwrap();
        api::records::create(
            &mut store,
            mlops_portfolio::domain::EntityKind::Model,
            fields(
                json!({"name": "Churn-XGB", "description": "old words", "stage": "development", "risk_tier": "critical",
                "initiative_id": 1, "notes": "reviewed by legal 2026-01", "deployment": "k8s/prod/churn"}),
            ),
        )
        .unwrap();
    }
    let connection = Connection {
        name: "registry".into(),
        kind: ConnectionKind::Mlflow,
        base_url: server.base_url.clone(),
        auth: AuthKind::None,
        username: None,
        ca_file: None,
        insecure_skip_verify: false,
        interval_minutes: 15,
    };
    let id = store_connection(&db, &connection);

    // Pages of two: five models take three pages, seven versions four.
    let first = run_sync(&db, id, &connection, None, 2).await.unwrap();
    assert!(first.written > 0, "{first:?}");

    // Both production models reached production upstream, past the gate: recorded, and flagged.
    let promotions = rows(
        &db,
        "SELECT m.name, p.gated, p.missing IS NOT NULL FROM promotions p JOIN models m ON m.id = p.model_id ORDER BY m.name COLLATE NOCASE",
    );
    assert_eq!(
        promotions,
        vec![vec![json!("Churn-XGB"), json!(0), json!(1)], vec![json!("fraud-gbm"), json!(0), json!(1)]]
    );
    let overview = {
        let mut store = db.open();
        api::governance::governance_summary(&mut store, api::commands::NoArguments {}).unwrap()
    };
    let flagged: Vec<(&str, Option<mlops_portfolio::governance::overview::GovernanceFlag>)> = overview
        .models
        .iter()
        .filter(|m| m.stage == mlops_portfolio::domain::ModelStage::Production)
        .map(|m| (m.model.as_str(), m.flag))
        .collect();
    use mlops_portfolio::governance::overview::GovernanceFlag::PromotedOutsideGate;
    assert_eq!(flagged, [("Churn-XGB", Some(PromotedOutsideGate)), ("fraud-gbm", Some(PromotedOutsideGate))]);

    let models = rows(
        &db,
        "SELECT m.name, m.description, m.owner, m.stage, m.risk_tier, m.initiative_id, m.notes, m.deployment,
                u.serving_version, u.gone_at IS NULL
         FROM models m JOIN upstream_models u ON u.model_id = m.id ORDER BY m.name COLLATE NOCASE",
    );
    assert_eq!(
        models,
        vec![
            vec![
                json!("Churn-XGB"),
                json!("Predicts churn"),
                json!(""),
                json!("production"),
                json!("critical"),
                json!(1),
                json!("reviewed by legal 2026-01"),
                json!("k8s/prod/churn"),
                json!(c2),
                json!(1)
            ],
            vec![
                json!("doc-classifier"),
                json!(""),
                json!(""),
                json!("development"),
                json!("medium"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                json!(1)
            ],
            vec![
                json!("fraud-gbm"),
                json!("Scores card payments"),
                json!("Ada"),
                json!("production"),
                json!("high"),
                Value::Null,
                Value::Null,
                Value::Null,
                json!(v1),
                json!(1)
            ],
            vec![
                json!("legacy-scorer"),
                json!(""),
                json!(""),
                json!("development"),
                json!("medium"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                json!(1)
            ],
            vec![
                json!("ranker"),
                json!(""),
                json!(""),
                json!("development"),
                json!("medium"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                json!(1)
            ],
        ],
        "every page was read; the local churn-xgb was adopted with its initiative, risk tier, notes and deployment"
    );
    let versions = rows(
        &db,
        "SELECT m.name, v.version, v.stage, v.aliases, v.run_id IS NOT NULL, u.status
         FROM model_versions v JOIN models m ON m.id = v.model_id
         JOIN upstream_model_versions u ON u.model_version_id = v.id ORDER BY m.name COLLATE NOCASE, v.version",
    );
    assert_eq!(
        versions,
        vec![
            vec![json!("Churn-XGB"), json!("1"), json!("production"), json!("[]"), json!(1), json!("READY")],
            vec![json!("Churn-XGB"), json!("2"), json!("production"), json!("[]"), json!(1), json!("READY")],
            vec![json!("Churn-XGB"), json!("3"), json!("archived"), json!("[]"), json!(1), json!("READY")],
            vec![
                json!("fraud-gbm"),
                json!("1"),
                json!("production"),
                json!("[\"champion\"]"),
                json!(1),
                json!("READY")
            ],
            vec![json!("fraud-gbm"), json!("2"), json!("staging"), json!("[]"), json!(1), json!("READY")],
            vec![json!("legacy-scorer"), json!("1"), json!("development"), json!("[]"), json!(1), json!("READY")],
        ]
    );
    let samples = rows(
        &db,
        "SELECT m.name, s.key, p.ts, p.value FROM metric_samples p JOIN metric_series s ON s.id = p.series_id
         JOIN models m ON m.id = s.model_id ORDER BY m.name COLLATE NOCASE, s.key, p.ts",
    );
    let t0 = T0 / 1000;
    assert_eq!(
        samples,
        vec![
            vec![json!("Churn-XGB"), json!("auc"), json!(t0 + 1), json!(0.75)],
            vec![json!("fraud-gbm"), json!("loss"), json!(t0 + 60), Value::Null],
            vec![json!("fraud-gbm"), json!("val_f1"), json!(t0), json!(0.84)],
            vec![json!("fraud-gbm"), json!("val_f1"), json!(t0 + 60), json!(0.9)],
        ],
        "the serving versions' run metrics, one sample per second (the later point wins), NaN as a gap; \
         churn-xgb serves its highest Production version, 2"
    );
    assert_eq!(
        first,
        SyncCounts { fetched: 5 + 6 + 5, written: 5 + 6 + 4 },
        "fetched: 5 models, 6 versions, 5 metric points; written: 5 models, 6 versions, 4 samples"
    );

    // People edit local fields; a sync with nothing new upstream keeps them and writes nothing.
    {
        let mut store = db.open();
        let model = mlops_portfolio::domain::EntityKind::Model;
        let fraud = mlops_portfolio::store::records::resolve(store.conn(), model, "fraud-gbm").unwrap();
        let changes = json!({"risk_tier": "low", "notes": "owned by payments", "initiative_id": 1});
        api::records::update(&mut store, model, fraud, changes.as_object().unwrap().clone()).unwrap();
    }
    let audit_rows = count(&db, "audit_log");
    let second = run_sync(&db, id, &connection, None, 2).await.unwrap();
    assert_eq!(second.written, 0, "nothing changed upstream, so nothing is written: {second:?}");
    assert_eq!(count(&db, "audit_log"), audit_rows);
    let fraud = rows(&db, "SELECT risk_tier, notes, initiative_id FROM models WHERE name = 'fraud-gbm'");
    assert_eq!(fraud, vec![vec![json!("low"), json!("owned by payments"), json!(1)]], "local fields survive a sync");

    // A model deleted upstream is marked, not deleted; a new metric point adds one sample.
    server.delete_model("legacy-scorer").await;
    server.log_metric(&champion_run, "val/F1", Some(0.92), T0 + 120_000, 4).await;
    let third = run_sync(&db, id, &connection, None, 1000).await.unwrap();
    assert_eq!(third.written, 2, "one mark and one sample: {third:?}");
    let legacy = rows(
        &db,
        "SELECT m.name, u.gone_at IS NOT NULL FROM models m JOIN upstream_models u ON u.model_id = m.id
         WHERE m.name = 'legacy-scorer'",
    );
    assert_eq!(legacy, vec![vec![json!("legacy-scorer"), json!(1)]], "still in the inventory, marked gone upstream");
    assert_eq!(count(&db, "metric_samples"), 5);
    let fourth = run_sync(&db, id, &connection, None, 1000).await.unwrap();
    assert_eq!(fourth.written, 0, "{fourth:?}");

    // It comes back, without its old version: the model's mark is cleared, the version is marked.
    server.register("legacy-scorer", "", &[]).await;
    let fifth = run_sync(&db, id, &connection, None, 1000).await.unwrap();
    assert_eq!(fifth.written, 2, "{fifth:?}");
    let legacy = rows(
        &db,
        "SELECT gone_at FROM upstream_models u JOIN models m ON m.id = u.model_id WHERE m.name = 'legacy-scorer'",
    );
    assert_eq!(legacy, vec![vec![Value::Null]]);
}
