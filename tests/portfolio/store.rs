//! The portfolio file: migrations, refusal of files it must not touch, audit rows, backup/restore.

use mlops_portfolio::ErrorCode;
use mlops_portfolio::domain::*;
use mlops_portfolio::store::{Store, records, schema_version};
use rusqlite::Connection;

use super::{temp_db, temp_file};

fn initiative(name: &str) -> Initiative {
    Initiative {
        name: name.into(),
        objective: "Cut fraud losses".into(),
        owner: "Ana Ruiz".into(),
        status: InitiativeStatus::Active,
        priority: 1,
        start: "2026-01".parse().unwrap(),
        end: None,
        annual_benefit: None,
    }
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// The schema of the first `through` migrations, as releases before wrote it.
fn migrate_by_hand(conn: &Connection, through: usize) {
    let migrations = [
        include_str!("../../src/store/migrations/001_portfolio.sql"),
        include_str!("../../src/store/migrations/002_lookup_indexes.sql"),
        include_str!("../../src/store/migrations/003_metric_bindings.sql"),
        include_str!("../../src/store/migrations/004_upstream_models.sql"),
        include_str!("../../src/store/migrations/005_sync_error_codes.sql"),
        include_str!("../../src/store/migrations/006_planning.sql"),
        include_str!("../../src/store/migrations/007_integer_import_keys.sql"),
    ];
    for sql in &migrations[..through] {
        conn.execute_batch(sql).unwrap();
    }
}

fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).expect("the file can be read")
}

#[test]
fn a_fresh_file_gets_the_whole_schema_and_the_pragmas() {
    let db = temp_file();
    let store = db.open();
    let version: i64 = store.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version as usize, schema_version());
    let mode: String = store.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 1, "foreign keys must be enforced");
    let backups = std::fs::read_dir(db.dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".bak"));
    assert_eq!(backups.count(), 0, "a new empty file needs no backup");
}

#[test]
fn flat_scenarios_of_the_first_release_become_changes_where_they_can() {
    let db = temp_file();
    {
        let conn = Connection::open(&db.path).unwrap();
        migrate_by_hand(&conn, 7);
        conn.execute_batch(
            "PRAGMA user_version = 7;
             INSERT INTO portfolio (id, base_currency, created_at) VALUES (1, 'USD', '2025-01-01T00:00:00Z');
             INSERT INTO scenarios (name, description, start, headcount_delta, compute_change_percent, vendor_change_percent)
             VALUES ('Leaner', 'Cheaper GPUs', '2027-01', 0, -15, -20),
                    ('Hiring', '', '2027-04', 3, 0, 0);",
        )
        .unwrap();
    }
    let store = db.open();
    let all = mlops_portfolio::store::scenarios::list(store.conn()).unwrap();
    let leaner = all.iter().find(|s| s.name == "Leaner").unwrap();
    let written: Vec<String> = leaner.changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        written,
        ["spend category=compute change=-15% start=2027-01", "spend category=vendor change=-20% start=2027-01"]
    );
    assert_eq!(leaner.note, "Cheaper GPUs");
    let hiring = all.iter().find(|s| s.name == "Hiring").unwrap();
    assert!(hiring.changes.is_empty(), "a headcount names no role: {:?}", hiring.changes);
    assert!(
        hiring.note.contains("Headcount +3 from 2027-04 was not carried over")
            && hiring.note.contains("scenario add \"Hiring\" hire role=ROLE count=3 start=2027-04"),
        "{}",
        hiring.note
    );
}

#[test]
fn sixteen_byte_import_keys_become_the_integer_keys_the_same_rows_get_now() {
    // The key a release before migration 7 stored for a row: the whole xxh3-128 fingerprint.
    let old_key = |content: u128, occurrence: u32| {
        let mut bytes = content.to_le_bytes().to_vec();
        bytes.extend_from_slice(&occurrence.to_le_bytes());
        xxhash_rust::xxh3::xxh3_128(&bytes).to_le_bytes()
    };
    let db = temp_file();
    {
        let conn = Connection::open(&db.path).unwrap();
        migrate_by_hand(&conn, 6);
        conn.execute_batch(
            "PRAGMA user_version = 6;
             INSERT INTO portfolio (id, base_currency, created_at) VALUES (1, 'USD', '2025-01-01T00:00:00Z');",
        )
        .unwrap();
        let insert = "INSERT INTO actuals (month, category, amount_minor, amount_currency, source, import_key)
                      VALUES ('2026-01', 'compute', ?1, 'USD', 'focus', ?2)";
        conn.execute(insert, rusqlite::params![100, &old_key(42, 0)[..]]).unwrap();
        conn.execute(insert, rusqlite::params![100, &old_key(42, 1)[..]]).unwrap();
        conn.execute("INSERT INTO actuals (month, category, amount_minor, amount_currency, source) VALUES ('2026-01', 'people', 5, 'USD', 'manual')", []).unwrap();
    }
    let store = db.open();
    let keys: Vec<(Option<i64>, String)> = store
        .conn()
        .prepare("SELECT import_key, typeof(import_key) FROM actuals ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    use mlops_portfolio::store::import_key::import_key;
    assert_eq!(
        keys,
        [
            (Some(import_key(42, 0)), "integer".to_owned()),
            (Some(import_key(42, 1)), "integer".to_owned()),
            (None, "null".to_owned()),
        ],
        "a row imported before is recognised by the key it gets today"
    );
    let month_index: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'actuals_by_month'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(month_index, 0);
}

#[test]
fn an_older_file_with_data_is_backed_up_then_upgraded_keeping_its_data() {
    let db = temp_file();
    {
        // Build a schema-1 file by hand, as the first release wrote it.
        let conn = Connection::open(&db.path).unwrap();
        conn.execute_batch(include_str!("../../src/store/migrations/001_portfolio.sql")).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO portfolio VALUES (1, 'USD', '2025-01-01T00:00:00Z');
             INSERT INTO initiatives (name, status, priority, start) VALUES ('Churn', 'active', 2, '2025-01');
             INSERT INTO audit_log (at, actor, entity, entity_id, action, before, after) VALUES
               ('2025-01-01T00:00:00Z', 'ana', 'portfolio', NULL, 'create', NULL, '{\"base_currency\":\"USD\"}'),
               ('2025-01-02T00:00:00Z', 'ana', 'initiative', 1, 'create', NULL, '{\"name\":\"Churn\"}');",
        )
        .unwrap();
    }
    let store = db.open();
    let version: i64 = store.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version as usize, schema_version(), "the file is brought up to date");
    let names: Vec<String> = records::list::<Initiative>(store.conn(), &Default::default())
        .unwrap()
        .into_iter()
        .map(|s| s.record.name)
        .collect();
    assert_eq!(names, ["Churn"], "data survives the upgrade");
    let chain = mlops_portfolio::store::audit::verify(store.conn()).unwrap();
    assert_eq!((chain.ok, chain.rows), (true, 2), "the upgrade chains the rows already there: {chain:?}");
    let err = store.conn().execute("UPDATE audit_log SET actor = 'x' WHERE id = 1", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "the log is append-only again: {err}");
    let backups: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".bak"))
        .collect();
    assert_eq!(backups.len(), 1, "one backup before migrating: {backups:?}");
    assert!(backups[0].to_string_lossy().contains("schema1"), "the backup names the old schema: {backups:?}");
    let old = Connection::open(&backups[0]).unwrap();
    let old_version: i64 = old.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(old_version, 1, "the backup is the file as it was before the upgrade");
    assert_eq!(count(&old, "initiatives"), 1);
}

#[test]
fn a_file_from_a_newer_schema_is_refused_and_left_untouched() {
    let db = temp_db();
    {
        let conn = Connection::open(&db.path).unwrap();
        conn.execute_batch(&format!(
            "UPDATE meta SET value = '9.4.0' WHERE key = 'app_version'; PRAGMA user_version = {}; PRAGMA wal_checkpoint(TRUNCATE);",
            schema_version() + 3
        ))
        .unwrap();
    }
    let before = file_bytes(&db.path);
    let err = Store::open(&db.path).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
    let message = err.to_string();
    assert!(message.contains("9.4.0"), "names the version that wrote it: {message}");
    assert!(message.contains(&format!("schema {}", schema_version() + 3)), "{message}");
    assert_eq!(file_bytes(&db.path), before, "the newer file is not modified");
}

#[test]
fn files_that_are_not_portfolios_are_refused_unchanged() {
    let db = temp_file();
    std::fs::write(&db.path, "initiative,month\nChurn,2026-01\n").unwrap();
    let err = Store::open(&db.path).unwrap_err();
    assert!(err.to_string().contains("not an SQLite database"), "{err}");
    assert_eq!(file_bytes(&db.path), b"initiative,month\nChurn,2026-01\n");

    let other = db.file("other.db");
    Connection::open(&other).unwrap().execute_batch("CREATE TABLE songs (title TEXT)").unwrap();
    let before = file_bytes(&other);
    let err = Store::open(&other).unwrap_err();
    assert!(err.to_string().contains("not a portfolio") && err.to_string().contains("songs"), "{err}");
    assert_eq!(file_bytes(&other), before);
}

#[test]
fn every_change_writes_an_audit_row_with_before_and_after() {
    let db = temp_db();
    let mut store = db.open();
    let created = store.in_transaction(|tx, actor| records::insert(tx, actor, &initiative("Fraud detection"))).unwrap();
    let mut changed = created.record.clone();
    changed.status = InitiativeStatus::Paused;
    store.in_transaction(|tx, actor| records::update(tx, actor, created.id, &changed)).unwrap();
    store.in_transaction(|tx, actor| records::delete::<Initiative>(tx, actor, created.id)).unwrap();

    let filter = mlops_portfolio::store::audit::AuditFilter { entity: Some("initiative"), ..Default::default() };
    let entries = mlops_portfolio::store::audit::recent(store.conn(), &filter, 10).unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["delete", "update", "create"]);
    assert!(entries.iter().all(|e| e.actor == "tester" && e.entity_id == Some(created.id.0)));
    let update = &entries[1];
    assert_eq!(update.before.as_ref().unwrap()["status"], "active");
    assert_eq!(update.after.as_ref().unwrap()["status"], "paused");
    assert!(entries[0].after.is_none() && entries[0].before.is_some());

    let tamper = store.conn().execute("DELETE FROM audit_log", []);
    assert!(tamper.is_err(), "the audit log is append-only");
}

#[test]
fn a_refused_change_writes_neither_the_record_nor_an_audit_row() {
    let db = temp_db();
    let mut store = db.open();
    let audit_before = count(store.conn(), "audit_log");
    let line = BudgetLine {
        initiative_id: InitiativeId(42),
        month: "2026-01".parse().unwrap(),
        category: Category::Compute,
        amount: Money::new(100, Currency::USD),
        note: None,
    };
    let err = store.in_transaction(|tx, actor| records::insert(tx, actor, &line)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(err.to_string().contains("initiative_id") && err.to_string().contains("42"), "{err}");
    assert_eq!(count(store.conn(), "budget_lines"), 0);
    assert_eq!(count(store.conn(), "audit_log"), audit_before);
}

#[test]
fn removing_a_record_others_refer_to_says_what_refers_to_it() {
    let db = temp_db();
    let mut store = db.open();
    let i = store.in_transaction(|tx, actor| records::insert(tx, actor, &initiative("Churn"))).unwrap();
    let line = BudgetLine {
        initiative_id: i.id,
        month: "2026-01".parse().unwrap(),
        category: Category::People,
        amount: Money::new(100, Currency::USD),
        note: None,
    };
    store.in_transaction(|tx, actor| records::insert(tx, actor, &line)).unwrap();
    let err = store.in_transaction(|tx, actor| records::delete::<Initiative>(tx, actor, i.id)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("1 budget lines"), "{err}");
    assert_eq!(count(store.conn(), "initiatives"), 1);
}

#[test]
fn every_kind_round_trips_through_its_table() {
    use mlops_portfolio::api::records as api;
    use serde_json::json;
    let db = temp_db();
    let mut store = db.open();
    let samples = [
        (
            EntityKind::Initiative,
            json!({"name": "Churn", "status": "active", "priority": 2, "start": "2026-01", "end": "2026-12", "owner": "Lee", "objective": "Keep customers", "annual_benefit": {"minor": 250000000, "currency": "USD"}}),
        ),
        (
            EntityKind::Role,
            json!({"name": "ML engineer", "base_salary": {"minor": 17500000, "currency": "USD"}, "loaded_annual_cost": {"minor": 22750000, "currency": "USD"}}),
        ),
        (
            EntityKind::Person,
            json!({"name": "Lee Park", "email": "lee@example.com", "role_id": 1, "location": "Austin", "start": "2025-03", "end": null}),
        ),
        (
            EntityKind::Allocation,
            json!({"person_id": 1, "initiative_id": 1, "percent": 60, "start": "2026-01", "end": "2026-06", "model_id": null}),
        ),
        (
            EntityKind::Requisition,
            json!({"title": "Senior MLE", "role_id": 1, "initiative_id": 1, "start": "2027-01", "status": "open"}),
        ),
        (
            EntityKind::Vendor,
            json!({"name": "Scale AI", "category": "labeling", "contact": "ops@scale.example", "website": null}),
        ),
        (
            EntityKind::Model,
            json!({"name": "churn-xgb", "description": "", "owner": "Lee", "initiative_id": 1, "stage": "staging", "risk_tier": "high", "data_categories": ["pii", "behavioral"], "deployment": "k8s/prod", "notes": null, "purpose": "essential_services", "decides_about_people": true, "interacts_with_people": false, "generates_content": false, "ai_act_role": "deployer"}),
        ),
        (
            EntityKind::ModelVersion,
            json!({"model_id": 1, "version": "7", "stage": "production", "aliases": ["champion"], "run_id": "abc123", "notes": null}),
        ),
        (
            EntityKind::BudgetLine,
            json!({"initiative_id": 1, "month": "2026-02", "category": "compute", "amount": {"minor": 1234567, "currency": "USD"}, "note": "GPU"}),
        ),
        (
            EntityKind::Actual,
            json!({"initiative_id": null, "month": "2026-02", "category": "vendor", "amount": {"minor": -500, "currency": "USD"}, "source": "invoice", "vendor_id": 1, "model_id": 1, "note": "credit", "provider": "AWS", "service": "SageMaker", "resource": "arn:x", "tag": "sandbox", "one_off": false}),
        ),
        (
            EntityKind::Contract,
            json!({"vendor_id": 1, "title": "Labeling 2026", "initiative_id": 1, "value": {"minor": 12000000, "currency": "USD"}, "start": "2026-01-01", "end": "2026-12-31", "notice_days": 60, "auto_renew": true}),
        ),
        (
            EntityKind::VendorReview,
            json!({"vendor_id": 1, "date": "2026-06-30", "reviewer": "Ana", "score": 4, "notes": "fast"}),
        ),
        (
            EntityKind::Kpi,
            json!({"name": "p95 latency", "initiative_id": 1, "model_id": 1, "metric_key": "latency_p95_ms", "unit": "ms", "direction": "lower_is_better", "target_low": null, "target_high": 150.5, "cadence": "daily", "amber_margin": 10.0, "starred": true, "formula": null}),
        ),
        (
            EntityKind::KpiValue,
            json!({"kpi_id": 1, "date": "2026-11-30", "value": 142.5, "source": "typed", "note": "after the cache fix"}),
        ),
        (EntityKind::ContractModel, json!({"contract_id": 1, "model_id": 1, "share": 60})),
        (
            EntityKind::ControlItem,
            json!({"model_id": 1, "control": "gdpr-35", "status": "done", "owner": "Lee", "due": "2027-01-31", "evidence_kind": "file", "evidence": "/tmp/dpia.pdf", "evidence_sha256": "ab12", "evidence_size": 2048, "note": "signed by the DPO", "reason": null}),
        ),
        (EntityKind::Signoff, json!({"model_id": 1, "approver": "Ana", "at": "2026-11-30T10:00:00Z", "note": "ok"})),
        (EntityKind::Scenario, json!({"name": "Hire 3", "note": "Q3 hires"})),
        (
            EntityKind::Connection,
            json!({"name": "prod-prom", "kind": "prometheus", "base_url": "https://prom.example", "auth": "bearer", "username": null, "ca_file": null, "insecure_skip_verify": false, "interval_minutes": 15}),
        ),
    ];
    assert_eq!(samples.len(), EntityKind::ALL.len(), "a sample for every kind");
    for (kind, fields) in samples {
        let fields = fields.as_object().unwrap().clone();
        // Checklist items and sign-offs have their own commands; their table is the same.
        let id = if matches!(kind, EntityKind::ControlItem | EntityKind::Signoff) {
            store.in_transaction(|tx, actor| records::insert_json(tx, actor, kind, &fields)).unwrap()
        } else {
            api::create(&mut store, kind, fields.clone()).unwrap_or_else(|e| panic!("{kind}: {e}")).id
        };
        let read = api::get(&store, kind, id).unwrap();
        assert_eq!(read.fields, fields, "{kind} reads back as written");
    }
    // The governance register reads checklist items by its own query: the same records.
    let typed = mlops_portfolio::store::governance::control_items(store.conn(), None).unwrap();
    let generic = records::list::<mlops_portfolio::domain::ControlItem>(store.conn(), &Default::default()).unwrap();
    assert_eq!(typed, generic);
}

#[test]
fn backup_and_restore_round_trip() {
    let db = temp_db();
    let mut store = db.open();
    store.in_transaction(|tx, actor| records::insert(tx, actor, &initiative("Kept"))).unwrap();
    let backup = db.file("copy.db");
    mlops_portfolio::api::backup(&store, &backup).unwrap();
    store.in_transaction(|tx, actor| records::insert(tx, actor, &initiative("Added after"))).unwrap();
    assert_eq!(count(store.conn(), "initiatives"), 2);

    mlops_portfolio::api::restore(&mut store, &backup).unwrap();
    let names: Vec<String> = records::list::<Initiative>(store.conn(), &Default::default())
        .unwrap()
        .into_iter()
        .map(|s| s.record.name)
        .collect();
    assert_eq!(names, ["Kept"]);
    let integrity: String = store.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");

    let err = mlops_portfolio::api::backup(&store, &backup).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "an existing backup is never overwritten");
}

#[test]
fn restoring_something_that_is_not_a_portfolio_keeps_the_current_data() {
    let db = temp_db();
    let mut store = db.open();
    store.in_transaction(|tx, actor| records::insert(tx, actor, &initiative("Kept"))).unwrap();
    let junk = db.write("junk.db", "not a database at all, just text that is long enough");
    assert!(mlops_portfolio::api::restore(&mut store, &junk).is_err());
    let other = db.file("songs.db");
    Connection::open(&other).unwrap().execute_batch("CREATE TABLE songs (title TEXT)").unwrap();
    let err = mlops_portfolio::api::restore(&mut store, &other).unwrap_err();
    assert!(err.to_string().contains("not a portfolio"), "{err}");
    assert!(
        err.to_string().contains("songs.db") && !err.to_string().contains(".restore-"),
        "names the file given: {err}"
    );
    assert_eq!(count(store.conn(), "initiatives"), 1);
    let leftovers: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".restore-"))
        .collect();
    assert!(leftovers.is_empty(), "no scratch files left behind: {leftovers:?}");
}

#[test]
fn scratch_copies_a_killed_restore_left_are_removed_on_the_next_open() {
    let db = temp_db();
    let stale = db.write(".restore-20260101T000000.000-4242.db", "what a killed restore left");
    let fresh = db.write(".restore-20990101T000000.000-4343.db", "a restore running now");
    let touched = std::process::Command::new("touch").args(["-d", "2 hours ago"]).arg(&stale).status().unwrap();
    assert!(touched.success());
    drop(db.open());
    assert!(!stale.exists(), "a scratch copy hours old is removed");
    assert!(fresh.exists(), "a recent one may belong to a restore in progress");
}

#[test]
fn null_clears_optional_fields_of_any_type() {
    use mlops_portfolio::api::records as api;
    use serde_json::json;
    let db = temp_db();
    let mut store = db.open();
    let fields = json!({"name": "Churn", "objective": null, "owner": null, "status": "active", "priority": 2, "start": "2026-01", "end": null});
    let created = api::create(&mut store, EntityKind::Initiative, fields.as_object().unwrap().clone()).unwrap();
    assert_eq!(created.fields["objective"], "", "a null text field is stored empty");
    let changes = json!({"owner": "Lee", "end": "2026-12"});
    api::update(&mut store, EntityKind::Initiative, created.id, changes.as_object().unwrap().clone()).unwrap();
    let cleared = json!({"owner": null, "end": null});
    let updated =
        api::update(&mut store, EntityKind::Initiative, created.id, cleared.as_object().unwrap().clone()).unwrap();
    assert_eq!(updated.fields["owner"], "");
    assert_eq!(updated.fields["end"], serde_json::Value::Null);
    let required = json!({"status": null});
    let err =
        api::update(&mut store, EntityKind::Initiative, created.id, required.as_object().unwrap().clone()).unwrap_err();
    assert!(err.to_string().contains("missing: status"), "a required field cannot be cleared: {err}");
}

/// Every command of the list either writes to the portfolio — and then leaves an audit row in the
/// same transaction — or does not write to it at all. A new command must be put in one of the
/// lists below, so no writer can forget its audit row (one write path, one typed audit event).
#[test]
fn every_write_command_leaves_its_audit_row_and_no_read_leaves_one() {
    use mlops_portfolio::api::{self, Session, commands::COMMAND_NAMES};
    use serde_json::{Value, json};

    // Commands that change the portfolio file, each with a request that succeeds, in an order
    // where each finds what it needs.
    let db = temp_file();
    let backup = db.file("before.db");
    let budgets =
        db.write("budgets.csv", "initiative,month,category,amount,currency\nSearch,2026-01,compute,1000.00,USD\n");
    let actuals =
        db.write("actuals.csv", "initiative,month,category,amount,currency\nSearch,2026-02,compute,750.00,USD\n");
    let scenario_file = db.write(
        "scenario.json",
        r#"{"format": "mlops-portfolio.scenario", "version": 1, "name": "Imported", "note": "",
            "changes": [{"kind": "spend", "category": "compute", "start": "2027-01", "change": "-10%"}]}"#,
    );
    let writes: Vec<(&str, Value)> = vec![
        ("init", json!({ "currency": "USD" })),
        (
            "create_record",
            json!({ "kind": "initiative", "fields": { "name": "Search", "status": "active", "priority": 1, "start": "2026-01" } }),
        ),
        ("update_record", json!({ "kind": "initiative", "id": 1, "changes": { "priority": 2 } })),
        ("fx_set", json!({ "currency": "EUR", "rate": "1.08" })),
        ("import", json!({ "kind": "budgets", "path": budgets })),
        ("import", json!({ "kind": "actuals", "path": actuals })),
        ("budget_copy", json!({ "source": { "from": "year", "year": 2026 }, "to_year": 2027 })),
        (
            "budget_set",
            json!({ "initiative": 1, "cells": [{ "month": "2026-03", "category": "compute", "amount": { "minor": 50000, "currency": "USD" } }] }),
        ),
        ("mark_one_off", json!({ "initiative": "Search", "month": "2026-02", "category": "compute", "one_off": true })),
        ("set_planning_settings", json!({ "fiscal_year_start": 4, "attention_floor": "2,500.00" })),
        ("scenario_new", json!({ "name": "Plan" })),
        (
            "scenario_add",
            json!({ "name": "Plan", "change": { "kind": "spend", "fields": { "category": "compute", "start": "2027-01", "change": "-10%" } } }),
        ),
        ("scenario_drop", json!({ "name": "Plan", "position": 1 })),
        ("scenario_remove", json!({ "name": "Plan" })),
        ("scenario_import", json!({ "path": scenario_file })),
        (
            "add_connection",
            json!({ "connection": { "name": "prom", "kind": "prometheus", "base_url": "http://127.0.0.1:9", "auth": "none",
                                     "username": null, "ca_file": null, "insecure_skip_verify": false, "interval_minutes": 15 } }),
        ),
        ("remove_connection", json!({ "name": "prom" })),
        ("restore", json!({ "path": backup })),
        ("remove_record", json!({ "kind": "budget", "id": 1 })),
    ];
    // Commands that steer something else: the OS keyring (a secret never touches the file) and
    // background sync (each run is audited by the sync engine, `sync-write`).
    let elsewhere = ["set_connection_secret", "sync_now", "cancel_sync"];
    for name in COMMAND_NAMES {
        let listed = usize::from(writes.iter().any(|(w, _)| w == name)) + usize::from(elsewhere.contains(name));
        assert!(listed <= 1, "{name} is listed twice");
    }

    let mut session = Session::new(db.open());
    let audit_rows = |session: &Session| -> i64 {
        session.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap()
    };
    for (name, request) in &writes {
        let before = audit_rows(&session);
        api::commands::dispatch(&mut session, name, request.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let after = audit_rows(&session);
        assert!(after > before || *name == "restore", "{name} wrote without an audit row");
        if *name == "remove_connection" {
            // Take the backup that `restore` brings back, after a few writes.
            api::commands::dispatch(&mut session, "backup", json!({ "path": backup })).unwrap();
        }
    }
    let restored: String = session
        .conn()
        .query_row("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(restored, "restore", "a restore is audited (the newest row is the removal after it)");

    // Every other command reads: whatever its answer (a bad request included), no audit row.
    for name in COMMAND_NAMES.iter().filter(|n| !writes.iter().any(|(w, _)| w == *n) && !elsewhere.contains(n)) {
        let before = audit_rows(&session);
        let _answer = api::commands::dispatch(&mut session, name, json!({}));
        let _answer = api::commands::dispatch(
            &mut session,
            name,
            json!({ "kind": "initiative", "id": 1, "path": db.file("x.html") }),
        );
        assert_eq!(audit_rows(&session), before, "{name} is not in the list of writes, yet it wrote an audit row");
    }
    // The writers outside the command list (the CLI's metric and cost-mapping verbs) audit too.
    let mut store = db.open();
    records::insert(
        store.conn(),
        "tester",
        &Model {
            name: "ranker".into(),
            description: String::new(),
            owner: String::new(),
            initiative_id: None,
            stage: ModelStage::Production,
            risk_tier: RiskTier::Low,
            data_categories: Vec::new(),
            deployment: None,
            notes: None,
            purpose: None,
            decides_about_people: None,
            interacts_with_people: None,
            generates_content: None,
            ai_act_role: None,
        },
    )
    .unwrap();
    let count =
        |store: &Store| -> i64 { store.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap() };
    let before = count(&store);
    let connection = json!({ "connection": { "name": "costs", "kind": "opencost", "base_url": "http://127.0.0.1:9", "auth": "none",
                                             "username": null, "ca_file": null, "insecure_skip_verify": false, "interval_minutes": 15 } });
    api::commands::dispatch(&mut Session::new(db.open()), "add_connection", connection).unwrap();
    let map = api::metrics::CostMapRequest {
        connection: None,
        label: "namespace".into(),
        value: "rank".into(),
        model: "ranker".into(),
    };
    api::metrics::cost_map(&mut store, &map).unwrap();
    api::metrics::cost_unmap(&mut store, None, "namespace", "rank").unwrap();
    assert_eq!(count(&store), before + 3, "add connection, map, unmap: three audit rows");
}

/// What the store remembers (the planning core's inputs) is computed again after any write, by
/// this connection or another (another process included), and not otherwise.
#[test]
fn a_remembered_value_lasts_until_the_file_changes_from_any_connection() {
    let db = temp_db();
    let (mine, other) = (db.open(), db.open());
    let computed = std::cell::Cell::new(0);
    let initiatives = |store: &Store| {
        *store
            .remembered("initiatives", |conn| {
                computed.set(computed.get() + 1);
                Ok(count(conn, "initiatives"))
            })
            .unwrap()
    };
    assert_eq!(initiatives(&mine), 0);
    assert_eq!(initiatives(&mine), 0);
    assert_eq!(computed.get(), 1, "unchanged: not computed again");
    records::insert(other.conn(), "tester", &initiative("Search")).unwrap();
    assert_eq!(initiatives(&mine), 1, "another connection's commit is seen");
    records::insert(mine.conn(), "tester", &initiative("Fraud")).unwrap();
    assert_eq!(initiatives(&mine), 2, "this connection's write is seen");
    assert_eq!(computed.get(), 3);
    let other_key = mine.remembered("something else", |_| Ok(7)).unwrap();
    assert_eq!(*other_key, 7);
    assert_eq!(initiatives(&mine), 2);
    assert_eq!(computed.get(), 4, "one value is kept: another key replaced it");
}
