//! `connection test`: is the server there, what is it, and does it take our credentials — in
//! plain words, with exactly what failed when something did.
//!
//! Each kind asks the cheapest questions its API offers:
//! - Prometheus (and Thanos, Mimir, VictoriaMetrics): `GET /api/v1/status/buildinfo`, which gives
//!   the version and needs the same credentials as queries.
//! - MLflow: `GET /version` (plain text), then `registered-models/search?max_results=1` to prove
//!   the credentials work for the registry the sync reads.
//! - OpenCost: `GET /healthz`, then `GET /allocation?window=1h` for version-less servers. When the
//!   connection points at the Prometheus that holds OpenCost's metrics (no `/healthz` there), the
//!   Prometheus probe answers instead.

use serde::{Deserialize, Serialize};

use super::http::Failure;
use super::{Client, Secret};
use crate::domain::{AuthKind, Connection, ConnectionKind};
use crate::error::{ApiError, Error, Result};

/// The outcome of testing a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ConnectionTest {
    pub connection: String,
    pub kind: ConnectionKind,
    /// Whether the server answered at all.
    pub reachable: bool,
    /// Whether the credentials were accepted; `None` when the connection sends none or the
    /// server could not be asked.
    pub authenticated: Option<bool>,
    /// The server's version, where its API tells.
    pub version: Option<String>,
    /// Everything needed for a sync works.
    pub ok: bool,
    /// What happened, in plain sentences.
    pub summary: String,
    /// What failed, when something did.
    pub problem: Option<ApiError>,
    /// Things that work but should not stay so (TLS verification turned off).
    pub warnings: Vec<String>,
}

/// The warning shown wherever a connection skips TLS verification.
pub fn insecure_warning(name: &str) -> String {
    format!(
        "connection `{name}` does not verify the server's TLS certificate (insecure_skip_verify): anyone on the \
         network path can read its secret and answers; give the CA with --ca-file instead"
    )
}

/// Tests `connection` with `secret` (already read from the keyring, or the failure to read it).
pub async fn test(connection: &Connection, secret: Result<Option<Secret>>) -> ConnectionTest {
    let mut report = ConnectionTest {
        connection: connection.name.clone(),
        kind: connection.kind,
        reachable: false,
        authenticated: None,
        version: None,
        ok: false,
        summary: String::new(),
        problem: None,
        warnings: Vec::new(),
    };
    if connection.insecure_skip_verify {
        report.warnings.push(insecure_warning(&connection.name));
    }
    let client = match secret.and_then(|secret| Client::new(connection, secret)) {
        Ok(client) => client.with_limits(4 * 1024 * 1024, std::time::Duration::from_secs(20)),
        Err(error) => return failed(report, Failure { reached: false, error }),
    };
    let outcome = match connection.kind {
        ConnectionKind::Prometheus => prometheus(&client).await,
        ConnectionKind::Mlflow => mlflow(&client).await,
        ConnectionKind::OpenCost => opencost(&client).await,
    };
    match outcome {
        Ok(version) => {
            report.reachable = true;
            report.ok = true;
            report.authenticated = (connection.auth != AuthKind::None).then_some(true);
            report.summary = format!(
                "Reached {} at {}{}{}.",
                kind_name(connection.kind),
                connection.base_url,
                version.as_deref().map(|v| format!(", version {v}")).unwrap_or_default(),
                match connection.auth {
                    AuthKind::None => ", without credentials".to_owned(),
                    kind => format!("; the {kind} credentials were accepted"),
                }
            );
            report.version = version;
            report
        }
        Err(failure) => failed(report, failure),
    }
}

fn failed(mut report: ConnectionTest, failure: Failure) -> ConnectionTest {
    let is_auth = failure.error.code() == crate::ErrorCode::Auth;
    report.reachable = failure.reached;
    report.authenticated = (failure.reached && is_auth).then_some(false);
    report.summary = match (failure.reached, is_auth) {
        (true, true) => format!("The server answered but refused the credentials: {}", failure.error),
        (true, false) => format!("The server answered, but not as expected: {}", failure.error),
        (false, true) => format!("Not tested: {}", failure.error),
        (false, false) => format!("Could not reach the server: {}", failure.error),
    };
    report.problem = Some(failure.error.into());
    report
}

fn kind_name(kind: ConnectionKind) -> &'static str {
    match kind {
        ConnectionKind::Prometheus => "Prometheus",
        ConnectionKind::Mlflow => "MLflow",
        ConnectionKind::OpenCost => "OpenCost",
    }
}

async fn prometheus(client: &Client) -> Result<Option<String>, Failure> {
    #[derive(Deserialize)]
    struct BuildInfo {
        data: BuildInfoData,
    }
    #[derive(Deserialize)]
    struct BuildInfoData {
        #[serde(default)]
        version: Option<String>,
    }
    let text = client.check("api/v1/status/buildinfo").await?;
    let info: BuildInfo = serde_json::from_str(&text).map_err(|e| Failure {
        reached: true,
        error: Error::Network(format!(
            "connection `{}`: /api/v1/status/buildinfo did not answer like a Prometheus API ({e}); check that the base \
             URL is the Prometheus server, without /api/v1",
            client.name()
        )),
    })?;
    Ok(info.data.version.filter(|v| !v.is_empty()))
}

async fn mlflow(client: &Client) -> Result<Option<String>, Failure> {
    let version = client.check("version").await?;
    let reached = |error| Failure { reached: true, error };
    let _: serde_json::Value = client
        .get_json("api/2.0/mlflow/registered-models/search", &[("max_results", "1".to_owned())])
        .await
        .map_err(reached)?;
    Ok(Some(version).filter(|v| !v.is_empty() && v.len() < 64))
}

async fn opencost(client: &Client) -> Result<Option<String>, Failure> {
    match client.check("healthz").await {
        Ok(_) => {
            let _: serde_json::Value = client
                .get_json("allocation", &[("window", "1h".to_owned())])
                .await
                .map_err(|error| Failure { reached: true, error })?;
            Ok(None)
        }
        // No /healthz: the connection may point at the Prometheus that stores OpenCost's metrics.
        Err(Failure { reached: true, error }) if error.to_string().contains("404") => prometheus(client).await,
        Err(failure) => Err(failure),
    }
}
