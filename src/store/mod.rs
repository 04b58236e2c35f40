//! The portfolio file: one SQLite database, opened with WAL, foreign keys and a busy timeout.
//!
//! Opening runs every pending migration in one transaction. A file written by a newer schema is
//! refused untouched, with the version of the app that wrote it; a file that already holds data is
//! copied aside with SQLite's backup API before it is migrated. Migrations are append-only: add a
//! new numbered file under `migrations/` and to [`MIGRATIONS`]; never edit a released one.

pub mod actuals;
pub mod audit;
pub mod backup;
pub mod fx;
pub mod governance;
pub mod import_key;
pub mod records;
pub mod scenarios;
pub mod schema;
pub mod settings;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use rusqlite_migration::{M, Migrations, SchemaVersion};

use crate::error::{Error, Result};

/// The schema migrations, in order. The schema version of a file is how many of them it has had.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_portfolio.sql"),
    include_str!("migrations/002_lookup_indexes.sql"),
    include_str!("migrations/003_metric_bindings.sql"),
    include_str!("migrations/004_upstream_models.sql"),
    include_str!("migrations/005_sync_error_codes.sql"),
    include_str!("migrations/006_planning.sql"),
    include_str!("migrations/007_integer_import_keys.sql"),
    include_str!("migrations/008_scenario_changes.sql"),
    include_str!("migrations/009_planned_spend.sql"),
    include_str!("migrations/010_planned_spend_unallocated.sql"),
    include_str!("migrations/011_kpi_values_and_model_cost.sql"),
    include_str!("migrations/012_governance.sql"),
];

/// The migrations with the Rust each needs beside its SQL.
fn migrations() -> Migrations<'static> {
    Migrations::new(
        MIGRATIONS
            .iter()
            .enumerate()
            .map(|(i, sql)| match i + 1 {
                7 => M::up_with_hook(sql, integer_import_keys),
                12 => M::up_with_hook(sql, |tx: &Transaction<'_>| Ok(audit::chain_existing(tx)?)),
                _ => M::up(sql),
            })
            .collect(),
    )
}

/// Migration 007: 16-byte import keys become the integers [`import_key::import_key`] now gives
/// for the same rows. A key that would clash with another (odds of about 10⁻⁸ per million rows)
/// keeps its old form: that row is then simply not recognised if its file is imported again.
fn integer_import_keys(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
    let mut read = tx.prepare("SELECT id, import_key FROM actuals WHERE typeof(import_key) = 'blob'")?;
    let mut write = tx.prepare("UPDATE OR IGNORE actuals SET import_key = ?2 WHERE id = ?1")?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let old: Vec<u8> = row.get(1)?;
        if let Ok(fingerprint) = <[u8; 16]>::try_from(old.as_slice()) {
            write.execute(rusqlite::params![id, import_key::key_of_fingerprint(&fingerprint)])?;
        }
    }
    Ok(())
}

/// The version of this build, recorded in files it migrates so that an older build can say which
/// version wrote a file it cannot read.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn schema_version() -> usize {
    MIGRATIONS.len()
}

/// An open portfolio file and the person changes are attributed to.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    actor: String,
    memo: std::sync::Mutex<Memo>,
}

/// One value computed from the file (the planning core's inputs), kept until the file changes: a
/// write on this connection (its total changes) or a commit by any other connection, another
/// process included (SQLite's `data_version`), or until it is asked for with another key.
#[derive(Default)]
struct Memo {
    key: Option<(i64, u64, String)>,
    value: Option<std::sync::Arc<dyn std::any::Any + Send + Sync>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo").field("key", &self.key).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the portfolio at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_as(path, &os_user())
    }

    pub fn open_as(path: &Path, actor: &str) -> Result<Store> {
        check_is_sqlite(path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the folder", e))?;
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| Error::Storage(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let migrations = migrations();
        let current = match migrations.current_version(&conn) {
            Ok(v) => v,
            Err(e) => return Err(Error::Storage(format!("cannot read {}: {e}", path.display()))),
        };
        let from = match current {
            SchemaVersion::Outside(newer) => return Err(newer_schema_error(&conn, path, newer.get())),
            SchemaVersion::NoneSet => {
                refuse_foreign_database(&conn, path)?;
                0
            }
            SchemaVersion::Inside(v) => v.get(),
        };
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if from < schema_version() {
            if from > 0 {
                backup::before_migration(&conn, path, from)?;
            }
            migrations.to_latest(&mut conn).map_err(|e| {
                Error::Storage(format!("cannot upgrade {}: {e}; the file is unchanged", path.display()))
            })?;
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('app_version', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
                [APP_VERSION],
            )?;
        }
        backup::remove_stale_scratch(path);
        Ok(Store { conn, path: path.to_owned(), actor: actor.to_owned(), memo: Default::default() })
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// `compute`'s value for `key`, computed once while the file is unchanged (see [`Memo`]). One
    /// value is kept: asking with another key computes again.
    pub fn remembered<T: std::any::Any + Send + Sync>(
        &self,
        key: &str,
        compute: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<std::sync::Arc<T>> {
        let data_version: i64 = self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let full_key = (data_version, self.conn.total_changes(), key.to_owned());
        let mut memo = self.memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if memo.key.as_ref() == Some(&full_key)
            && let Some(value) = memo.value.clone().and_then(|v| v.downcast::<T>().ok())
        {
            return Ok(value);
        }
        let value = std::sync::Arc::new(compute(&self.conn)?);
        *memo = Memo { key: Some(full_key), value: Some(value.clone()) };
        Ok(value)
    }

    /// Starts a write transaction (taking the write lock at once, so writers queue rather than
    /// fail half-way).
    pub fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// Runs `change` in one write transaction: all of it is committed, or none of it.
    pub fn in_transaction<T>(&mut self, change: impl FnOnce(&Transaction<'_>, &str) -> Result<T>) -> Result<T> {
        let actor = self.actor.clone();
        let tx = self.write()?;
        let out = change(&tx, &actor)?;
        tx.commit()?;
        Ok(out)
    }
}

/// The OS user changes are attributed to in the audit log.
pub fn os_user() -> String {
    whoami::username().unwrap_or_else(|_| "unknown".to_owned())
}

/// Now, as RFC 3339 UTC text with seconds.
pub fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn check_is_sqlite(path: &Path) -> Result<()> {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else { return Ok(()) };
    let mut header = [0u8; 16];
    match file.read(&mut header) {
        Ok(0) => Ok(()),
        Ok(n) if n == 16 && &header == b"SQLite format 3\0" => Ok(()),
        Ok(_) => Err(Error::Storage(format!(
            "{} is not a portfolio file (it is not an SQLite database); choose another file with --db",
            path.display()
        ))),
        Err(e) => Err(Error::io(path, "read", e)),
    }
}

fn refuse_foreign_database(conn: &Connection, path: &Path) -> Result<()> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 5")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if tables.is_empty() {
        return Ok(());
    }
    Err(Error::Storage(format!(
        "{} is an SQLite database but not a portfolio (it has tables such as {}); it was left unchanged. \
         Choose another file with --db",
        path.display(),
        tables.join(", ")
    )))
}

fn newer_schema_error(conn: &Connection, path: &Path, version: usize) -> Error {
    let writer: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'app_version'", [], |r| r.get(0)).ok();
    let writer = writer.map_or_else(|| "a newer version".to_owned(), |v| format!("version {v}"));
    Error::Storage(format!(
        "{} was written by MLOps Portfolio {writer} (schema {version}); this is version {APP_VERSION}, which reads \
         schema {} at most. Install the newer version to open it; the file was left unchanged",
        path.display(),
        schema_version()
    ))
}
