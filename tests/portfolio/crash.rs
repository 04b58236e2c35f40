//! Killing the process (SIGKILL) in the middle of a large import, many times: the file stays
//! sound and each import is either wholly there or not there at all.

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
