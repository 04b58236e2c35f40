//! Commands for live metrics, OpenCost attribution and sync: thin wrappers that give each store
//! change its transaction and audit actor, so every surface calls the same functions.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::domain::{ConnectionId, EntityKind};
use crate::error::Result;
use crate::store::{Store, records};
use crate::sync::bindings::{self, BindRequest, BindingView};
use crate::sync::engine::{self, SyncRunReport};
use crate::sync::opencost::{self, CostMapping};
use crate::sync::readout::{self, ModelMetrics};
use crate::sync::{SyncOptions, SyncProgress};

/// Creates or replaces metric bindings (see [`crate::sync::bindings`]).
pub fn bind_metric(store: &mut Store, request: &BindRequest) -> Result<Vec<BindingView>> {
    store.in_transaction(|tx, actor| bindings::bind(tx, actor, request))
}

/// Removes a binding with its points; returns how many points were removed.
pub fn unbind_metric(store: &mut Store, model: &str, key: &str) -> Result<usize> {
    store.in_transaction(|tx, actor| bindings::unbind(tx, actor, model, key))
}

pub fn metric_bindings(store: &Store, model: Option<&str>) -> Result<Vec<BindingView>> {
    bindings::list(store.conn(), model)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelMetricsRequest {
    /// The model's name or id.
    pub model: String,
    #[serde(default)]
    pub key: Option<String>,
    /// Start of the rollup window, seconds since the epoch; 7 days ago when absent.
    #[serde(default)]
    pub since: Option<i64>,
}

/// A model's metrics now: latest values against thresholds, data age, recent rollups.
pub fn model_metrics(store: &Store, request: &ModelMetricsRequest) -> Result<ModelMetrics> {
    let now = chrono::Utc::now().timestamp();
    let since = request.since.unwrap_or(now - 7 * 86_400);
    readout::model_metrics(store.conn(), &request.model, request.key.as_deref(), since, now)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CostMapRequest {
    /// The OpenCost connection's name or id; the only one when absent.
    #[serde(default)]
    pub connection: Option<String>,
    /// The allocation label: `namespace`, `container`, `pod`, ...
    pub label: String,
    pub value: String,
    pub model: String,
}

/// Attributes OpenCost allocations with `label` = `value` to a model.
pub fn cost_map(store: &mut Store, request: &CostMapRequest) -> Result<CostMapping> {
    store.in_transaction(|tx, actor| {
        opencost::map(tx, actor, request.connection.as_deref(), &request.label, &request.value, &request.model)
    })
}

pub fn cost_unmap(store: &mut Store, connection: Option<&str>, label: &str, value: &str) -> Result<()> {
    store.in_transaction(|tx, actor| opencost::unmap(tx, actor, connection, label, value))
}

pub fn cost_mappings(store: &Store) -> Result<Vec<CostMapping>> {
    opencost::list(store.conn())
}

/// Syncs every connection, or the one named, once; each run's outcome is in its report.
pub async fn sync(
    db_path: &Path,
    connection: Option<&str>,
    options: SyncOptions,
    cancel: CancellationToken,
    events: Option<broadcast::Sender<SyncProgress>>,
) -> Result<Vec<SyncRunReport>> {
    engine::sync_all(db_path, connection, options, cancel, events).await
}

/// The newest sync runs, of the connection named or of all.
pub fn sync_runs(store: &Store, connection: Option<&str>, limit: u32) -> Result<Vec<SyncRunReport>> {
    let id = connection.map(|c| records::resolve(store.conn(), EntityKind::Connection, c)).transpose()?;
    engine::recent_runs(store.conn(), id.map(ConnectionId), limit)
}

/// Where one connection's sync stands, for the Connections page: its newest run and how far its
/// data reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ConnectionStatus {
    pub connection_id: ConnectionId,
    pub name: String,
    /// The newest run, finished or still running; `None` before the first sync.
    #[serde(default)]
    pub last_run: Option<SyncRunReport>,
    /// Seconds since the epoch of the newest data synced from it (metric points, or OpenCost's
    /// synced days); `None` while nothing has arrived. The UI turns it into "data age".
    #[serde(default)]
    pub data_until: Option<i64>,
}

/// The sync status of every connection, by name.
pub fn connection_status(store: &Store) -> Result<Vec<ConnectionStatus>> {
    let conn = store.conn();
    let mut stmt = conn.prepare(
        // The aggregate max skips NULLs; the scalar max(a, b) would be NULL as soon as one kind
        // of data is missing.
        "SELECT c.id, c.name,
                (SELECT max(t) FROM (SELECT synced_until AS t FROM metric_series WHERE connection_id = c.id
                                     UNION ALL
                                     SELECT synced_until FROM cost_mappings WHERE connection_id = c.id))
         FROM connections c ORDER BY c.name COLLATE NOCASE",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((ConnectionId(r.get(0)?), r.get::<_, String>(1)?, r.get::<_, Option<i64>>(2)?)))?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(connection_id, name, data_until)| {
            let last_run = engine::recent_runs(conn, Some(connection_id), 1)?.into_iter().next();
            Ok(ConnectionStatus { connection_id, name, last_run, data_until })
        })
        .collect()
}
