//! One run of one connection's sync, from start to its `sync_runs` record.
//!
//! A run: record a `running` row → build the connection's client (its secret from the keyring) →
//! hand over to the connector of its kind, which fetches, plans and writes batch by batch → record
//! how it ended (`succeeded`, `failed` with the error, or `cancelled`) with what it fetched and
//! wrote. A connector that fails halfway has still committed its finished batches; they are
//! counted. A cancelled run stops at once, even while waiting on a slow server. A row left `running` by a process that died is marked failed (interrupted) when the
//! connection's next run starts.
//!
//! Connector failures are the run's outcome, not an error of [`sync_connection`]: that returns an
//! error only when the run cannot even be recorded (no such connection, the file cannot be used).

use crate::store::audit::{self, Action, Event, Subject};
use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use super::{Progress, SyncContext, SyncCounts, SyncOptions, SyncProgress, opencost, prometheus, with_store};
use crate::connect::{Client, Secret};
use crate::domain::{AuthKind, Connection, ConnectionId, ConnectionKind, EntityKind, SyncStatus};
use crate::error::{Error, ErrorCode, Result};
use crate::store::{now_utc, records};

/// How one run went, as `sync_runs` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncRunReport {
    pub run_id: i64,
    pub connection_id: ConnectionId,
    pub connection: String,
    pub kind: ConnectionKind,
    pub status: SyncStatus,
    pub fetched: i64,
    pub written: i64,
    #[serde(default)]
    pub error: Option<String>,
    /// What kind of failure `error` is: `network` when the server could not be reached or answered
    /// badly, `auth` when the credential was refused, ...
    #[serde(default)]
    pub error_code: Option<ErrorCode>,
    /// RFC 3339 UTC.
    pub started_at: String,
    #[serde(default)]
    pub finished_at: Option<String>,
}

/// The secret a connection's client needs: none without auth, else from the OS keyring (on a
/// blocking thread, as keyring calls block).
async fn secret_for(db_path: &Path, connection_id: ConnectionId, connection: &Connection) -> Result<Option<Secret>> {
    if connection.auth == AuthKind::None {
        return Ok(None);
    }
    let (path, connection) = (db_path.to_owned(), connection.clone());
    tokio::task::spawn_blocking(move || {
        crate::connect::credentials::secret_for(&crate::connect::OsKeyring, &path, connection_id, &connection)
    })
    .await
    .map_err(|e| Error::Internal(format!("the keyring lookup stopped: {e}")))?
}

/// Runs one connection's sync once and records it.
pub async fn sync_connection(
    db_path: &Path,
    connection_id: ConnectionId,
    options: SyncOptions,
    cancel: CancellationToken,
    events: Option<broadcast::Sender<SyncProgress>>,
) -> Result<SyncRunReport> {
    let (connection, run_id, started_at) = with_store(db_path, move |store| {
        let connection: Connection = records::get(store.conn(), connection_id)?.record;
        let started_at = now_utc();
        let run_id = store.in_transaction(|tx, _| {
            tx.execute(
                "UPDATE sync_runs SET status = 'failed', finished_at = ?2, error_code = 'internal',
                     error = 'interrupted: the program stopped during this sync'
                 WHERE connection_id = ?1 AND status = 'running'",
                params![connection_id.0, started_at],
            )?;
            tx.execute(
                "INSERT INTO sync_runs (connection_id, started_at, status) VALUES (?1, ?2, 'running')",
                params![connection_id.0, started_at],
            )?;
            Ok(tx.last_insert_rowid())
        })?;
        Ok((connection, run_id, started_at))
    })
    .await?;

    let progress = Progress::new(connection_id, &connection.name, events);
    progress.send(SyncProgress::Started { connection_id, connection: connection.name.clone() });
    let client = match secret_for(db_path, connection_id, &connection).await {
        Ok(secret) => Client::new(&connection, secret),
        Err(e) => Err(e),
    };
    let outcome = match client {
        Ok(client) => {
            let ctx = SyncContext {
                connection_id,
                run_id,
                connection: connection.clone(),
                client,
                db_path: db_path.to_owned(),
                cancel: cancel.clone(),
            };
            // Cancelling stops waiting at once, even on a server that answers slowly. A batch
            // already handed to its writer still commits whole (it runs on a blocking thread).
            tokio::select! {
                outcome = dispatch(&ctx, &options, &progress) => outcome,
                () = cancel.cancelled() => Ok(progress.totals()),
            }
        }
        Err(e) => Err(e),
    };
    let (status, counts, failure) = match outcome {
        _ if cancel.is_cancelled() => (SyncStatus::Cancelled, progress.totals(), None),
        Ok(counts) => (SyncStatus::Succeeded, counts, None),
        Err(e) => (SyncStatus::Failed, progress.totals(), Some((e.code(), e.to_string()))),
    };
    let (error_code, error) = failure.unzip();
    let finished_at = now_utc();
    let record = (status, counts, error.clone(), error_code, finished_at.clone());
    let (name, kind) = (connection.name.clone(), connection.kind);
    with_store(db_path, move |store| {
        let (status, counts, error, error_code, finished_at) = record;
        store.in_transaction(|tx, actor| {
            tx.execute(
                "UPDATE sync_runs SET status = ?2, finished_at = ?3, fetched = ?4, written = ?5, error = ?6,
                     error_code = ?7
                 WHERE id = ?1",
                params![
                    run_id,
                    status.as_str(),
                    finished_at,
                    counts.fetched,
                    counts.written,
                    error,
                    error_code.map(ErrorCode::as_str)
                ],
            )?;
            // One summary row per run that wrote anything (samples are too many to audit one by one).
            if counts.written > 0 {
                let after = serde_json::json!({
                    "connection": name,
                    "kind": kind,
                    "status": status,
                    "fetched": counts.fetched,
                    "written": counts.written,
                });
                let event = Event {
                    subject: Subject::SyncRun(run_id),
                    action: Action::SyncWrite,
                    before: None,
                    after: Some(&after),
                };
                audit::write(tx, actor, event)?;
            }
            Ok(())
        })
    })
    .await?;
    progress.send(SyncProgress::Finished {
        connection_id,
        connection: connection.name.clone(),
        status,
        fetched: counts.fetched,
        written: counts.written,
        error: error.clone(),
    });
    Ok(SyncRunReport {
        run_id,
        connection_id,
        connection: connection.name,
        kind: connection.kind,
        status,
        fetched: counts.fetched,
        written: counts.written,
        error,
        error_code,
        started_at,
        finished_at: Some(finished_at),
    })
}

async fn dispatch(ctx: &SyncContext, options: &SyncOptions, progress: &Progress) -> Result<SyncCounts> {
    match ctx.connection.kind {
        ConnectionKind::Prometheus => prometheus::run(ctx, options, progress).await,
        ConnectionKind::OpenCost => opencost::run(ctx, options, progress).await,
        ConnectionKind::Mlflow => super::mlflow::run(ctx).await,
    }
}

/// Runs the sync of every connection, or only of the one named, one after another.
pub async fn sync_all(
    db_path: &Path,
    only: Option<&str>,
    options: SyncOptions,
    cancel: CancellationToken,
    events: Option<broadcast::Sender<SyncProgress>>,
) -> Result<Vec<SyncRunReport>> {
    let path: PathBuf = db_path.to_owned();
    let only = only.map(str::to_owned);
    let ids = with_store(&path, move |store| match only {
        Some(name) => Ok(vec![ConnectionId(records::resolve(store.conn(), EntityKind::Connection, &name)?)]),
        None => connection_ids(store.conn()),
    })
    .await?;
    let mut reports = Vec::with_capacity(ids.len());
    for id in ids {
        if cancel.is_cancelled() {
            break;
        }
        reports.push(sync_connection(db_path, id, options, cancel.clone(), events.clone()).await?);
    }
    Ok(reports)
}

/// Every connection, by name.
pub fn connection_ids(conn: &rusqlite::Connection) -> Result<Vec<ConnectionId>> {
    let mut stmt = conn.prepare("SELECT id FROM connections ORDER BY name COLLATE NOCASE")?;
    let ids = stmt.query_map([], |r| r.get(0).map(ConnectionId))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

/// The newest runs, of one connection or of all, newest first.
pub fn recent_runs(
    conn: &rusqlite::Connection,
    connection: Option<ConnectionId>,
    limit: u32,
) -> Result<Vec<SyncRunReport>> {
    let mut stmt = conn.prepare(
        "SELECT r.id, r.connection_id, c.name, c.kind, r.status, r.fetched, r.written, r.error, r.started_at,
                r.finished_at, r.error_code
         FROM sync_runs r JOIN connections c ON c.id = r.connection_id
         WHERE ?1 IS NULL OR r.connection_id = ?1 ORDER BY r.id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![connection.map(|c| c.0), limit], |r| {
        let kind: String = r.get(3)?;
        let status: String = r.get(4)?;
        let error_code: Option<String> = r.get(10)?;
        Ok((
            SyncRunReport {
                run_id: r.get(0)?,
                connection_id: ConnectionId(r.get(1)?),
                connection: r.get(2)?,
                kind: ConnectionKind::Prometheus,
                status: SyncStatus::Failed,
                fetched: r.get(5)?,
                written: r.get(6)?,
                error: r.get(7)?,
                error_code: error_code.as_deref().and_then(ErrorCode::parse),
                started_at: r.get(8)?,
                finished_at: r.get(9)?,
            },
            kind,
            status,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut report, kind, status) = row?;
        report.kind = kind.parse().map_err(|e| Error::Storage(format!("sync run {}: {e}", report.run_id)))?;
        report.status = status.parse().map_err(|e| Error::Storage(format!("sync run {}: {e}", report.run_id)))?;
        out.push(report);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(auth: AuthKind) -> Connection {
        Connection {
            name: "prod".into(),
            kind: ConnectionKind::Prometheus,
            base_url: "http://127.0.0.1:9".into(),
            auth,
            username: Some("u".into()),
            ca_file: None,
            insecure_skip_verify: false,
            interval_minutes: 15,
        }
    }

    #[tokio::test]
    async fn connections_without_auth_never_reach_the_keyring() {
        // No keyring in unit tests: a lookup would fail, so `None` shows none was made.
        let path = std::path::Path::new("/nonexistent/portfolio.db");
        assert_eq!(secret_for(path, ConnectionId(1), &connection(AuthKind::None)).await.unwrap(), None);
    }
}
