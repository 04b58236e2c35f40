//! The OS keyring for real: connection secrets round-trip through a Secret Service (gnome-keyring)
//! and land there — not in the keyring crate's in-memory mock, which a wrong feature choice
//! would silently select. `secret-tool` (libsecret) reads the entries independently.
//!
//! Run with `scripts/with-keyring cargo test --test keyring` (scripts/test does), which starts a
//! D-Bus session with an unlocked gnome-keyring in throwaway folders. Without a Secret Service
//! these tests fail with that instruction; they do not skip. Run single-threaded: they share one
//! keyring (a lock keeps them one at a time even without --test-threads=1).

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
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
        let mut child = Command::new(env!("CARGO_BIN_EXE_mlops-portfolio"))
            .arg("--db")
            .arg(&db)
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
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap()
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

fn assert_file_lacks(db: &Path, secret: &str) {
    for path in [db.to_owned(), db.with_extension("db-wal")] {
        if let Ok(bytes) = std::fs::read(&path) {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{} holds the secret", path.display());
        }
    }
}
