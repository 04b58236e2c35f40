//! Killing the process (SIGKILL) in the middle of a large import or sync, many times: the file
//! stays sound, each import is either wholly there or not there at all, and a sync picks up where
//! its committed batches end.

use std::process::{Command, Stdio};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rusqlite::Connection;

use super::cli::ok;
use super::{TempDb, temp_file};

const ROWS: usize = 60_000;
const KILLS: usize = 12;

fn import_command(db: &TempDb, file: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mlops-portfolio"));
    command.arg("--db").arg(&db.path).args(["import", "focus"]).arg(file).stdout(Stdio::null()).stderr(Stdio::null());
    command
}

fn state(db: &TempDb) -> (String, i64, i64) {
    let conn = Connection::open(&db.path).expect("the file opens after a kill");
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    let imports: i64 = conn.query_row("SELECT count(*) FROM imports", [], |r| r.get(0)).unwrap();
    let actuals: i64 = conn.query_row("SELECT count(*) FROM actuals", [], |r| r.get(0)).unwrap();
    (integrity, imports, actuals)
}

#[test]
fn killing_an_import_midway_leaves_all_or_nothing_and_a_sound_file() {
    let db = temp_file();
    ok(&db, &["init"]);
    for name in ["Fraud detection", "Churn"] {
        ok(&db, &["add", "initiative", &format!("name={name}"), "status=active", "priority=2", "start=2025-01"]);
    }
    let file = db.file("bill.csv");
    let names = vec!["Fraud detection".to_owned(), "Churn".to_owned()];
    let writer = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    mlops_portfolio::demo::billing::write_focus_export(writer, ROWS, &names, "2025-01".parse().unwrap(), 6, 11)
        .unwrap();

    // How long one whole import takes here, on a copy, so the kills land throughout it.
    let probe = temp_file();
    ok(&probe, &["init"]);
    let started = Instant::now();
    assert!(import_command(&probe, &file).status().unwrap().success(), "a whole import succeeds");
    let full = started.elapsed();
    let expected_rows = state(&probe).2;
    assert_eq!(expected_rows, ROWS as i64);

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let mut interrupted = 0;
    for attempt in 0..KILLS {
        let mut child = import_command(&db, &file).spawn().unwrap();
        let wait = full.mul_f64(rng.random_range(0.05..0.95));
        std::thread::sleep(wait);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on Unix
            interrupted += 1;
        }
        child.wait().unwrap();
        let (integrity, imports, actuals) = state(&db);
        assert_eq!(integrity, "ok", "attempt {attempt}: integrity after the kill");
        assert!(
            (imports == 0 && actuals == 0) || (imports == 1 && actuals == expected_rows),
            "attempt {attempt}: a partial import is visible: {imports} imports, {actuals} actuals"
        );
        if imports == 1 {
            break;
        }
    }
    assert!(interrupted > 0, "at least one import was killed midway");

    assert!(import_command(&db, &file).status().unwrap().success());
    let (integrity, imports, actuals) = state(&db);
    assert_eq!(integrity, "ok");
    assert_eq!(actuals, expected_rows, "after the kills, the import completes exactly once");
    assert!(imports >= 1);
}

/// The metric bindings of the large sync: eight models reading the ten-day series every 15 s
/// (about 57,600 points each, six requests of at most 11,000).
const SYNC_MODELS: usize = 8;

fn large_sync_portfolio(url: &str) -> TempDb {
    let db = temp_file();
    ok(&db, &["init"]);
    ok(
        &db,
        &[
            "add",
            "connection",
            "name=cluster",
            "kind=prometheus",
            &format!("base_url={url}"),
            "auth=none",
            "interval_minutes=15",
        ],
    );
    for i in 0..SYNC_MODELS {
        let model = format!("model-{i}");
        ok(&db, &["add", "model", &format!("name={model}"), "stage=staging", "risk_tier=low"]);
        ok(
            &db,
            &[
                "metric",
                "bind",
                &model,
                "latency_p95_ms",
                "--query",
                r#"model_latency_ms{model="fraud-gbm"}"#,
                "--unit",
                "ms",
                "--step",
                "15s",
            ],
        );
    }
    db
}

fn sync_command(db: &TempDb) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mlops-portfolio"));
    command.arg("--db").arg(&db.path).arg("sync").stdout(Stdio::null()).stderr(Stdio::null());
    command
}

/// Integrity, then what the sync stored: points, their total, rollups and their total.
fn synced_state(db: &TempDb) -> (String, i64, f64, i64, f64) {
    let conn = Connection::open(&db.path).expect("the file opens after a kill");
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    let (points, point_total) = conn
        .query_row("SELECT count(*), total(value) FROM metric_samples", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let (rollups, rollup_total) =
        conn.query_row("SELECT count(*), total(sum) FROM metric_rollups", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    (integrity, points, point_total, rollups, rollup_total)
}

#[test]
fn killing_a_large_sync_midway_leaves_a_sound_file_and_the_next_sync_completes_without_duplicates() {
    let history = super::prometheus_server::known_history();
    let server = super::prometheus_server::PrometheusServer::start(&history.openmetrics);

    // A clean run, timed, so the kills land throughout a run.
    let clean = large_sync_portfolio(&server.url);
    let started = Instant::now();
    assert!(sync_command(&clean).status().unwrap().success(), "a whole sync succeeds");
    let full = started.elapsed();
    let expected = synced_state(&clean);
    assert!(expected.1 > 400_000, "a large sync: {} points", expected.1);

    let db = large_sync_portfolio(&server.url);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
    let mut interrupted = 0;
    for attempt in 0..KILLS {
        let mut child = sync_command(&db).spawn().unwrap();
        std::thread::sleep(full.mul_f64(rng.random_range(0.05..0.9)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on Unix
            interrupted += 1;
        }
        child.wait().unwrap();
        let (integrity, points, ..) = synced_state(&db);
        assert_eq!(integrity, "ok", "attempt {attempt}: integrity after the kill");
        assert!(points <= expected.1, "attempt {attempt}: more points than a clean run");
        if points == expected.1 {
            break;
        }
    }
    assert!(interrupted > 0, "at least one sync was killed midway");

    assert!(sync_command(&db).status().unwrap().success(), "the sync after the kills succeeds");
    assert_eq!(synced_state(&db), expected, "the same points and rollups as a clean run, none twice");
    let conn = Connection::open(&db.path).unwrap();
    let unfinished: i64 =
        conn.query_row("SELECT count(*) FROM sync_runs WHERE status = 'running'", [], |r| r.get(0)).unwrap();
    assert_eq!(unfinished, 0, "runs cut short by a kill are marked interrupted");
    let interrupted_rows: i64 =
        conn.query_row("SELECT count(*) FROM sync_runs WHERE error LIKE 'interrupted%'", [], |r| r.get(0)).unwrap();
    assert!(interrupted_rows >= 1);
}
