//! The OS keyring for real: connection secrets round-trip through a Secret Service (gnome-keyring)
//! and land there — not in the keyring crate's in-memory mock, which a wrong feature choice
//! would silently select. `secret-tool` (libsecret) reads the entries independently.
//!
//! Run with `scripts/with-keyring cargo test --test keyring` (scripts/test does), which starts a
//! D-Bus session with an unlocked gnome-keyring in throwaway folders. Without a Secret Service
//! these tests fail with that instruction; they do not skip. Run single-threaded: they share one
//! keyring (a lock keeps them one at a time even without --test-threads=1).

#![allow(clippy::unwrap_used)]

#[path = "support/mlflow_server.rs"]
mod mlflow_server;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use mlops_portfolio::api::connections::{self, AddConnectionRequest};
use mlops_portfolio::connect::credentials::{SERVICE, SecretKey, secret_for};
use mlops_portfolio::connect::{OsKeyring, Secret, SecretStore};
use mlops_portfolio::domain::{AuthKind, Connection, ConnectionId, ConnectionKind};
use mlops_portfolio::store::Store;

/// The tests share one keyring; one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Fails, with the way to fix it, unless a Secret Service answers on the session bus.
fn require_secret_service() {
    let how = "run these tests with `scripts/with-keyring cargo test --test keyring` (it needs: apt-get install \
               gnome-keyring libsecret-tools dbus-daemon)";
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service to test against; {how}"
    );
    let probe = Command::new("secret-tool").args(["search", "service", "mlops-portfolio-probe"]).output();
    match probe {
        Ok(out) => assert!(
            out.status.success() || out.stderr.is_empty(),
            "the Secret Service does not answer: {}; {how}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!("cannot run secret-tool ({e}); {how}"),
    }
}

/// What `secret-tool` finds for an account of this app, read outside the keyring crate.
fn secret_tool_lookup(account: &str) -> Option<String> {
    let out = Command::new("secret-tool").args(["lookup", "service", SERVICE, "username", account]).output().unwrap();
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn bearer(name: &str) -> Connection {
    Connection {
        name: name.into(),
        kind: ConnectionKind::Mlflow,
        base_url: "https://mlflow.example".into(),
        auth: AuthKind::Bearer,
        username: None,
        ca_file: None,
        insecure_skip_verify: false,
        interval_minutes: 30,
    }
}

#[test]
fn a_secret_round_trips_through_the_secret_service() {
    let _one = serial();
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let key = SecretKey::new(&dir.path().join("p.db"), ConnectionId(7), "prod");
    assert_eq!(OsKeyring.get(&key).unwrap(), None, "a fresh keyring has no entry");
    OsKeyring.set(&key, &Secret::new("s3cr3t-token")).unwrap();
    assert_eq!(OsKeyring.get(&key).unwrap(), Some(Secret::new("s3cr3t-token")));
    assert_eq!(
        secret_tool_lookup(&key.account).as_deref(),
        Some("s3cr3t-token"),
        "the entry is in gnome-keyring itself, not in an in-memory mock"
    );
    OsKeyring.set(&key, &Secret::new("rotated")).unwrap();
    assert_eq!(secret_tool_lookup(&key.account).as_deref(), Some("rotated"), "set replaces");
    OsKeyring.delete(&key).unwrap();
    assert_eq!(OsKeyring.get(&key).unwrap(), None);
    assert_eq!(secret_tool_lookup(&key.account), None);
    OsKeyring.delete(&key).unwrap();
}

#[test]
fn adding_and_removing_a_connection_adds_and_removes_its_keyring_entry() {
    let _one = serial();
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as(&dir.path().join("p.db"), "tester").unwrap();
    let other = Store::open_as(&dir.path().join("other.db"), "tester").unwrap();
    let request = AddConnectionRequest { connection: bearer("prod-mlflow"), secret: Some(Secret::new("tok-A1")) };
    let added = connections::add(&mut store, &OsKeyring, request).unwrap();
    let id = ConnectionId(added.id);
    let account = SecretKey::new(store.path(), id, "prod-mlflow").account;
    assert_eq!(secret_tool_lookup(&account).as_deref(), Some("tok-A1"));
    assert_eq!(secret_for(&OsKeyring, store.path(), id, &bearer("prod-mlflow")).unwrap(), Some(Secret::new("tok-A1")));
    assert_eq!(
        secret_for(&OsKeyring, other.path(), id, &bearer("prod-mlflow")).unwrap(),
        None,
        "another portfolio file's connection 1 does not see this secret"
    );
    connections::remove(&mut store, &OsKeyring, id.0).unwrap();
    assert_eq!(secret_tool_lookup(&account), None, "removing the connection removes its secret");
}

#[test]
fn the_cli_reads_the_secret_from_stdin_and_never_stores_it_in_the_file() {
    let _one = serial();
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let run = |args: &[&str], stdin: Option<&str>| {
        let (ok, printed) = cli(&db, args, stdin);
        assert!(ok, "{args:?}: {printed}");
        printed
    };
    run(&["init"], None);
    let printed = run(
        &[
            "connection",
            "add",
            "ml",
            "--kind",
            "mlflow",
            "--url",
            "http://127.0.0.1:9",
            "--auth",
            "bearer",
            "--secret-stdin",
        ],
        Some("cli-token-9Z\n"),
    );
    let account = SecretKey::new(&db, ConnectionId(1), "ml").account;
    assert_eq!(secret_tool_lookup(&account).as_deref(), Some("cli-token-9Z"), "the trailing newline is not part of it");
    printed.contains("cli-token-9Z").then(|| panic!("the CLI printed the secret: {printed}"));
    assert_file_lacks(&db, "cli-token-9Z");
    run(&["connection", "remove", "ml"], None);
    assert_eq!(secret_tool_lookup(&account), None);
}

/// Runs the CLI on `db`, feeding `stdin`; returns (success, stdout + stderr).
fn cli(db: &Path, args: &[&str], stdin: Option<&str>) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlops-portfolio"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// The leak test: a bearer token used for a real sync appears nowhere but the keyring — not in
/// the portfolio file or its WAL, the audit log, the CLI's output, CSV or XLSX exports.
// The guard only serialises the tests that share the one keyring; nothing else takes it.
#[allow(clippy::await_holding_lock)]
#[tokio::test]
async fn a_token_used_for_a_sync_is_nowhere_but_in_the_keyring() {
    let _one = serial();
    require_secret_service();
    let token = "tok-LEAKCHECK-5e1f0a";
    let server = mlflow_server::MlflowServer::start().await;
    let experiment = server.create_experiment("leak").await;
    let run = server.run_with_metrics(&experiment, &[("accuracy", Some(0.93), 1_700_000_000_000, 1)]).await;
    server.register("fraud-gbm", "", &[]).await;
    let version = server.add_version("fraud-gbm", &run).await;
    server.set_alias("fraud-gbm", "champion", &version).await;

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let mut output = String::new();
    let mut step = |args: &[&str], stdin: Option<&str>| {
        let (ok, printed) = cli(&db, args, stdin);
        assert!(ok, "{args:?}: {printed}");
        output.push_str(&printed);
    };
    step(&["init"], None);
    let url = server.base_url.clone();
    step(
        &["connection", "add", "registry", "--kind", "mlflow", "--url", &url, "--auth", "bearer", "--secret-stdin"],
        Some(token),
    );
    step(&["connection", "test", "registry"], None);
    step(&["connection", "list"], None);

    // The sync, as the engine runs it: the secret from the keyring into the client.
    let store = Store::open(&db).unwrap();
    let (id, connection) = connections::find(&store, "registry").unwrap();
    let secret = secret_for(&OsKeyring, store.path(), id, &connection).unwrap();
    assert_eq!(secret.as_ref().map(Secret::expose), Some(token));
    drop(store);
    let client = mlops_portfolio::connect::Client::new(&connection, secret).unwrap();
    let ctx = mlops_portfolio::sync::SyncContext {
        connection_id: id,
        run_id: 0,
        connection: connection.clone(),
        client,
        db_path: db.clone(),
        cancel: Default::default(),
    };
    let counts = mlops_portfolio::sync::mlflow::run(&ctx).await.unwrap();
    assert!(counts.written >= 3, "the model, its version and a sample: {counts:?}");

    let csv = dir.path().join("audit.csv");
    step(&["export", "csv", "--table", "audit_log", "--out", csv.to_str().unwrap()], None);
    step(&["export", "csv", "--table", "connection"], None);
    step(&["audit", "--limit", "100"], None);
    let xlsx = dir.path().join("portfolio.xlsx");
    step(&["export", "xlsx", xlsx.to_str().unwrap()], None);

    assert!(!output.contains(token), "the CLI printed the token:\n{output}");
    assert!(output.contains("registry"), "the CLI output was captured: {output}");
    assert_file_lacks(&db, token);
    assert_file_lacks(&csv, token);
    let sheets = unzip_text(&xlsx);
    assert!(sheets.contains("fraud-gbm"), "the workbook was read: it names the synced model");
    assert!(!sheets.contains(token), "the XLSX export holds the token");
    let audit: String = Store::open(&db)
        .unwrap()
        .conn()
        .query_row("SELECT group_concat(coalesce(before, '') || coalesce(after, '')) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert!(audit.contains("registry") && !audit.contains(token), "{audit}");
    assert_eq!(secret_tool_lookup(&SecretKey::new(&db, id, "registry").account).as_deref(), Some(token));
    let (ok, _) = cli(&db, &["connection", "remove", "registry"], None);
    assert!(ok);
}

/// The text of every part of an XLSX file (a zip archive), read with Python's zipfile.
fn unzip_text(xlsx: &Path) -> String {
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(''.join(z.read(n).decode('utf-8', 'replace') for n in z.namelist()))";
    let out = Command::new("python3").args(["-c", script]).arg(xlsx).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_file_lacks(db: &Path, secret: &str) {
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    for path in [db.to_owned(), wal] {
        if let Ok(bytes) = std::fs::read(&path) {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{} holds the secret", path.display());
        }
    }
}
