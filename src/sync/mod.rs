//! Cluster sync: live model metrics, costs and the model registry, pulled from each connection.
//!
//! Every connector runs the same three steps: **fetch** from its server through
//! [`crate::connect::Client`], make a pure **plan** of writes from what was fetched and what is
//! stored, then **execute** the plan in transactions. Planning is pure so it is tested without a
//! server, and running a sync twice plans nothing new.

pub mod mlflow;

use std::path::PathBuf;

use tokio_util::sync::CancellationToken;

use crate::connect::Client;
use crate::domain::{Connection, ConnectionId};

/// What a connector needs for one run.
#[derive(Debug)]
pub struct SyncContext {
    pub connection_id: ConnectionId,
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
