//! Copies of the portfolio file through SQLite's online backup API, which copies a consistent
//! snapshot even while the file is in use (plain file copies of a WAL database can miss pages).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::backup::Backup;

use super::Store;
use crate::error::{Error, Result};

/// Writes a consistent copy of the open portfolio to `dest` (which must not exist yet).
pub fn backup_to(conn: &Connection, dest: &Path) -> Result<()> {
    if dest.exists() {
        return Err(Error::Conflict(format!(
            "{} already exists; choose a new file name for the backup",
            dest.display()
        )));
    }
    let mut target =
        Connection::open(dest).map_err(|e| Error::Storage(format!("cannot create {}: {e}", dest.display())))?;
    {
        let backup = Backup::new(conn, &mut target)?;
        backup.run_to_completion(256, Duration::from_millis(0), None)?;
    }
    // A backup is a single file that can be mailed or copied: no WAL beside it.
    target.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

/// The automatic copy taken before a file holding data is migrated.
pub(super) fn before_migration(conn: &Connection, path: &Path, from_version: usize) -> Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "portfolio".into());
    let dest = path.with_file_name(format!("{file_name}.schema{from_version}-{stamp}.bak"));
    backup_to(conn, &dest)?;
    Ok(dest)
}

/// Replaces the open portfolio's contents with the portfolio in `source`, after checking that the
/// source is a portfolio this version can read. The current contents are replaced in one step.
pub fn restore_from(store: &mut Store, source: &Path) -> Result<()> {
    if !source.is_file() {
        return Err(Error::NotFound(format!("{} does not exist", source.display())));
    }
    // Open the source as a portfolio first: this refuses foreign, corrupt and newer files, and
    // migrates an older backup in a scratch copy rather than in place.
    let scratch = tempfile_path(store.path())?;
    let result = copy_checked_into(store, source, &scratch);
    remove_scratch(&scratch);
    // The scratch copy is ours: a message about it is about the person's file.
    result.map_err(|e| {
        let code = e.code();
        let message = e.to_string().replace(&scratch.display().to_string(), &source.display().to_string());
        Error::with_code(code, message)
    })
}

/// The name every scratch copy of a restore starts with, beside the portfolio.
const SCRATCH_PREFIX: &str = ".restore-";

/// Removes scratch copies a restore left beside the portfolio when its process was killed. A copy
/// younger than ten minutes is kept: a restore running in another process may still be using it.
pub(super) fn remove_stale_scratch(portfolio: &Path) {
    let dir = portfolio.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(SCRATCH_PREFIX) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > Duration::from_secs(600)));
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Copies `source` to `scratch`, opens it as a portfolio (upgrading an older one), checks its
/// integrity, and only then copies it over the open portfolio.
fn copy_checked_into(store: &mut Store, source: &Path, scratch: &Path) -> Result<()> {
    {
        let source_conn =
            Connection::open(source).map_err(|e| Error::Storage(format!("cannot open {}: {e}", source.display())))?;
        backup_to(&source_conn, scratch)
            .map_err(|e| Error::Storage(format!("{} cannot be read as a portfolio backup: {e}", source.display())))?;
    }
    let checked = Store::open_as(scratch, store.actor())?;
    let integrity: String = checked.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if integrity != "ok" {
        return Err(Error::Storage(format!("{} is damaged: {integrity}", source.display())));
    }
    // History is never lost: the rows of the portfolio being replaced that the backup does not
    // hold follow the backup's own rows, marked with the id they had, then the restore event —
    // all written in the checked copy, so the file changes in the one step below or not at all.
    let replaced = super::audit::rows_missing_from(store.conn(), checked.conn())?;
    let tx = checked.conn().unchecked_transaction()?;
    for row in &replaced {
        super::audit::append(&tx, row)?;
    }
    let after = serde_json::json!({ "from": source.display().to_string(), "replaced_rows_kept": replaced.len() });
    let event = super::audit::Event {
        subject: super::audit::Subject::Portfolio,
        action: super::audit::Action::Restore,
        before: None,
        after: Some(&after),
    };
    super::audit::write(&tx, store.actor(), event)?;
    tx.commit()?;
    Backup::new(checked.conn(), &mut store.conn)?
        .run_to_completion(256, Duration::from_millis(0), None)
        .map_err(Into::into)
}

/// Removes the scratch file and whatever SQLite or an upgrade left beside it (-wal, -shm, .bak).
fn remove_scratch(scratch: &Path) {
    let (Some(dir), Some(name)) = (scratch.parent(), scratch.file_name()) else { return };
    let name = name.to_string_lossy();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with(name.as_ref()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn tempfile_path(near: &Path) -> Result<PathBuf> {
    let dir = near.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.f");
    let candidate = dir.join(format!("{SCRATCH_PREFIX}{stamp}-{}.db", std::process::id()));
    if candidate.exists() {
        return Err(Error::Conflict(format!("{} exists; try again", candidate.display())));
    }
    Ok(candidate)
}
