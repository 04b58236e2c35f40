//! KPI values from every source and the scorecard, through the command list on a real portfolio
//! file: typed values replace the day's value and are audited, imported files are all or nothing
//! with errors that name the row and column, synced values are read from the metric store, and
//! the scorecard judges each KPI by the planning core's one rule. Fully loaded cost per model
//! through the command list adds up to the period's spend.

use mlops_portfolio::api::{Session, commands};
use mlops_portfolio::domain::*;
use serde_json::{Value, json};

use crate::analytics::{initiative, insert};
use crate::{TempDb, temp_db};

fn session(db: &TempDb) -> Session {
    Session::from(db.open())
}

fn kpi(db: &TempDb, name: &str, low: Option<f64>, high: Option<f64>, cadence: KpiCadence) -> KpiId {
    let store = db.open();
    let fraud = initiative(&store, &format!("{name} team"), InitiativeStatus::Active, None);
    insert(
        &store,
        Kpi {
            name: name.into(),
            initiative_id: Some(fraud),
            model_id: None,
            metric_key: None,
            unit: "ratio".into(),
            direction: if low.is_some() { KpiDirection::HigherIsBetter } else { KpiDirection::LowerIsBetter },
            target_low: low,
            target_high: high,
            cadence,
            amber_margin: None,
            starred: false,
            formula: None,
        },
    )
}

/// The production model `fraud-scorer` of `team`.
fn scorer(store: &mlops_portfolio::store::Store, team: InitiativeId) -> ModelId {
    insert(
        store,
        Model {
            name: "fraud-scorer".into(),
            description: String::new(),
            owner: String::new(),
            initiative_id: Some(team),
            stage: ModelStage::Production,
            risk_tier: RiskTier::High,
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
}

fn count(db: &TempDb, sql: &str) -> i64 {
    db.open().conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn scorecard(session: &mut Session, as_of: &str) -> Value {
    commands::dispatch(session, "kpi_scorecard", json!({"as_of": as_of})).expect("the scorecard")
}

fn row<'a>(card: &'a Value, name: &str) -> &'a Value {
    card["rows"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("{name}: {card}"))
}

#[test]
fn a_typed_value_is_recorded_replaces_its_days_value_and_is_audited() {
    let db = temp_db();
    kpi(&db, "Deflection rate", Some(0.60), None, KpiCadence::Weekly);
    let mut s = session(&db);
    let first = commands::dispatch(
        &mut s,
        "kpi_record",
        json!({"kpi": "deflection RATE", "value": 0.58, "date": "2026-11-30", "note": "after the FAQ rewrite"}),
    )
    .expect("recorded");
    assert_eq!((first["replaced"].clone(), first["status"].clone()), (Value::Null, json!("amber")));
    let second =
        commands::dispatch(&mut s, "kpi_record", json!({"kpi": "Deflection rate", "value": 0.5, "date": "2026-11-30"}))
            .expect("recorded again");
    assert_eq!((second["replaced"].clone(), second["status"].clone()), (json!(0.58), json!("red")));
    assert_eq!(count(&db, "SELECT count(*) FROM kpi_values"), 1, "one value a day");
    let actions: Vec<String> = db
        .open()
        .conn()
        .prepare("SELECT action FROM audit_log WHERE entity = 'kpi-value' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(actions, ["create", "update"]);

    let card = scorecard(&mut s, "2026-12-03");
    let deflection = row(&card, "Deflection rate");
    assert_eq!(deflection["value"], 0.5);
    assert_eq!(deflection["status"], "red");
    assert_eq!(deflection["source"], "typed");
    assert_eq!(deflection["age_days"], 3);
    assert_eq!(scorecard(&mut s, "2026-12-11")["rows"][0]["status"], "stale", "weekly: 11 days is too old");
    assert_eq!(scorecard(&mut s, "2026-11-29")["rows"][0]["status"], "no_data", "nothing on or before that day");

    let err =
        commands::dispatch(&mut s, "kpi_record", json!({"kpi": "Deflection rate", "value": 0.7, "date": "2999-01-01"}))
            .unwrap_err();
    assert!(err.to_string().contains("date: 2999-01-01 is after today"), "{err}");
    let err = commands::dispatch(&mut s, "kpi_record", json!({"kpi": "Uptime", "value": 1.0})).unwrap_err();
    assert!(err.to_string().contains("no kpi named `Uptime`"), "{err}");
    let err = commands::dispatch(&mut s, "kpi_record", json!({"kpi": "Deflection rate", "value": "high"})).unwrap_err();
    assert!(err.to_string().contains("value"), "{err}");
}

#[test]
fn an_imported_file_sets_values_all_or_nothing_and_says_where_it_is_wrong() {
    let db = temp_db();
    kpi(&db, "Hours saved", Some(1000.0), None, KpiCadence::Monthly);
    kpi(&db, "Escalation rate", None, Some(0.1), KpiCadence::Weekly);
    let mut s = session(&db);
    let good = db.write(
        "values.csv",
        "KPI,Date,Value,Note\nhours-saved,2026-09-30,\"1,050\",\nHours saved,2026-10-31,980,short month\n\
         Escalation rate,2026-11-27,0.09,\n",
    );
    let request = json!({"kind": "kpi_values", "path": good});
    let preview = commands::dispatch(&mut s, "preview_import", request.clone()).expect("a preview");
    assert_eq!((preview["would_write"].clone(), preview["kpi_values"][0]["value"].clone()), (json!(3), json!(1050.0)));
    assert_eq!(count(&db, "SELECT count(*) FROM kpi_values"), 0, "a preview writes nothing");
    let report = commands::dispatch(&mut s, "import", request.clone()).expect("imported");
    assert_eq!((report["rows"].clone(), report["written"].clone()), (json!(3), json!(3)));
    let again = commands::dispatch(&mut s, "import", request).expect("imported again");
    assert_eq!((again["written"].clone(), again["duplicates"].clone()), (json!(0), json!(3)), "idempotent");
    assert_eq!(count(&db, "SELECT count(*) FROM audit_log WHERE action = 'import'"), 2, "one audit row a file");

    let card = scorecard(&mut s, "2026-11-30");
    assert_eq!(row(&card, "Hours saved")["status"], "amber", "980 is within 5% of 1,000");
    assert_eq!(row(&card, "Hours saved")["trend"], "worsening");
    assert_eq!(row(&card, "Hours saved")["source"], "imported");
    assert_eq!(row(&card, "Escalation rate")["status"], "green");

    let bad = db.write(
        "bad.csv",
        "kpi,date,value\nHours saved,2026-11-30,1200\nUptime,2026-11-30,1\nHours saved,30/11/2026,1\n\
         Escalation rate,2026-11-30,9%\nHours saved,2026-11-30,1300\nHours saved,2999-01-01,5\n",
    );
    let err = commands::dispatch(&mut s, "import", json!({"kind": "kpi_values", "path": bad})).unwrap_err();
    let message = err.to_string();
    for expected in [
        "5 rows are bad; nothing was imported",
        "row 3, column `kpi`: is not a KPI",
        "row 4, column `date`: `30/11/2026` is not a date",
        "row 5, column `value`: `9%` has a percent sign",
        "row 6, column `date`: Hours saved already has a value for 2026-11-30 on row 2",
        "row 7, column `date`: 2999-01-01 is after today",
    ] {
        assert!(message.contains(expected), "missing `{expected}` in:\n{message}");
    }
    assert_eq!(count(&db, "SELECT count(*) FROM kpi_values"), 3, "nothing of the bad file was written");
    let err = commands::dispatch(
        &mut s,
        "import",
        json!({"kind": "kpi_values", "path": db.write("cols.csv", "kpi,day,value\n")}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("column `day`: is not a column"), "{err}");
}

#[test]
fn a_bound_kpi_reads_its_metrics_daily_values_and_a_typed_value_wins_its_day() {
    let db = temp_db();
    let store = db.open();
    let team = initiative(&store, "Fraud", InitiativeStatus::Active, None);
    let model = scorer(&store, team);
    insert(
        &store,
        Kpi {
            name: "Precision".into(),
            initiative_id: Some(team),
            model_id: Some(model),
            metric_key: Some("precision".into()),
            unit: "ratio".into(),
            direction: KpiDirection::HigherIsBetter,
            target_low: Some(0.9),
            target_high: None,
            cadence: KpiCadence::Daily,
            amber_margin: Some(0.01),
            starred: true,
            formula: None,
        },
    );
    // What the sync writes: a series and its daily rollups (sum and count of the day's samples).
    let conn = store.conn();
    conn.execute("INSERT INTO metric_series (model_id, key, unit) VALUES (?1, 'precision', 'ratio')", [model.0])
        .unwrap();
    let series = conn.last_insert_rowid();
    for (day, sum, n) in [("2026-11-28", 1.86, 2), ("2026-11-29", 0.95, 1), ("2026-11-30", 2.66, 3)] {
        let bucket = day.parse::<chrono::NaiveDate>().unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
        conn.execute(
            "INSERT INTO metric_rollups (series_id, grain, bucket, count, sum, min, max, last)
             VALUES (?1, 'day', ?2, ?3, ?4, 0, 1, 0)",
            rusqlite::params![series, bucket, n, sum],
        )
        .unwrap();
    }
    drop(store);
    let mut s = session(&db);
    let card = scorecard(&mut s, "2026-12-01");
    let precision = row(&card, "Precision");
    assert!((precision["value"].as_f64().unwrap() - 0.8867).abs() < 1e-3, "{precision}");
    assert_eq!(precision["status"], "red", "0.887 is more than 0.01 below 0.9");
    assert_eq!(precision["source"], "synced");
    assert_eq!(precision["bound_to"], "precision of fraud-scorer");
    assert_eq!(precision["recent"].as_array().unwrap().len(), 3);
    assert_eq!(precision["trend"], "worsening");

    commands::dispatch(&mut s, "kpi_record", json!({"kpi": "Precision", "value": 0.895, "date": "2026-11-30"}))
        .unwrap();
    let precision = row(&scorecard(&mut s, "2026-12-01"), "Precision").clone();
    assert_eq!((precision["value"].clone(), precision["source"].clone()), (json!(0.895), json!("typed")));
    assert_eq!(precision["status"], "amber");
    assert_eq!(scorecard(&mut s, "2026-12-03")["rows"][0]["status"], "stale", "daily: three days is too old");
}

#[test]
fn the_demo_costs_every_model_through_the_command_list_and_states_its_rules() {
    let db = temp_db();
    let mut s = session(&db);
    mlops_portfolio::demo::build(&mut s, mlops_portfolio::demo::DemoScale::Small, "2026-11".parse().unwrap())
        .expect("the demo");
    let costs = commands::dispatch(&mut s, "cost_models", json!({"period": "2026", "as_of": "2026-10"})).unwrap();
    let models: i64 = costs["models"].as_array().unwrap().iter().map(|m| m["total_minor"].as_i64().unwrap()).sum();
    assert_eq!(models + costs["unattributed_minor"].as_i64().unwrap(), costs["total_minor"].as_i64().unwrap());
    let summary = commands::dispatch(&mut s, "summary", json!({"as_of": "2026-10", "period": "2026"})).unwrap();
    assert_eq!(costs["total_minor"], summary["actual_to_date_minor"], "the period's spend to date");
    assert_eq!(costs["rules"].as_array().unwrap().len(), 4);
    assert_eq!(costs["months"].as_array().unwrap().len(), 10);

    let values = commands::dispatch(&mut s, "initiative_values", json!({"as_of": "2026-10"})).unwrap();
    let fraud = values.as_array().unwrap().iter().find(|v| v["name"] == "Fraud detection").unwrap();
    assert_eq!(fraud["annual_benefit_minor"], 900_000_000);
    let roi = fraud["roi"].as_f64().unwrap();
    let expected = 900_000_000.0 / fraud["annual_cost_minor"].as_f64().unwrap();
    assert!((roi - expected).abs() < 1e-9, "ROI is benefit ÷ annual cost: {fraud}");
    let err = commands::dispatch(&mut s, "cost_models", json!({"period": "last year"})).unwrap_err();
    assert!(err.to_string().contains("is not a period"), "{err}");
}

#[test]
fn breaching_and_stale_metrics_and_red_kpis_are_listed_and_join_the_attention_list() {
    let db = temp_db();
    let store = db.open();
    let team = initiative(&store, "Fraud", InitiativeStatus::Active, None);
    let model = scorer(&store, team);
    let conn = store.conn();
    conn.execute(
        "INSERT INTO connections (name, kind, base_url, auth, interval_minutes) VALUES ('prom', 'prometheus', 'http://127.0.0.1:9', 'none', 15)",
        [],
    )
    .unwrap();
    let connection = conn.last_insert_rowid();
    let now = chrono::Utc::now().timestamp();
    // Latency: fine until 30 minutes ago, above its 200 ms threshold since, sampled every minute.
    // Drift: its last point arrived ten hours ago (stale after 2 × (15 min + 60 s) = 32 min).
    for (key, threshold, bad_when) in [("latency_p95_ms", 200.0, "above"), ("drift_p_value", 0.05, "below")] {
        conn.execute(
            "INSERT INTO metric_series (model_id, connection_id, key, unit, query, step_seconds, threshold, bad_when)
             VALUES (?1, ?2, ?3, 'ms', 'q', 60, ?4, ?5)",
            rusqlite::params![model.0, connection, key, threshold, bad_when],
        )
        .unwrap();
    }
    let latency = conn
        .query_row("SELECT id FROM metric_series WHERE key = 'latency_p95_ms'", [], |r| r.get::<_, i64>(0))
        .unwrap();
    let drift =
        conn.query_row("SELECT id FROM metric_series WHERE key = 'drift_p_value'", [], |r| r.get::<_, i64>(0)).unwrap();
    for minutes in (1..=60).rev() {
        let value = if minutes > 30 { 150.0 } else { 260.0 };
        conn.execute(
            "INSERT INTO metric_samples (series_id, ts, value) VALUES (?1, ?2, ?3)",
            rusqlite::params![latency, now - minutes * 60, value],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO metric_samples (series_id, ts, value) VALUES (?1, ?2, 0.4)",
        rusqlite::params![drift, now - 36_000],
    )
    .unwrap();
    drop(store);
    kpi(&db, "Hours saved", Some(1000.0), None, KpiCadence::Monthly);
    let mut s = session(&db);
    commands::dispatch(&mut s, "kpi_record", json!({"kpi": "Hours saved", "value": 700.0})).unwrap();

    let breaches = commands::dispatch(&mut s, "metric_breaches", json!({})).unwrap();
    assert_eq!(breaches["bound_metrics"], 2);
    let list = breaches["breaches"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{breaches}");
    assert_eq!((list[0]["kind"].clone(), list[0]["key"].clone()), (json!("breaching"), json!("latency_p95_ms")));
    assert_eq!(list[0]["since"], now - 30 * 60, "from the first bad point after the last good one");
    assert_eq!((list[1]["kind"].clone(), list[1]["key"].clone()), (json!("stale"), json!("drift_p_value")));
    assert_eq!(list[1]["since"], now - 36_000 + 2 * (15 * 60 + 60), "stale once older than the schedule allows");

    let summary = commands::dispatch(&mut s, "summary", json!({})).unwrap();
    let kinds: Vec<&str> =
        summary["attention"].as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap()).collect();
    for kind in ["kpi_red", "metric_breaching", "metric_stale"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let red = summary["attention"].as_array().unwrap().iter().find(|a| a["kind"] == "kpi_red").unwrap();
    assert_eq!(red["headline"], "Hours saved is off target at 700");
}

#[test]
fn a_model_with_a_bound_throughput_metric_has_a_cost_per_thousand_predictions() {
    let db = temp_db();
    let store = db.open();
    let team = initiative(&store, "Fraud", InitiativeStatus::Active, None);
    let model = scorer(&store, team);
    insert(
        &store,
        Actual {
            initiative_id: Some(team),
            month: "2026-10".parse().unwrap(),
            category: Category::Compute,
            amount: crate::analytics::usd(1_000),
            source: ActualSource::Manual,
            vendor_id: None,
            model_id: Some(model),
            note: None,
            provider: None,
            service: None,
            resource: None,
            tag: None,
            one_off: false,
        },
    );
    // Ten predictions a second every day of October: 26,784,000 predictions.
    let conn = store.conn();
    conn.execute("INSERT INTO metric_series (model_id, key, unit) VALUES (?1, 'requests_per_s', 'req/s')", [model.0])
        .unwrap();
    let series = conn.last_insert_rowid();
    for day in 1..=31 {
        let bucket =
            chrono::NaiveDate::from_ymd_opt(2026, 10, day).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
        conn.execute(
            "INSERT INTO metric_rollups (series_id, grain, bucket, count, sum, min, max, last) VALUES (?1, 'day', ?2, 2, 20, 10, 10, 10)",
            rusqlite::params![series, bucket],
        )
        .unwrap();
    }
    drop(store);
    let mut s = session(&db);
    let costs = commands::dispatch(&mut s, "cost_models", json!({"period": "2026", "as_of": "2026-10"})).unwrap();
    let scorer = costs["models"].as_array().unwrap().iter().find(|m| m["name"] == "fraud-scorer").unwrap();
    assert_eq!(scorer["total_minor"], 100_000);
    let per_thousand = scorer["per_1000_predictions"].as_f64().unwrap();
    assert!((per_thousand - 1_000.0 / 26_784_000.0 * 1_000.0).abs() < 1e-12, "{scorer}");
}
