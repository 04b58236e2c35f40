//! Cluster sync: live model metrics, costs and the model registry, pulled from each connection.
//!
//! Every connector runs the same three steps: **fetch** from its server through
//! [`crate::connect::Client`], make a pure **plan** of writes from what was fetched and what is
//! stored, then **execute** the plan in transactions. Planning is pure so it is tested without a
//! server, and running a sync twice plans nothing new.
//!
//! - [`engine`] runs one connection's sync and records it in `sync_runs`; [`scheduler`] runs every
//!   connection on its interval in the background.
//! - [`prometheus`] syncs metric bindings ([`bindings`]) through `query_range`
//!   ([`query_range`] parses the answers, [`samples`] stores points and rollups); [`opencost`]
//!   turns OpenCost's cost metrics into daily actuals; [`readout`] says what a model's metrics
//!   show now.

pub mod bindings;
pub mod engine;
pub mod opencost;
pub mod prometheus;
pub mod query_range;
pub mod readout;
pub mod samples;
pub mod scheduler;

pub mod mlflow;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::connect::Client;
use crate::domain::{Connection, ConnectionId, SyncStatus};
use crate::error::{Error, Result};
use crate::store::Store;

/// What a connector needs for one run.
#[derive(Debug)]
pub struct SyncContext {
    pub connection_id: ConnectionId,
    /// The `sync_runs` row of this run: bulk writes are audited against it.
    pub run_id: i64,
    pub connection: Connection,
    pub client: Client,
    /// The portfolio file; executing a plan opens its own `Store` on a blocking thread.
    pub db_path: PathBuf,
    /// Cancelled when the user stops the sync or the app quits; checked between batches.
    pub cancel: CancellationToken,
}

/// How much one run fetched from the server and wrote to the portfolio.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncCounts {
    pub fetched: i64,
    pub written: i64,
}

/// Settings of a sync run that are not part of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// How far back the first sync of a series (or of OpenCost's costs) reaches.
    pub lookback_days: u32,
}

impl SyncOptions {
    pub const DEFAULT_LOOKBACK_DAYS: u32 = 30;
}

impl Default for SyncOptions {
    fn default() -> SyncOptions {
        SyncOptions { lookback_days: Self::DEFAULT_LOOKBACK_DAYS }
    }
}

/// What a sync is doing, as events for the UI (the desktop shell forwards them as they come).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncProgress {
    /// A run of the connection's sync began.
    Started { connection_id: ConnectionId, connection: String },
    /// A batch was written; the counts are the run's totals so far.
    Batch { connection_id: ConnectionId, connection: String, fetched: i64, written: i64, detail: String },
    /// The run ended.
    Finished {
        connection_id: ConnectionId,
        connection: String,
        status: SyncStatus,
        fetched: i64,
        written: i64,
        error: Option<String>,
    },
    /// The scheduler will try again after `failures` failed runs in a row.
    RetryScheduled { connection_id: ConnectionId, connection: String, failures: u32, in_seconds: u64 },
}

/// Where a run reports its batches: the run's running totals, and the progress channel if anyone
/// listens. The engine reads the totals when a connector fails, so work written before the
/// failure is still counted in `sync_runs`.
#[derive(Debug, Clone)]
pub struct Progress {
    connection_id: ConnectionId,
    connection: String,
    sender: Option<broadcast::Sender<SyncProgress>>,
    totals: Arc<Mutex<SyncCounts>>,
}

impl Progress {
    pub fn new(connection_id: ConnectionId, connection: &str, sender: Option<broadcast::Sender<SyncProgress>>) -> Self {
        Progress { connection_id, connection: connection.to_owned(), sender, totals: Arc::default() }
    }

    /// Adds a batch to the totals and tells the listeners.
    pub fn batch(&self, fetched: i64, written: i64, detail: impl Into<String>) {
        let totals = {
            let mut totals = self.totals.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            totals.fetched += fetched;
            totals.written += written;
            *totals
        };
        self.send(SyncProgress::Batch {
            connection_id: self.connection_id,
            connection: self.connection.clone(),
            fetched: totals.fetched,
            written: totals.written,
            detail: detail.into(),
        });
    }

    pub fn totals(&self) -> SyncCounts {
        *self.totals.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sends an event; nobody listening is fine.
    pub fn send(&self, event: SyncProgress) {
        if let Some(sender) = &self.sender {
            let _ = sender.send(event);
        }
    }
}

/// Runs `work` on a blocking thread with the portfolio at `db_path` open (SQLite must not block
/// the async runtime).
pub async fn with_store<T: Send + 'static>(
    db_path: &std::path::Path,
    work: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
) -> Result<T> {
    let path = db_path.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut store = Store::open(&path)?;
        work(&mut store)
    })
    .await
    .map_err(|e| Error::Internal(format!("a sync task stopped unexpectedly: {e}")))?
}
