//! Connections with their secrets: adding one stores its secret in the OS keyring (never in the
//! portfolio, the audit log, an export or an answer), removing one removes the secret too, and
//! testing one says in plain words what works.
//!
//! Each function takes the [`SecretStore`] to use, so unit tests can run without a keyring; the
//! commands in [`super::commands`] pass the OS keyring.

use std::future::Future;

use serde::Deserialize;

use super::RecordView;
use crate::connect::credentials::{SecretKey, secret_for};
use crate::connect::probe::{self, ConnectionTest};
use crate::connect::{Secret, SecretStore};
use crate::domain::{AuthKind, Connection, ConnectionId, Entity, EntityKind, Stored};
use crate::error::{Error, Result};
use crate::store::{Store, records};

/// A new connection and the secret its auth needs.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AddConnectionRequest {
    pub connection: Connection,
    /// The password (basic auth) or token (bearer); goes straight to the OS keyring.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub secret: Option<Secret>,
}

/// A connection named by its name or id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ConnectionName {
    pub name: String,
}

/// A new secret for an existing connection.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ConnectionSecretRequest {
    pub name: String,
    #[ts(type = "string")]
    pub secret: Secret,
}

/// Adds the connection and stores its secret, all or nothing: if the keyring refuses the secret
/// the connection is not added.
pub fn add(store: &mut Store, secrets: &dyn SecretStore, request: AddConnectionRequest) -> Result<RecordView> {
    let AddConnectionRequest { connection, secret } = request;
    let secret = checked_secret(&connection, secret)?;
    let portfolio = store.path().to_owned();
    let stored = store.in_transaction(|tx, actor| {
        let stored = records::insert::<Connection>(tx, actor, &connection)?;
        if let Some(secret) = &secret {
            secrets.set(&SecretKey::new(&portfolio, stored.id, &connection.name), secret)?;
        }
        Ok(stored)
    })?;
    view(stored)
}

/// Replaces the secret of an existing connection (a rotated token, a moved portfolio file).
pub fn set_secret(store: &Store, secrets: &dyn SecretStore, request: ConnectionSecretRequest) -> Result<()> {
    let (id, connection) = find(store, &request.name)?;
    let secret = checked_secret(&connection, Some(request.secret))?;
    match secret {
        Some(secret) => secrets.set(&SecretKey::new(store.path(), id, &connection.name), &secret),
        None => Ok(()),
    }
}

/// Removes the connection, its sync history, its OpenCost cost mappings and its secret; models,
/// metric series and actuals it brought in stay, no longer linked to it.
pub fn remove(store: &mut Store, secrets: &dyn SecretStore, id: i64) -> Result<RecordView> {
    let portfolio = store.path().to_owned();
    let stored = store.in_transaction(|tx, actor| {
        let id = ConnectionId(id);
        tx.execute("DELETE FROM sync_runs WHERE connection_id = ?1", [id.0])?;
        tx.execute("UPDATE metric_series SET connection_id = NULL WHERE connection_id = ?1", [id.0])?;
        tx.execute("DELETE FROM cost_mappings WHERE connection_id = ?1", [id.0])?;
        let stored = records::delete::<Connection>(tx, actor, id)?;
        if stored.record.auth != AuthKind::None {
            // Inside the transaction: if the keyring cannot be reached, nothing is removed and
            // the secret is not left behind.
            secrets.delete(&SecretKey::new(&portfolio, id, &stored.record.name))?;
        }
        Ok(stored)
    })?;
    view(stored)
}

/// Tests the connection named `name` against its server.
pub fn test(store: &Store, secrets: &dyn SecretStore, name: &str) -> Result<ConnectionTest> {
    let (id, connection) = find(store, name)?;
    let secret = secret_for(secrets, store.path(), id, &connection);
    block_on_own_thread(async move { probe::test(&connection, secret).await })
}

/// The connection named (or numbered) `name`.
pub fn find(store: &Store, name: &str) -> Result<(ConnectionId, Connection)> {
    let id = ConnectionId(records::resolve(store.conn(), EntityKind::Connection, name)?);
    let stored = records::get::<Connection>(store.conn(), id)?;
    Ok((id, stored.record))
}

/// The secret a connection's auth needs: one for basic and bearer, none for none.
fn checked_secret(connection: &Connection, secret: Option<Secret>) -> Result<Option<Secret>> {
    connection.validate()?;
    let name = &connection.name;
    let secret = secret.filter(|s| !s.expose().is_empty());
    match (connection.auth, secret) {
        (AuthKind::None, None) => Ok(None),
        (AuthKind::None, Some(_)) => Err(Error::Validation(format!(
            "connection `{name}` has auth none, so it takes no secret; choose --auth basic or bearer"
        ))),
        (kind, None) => Err(Error::Validation(format!(
            "connection `{name}` uses {kind} auth and needs its {}; give it at the prompt or with --secret-stdin",
            if kind == AuthKind::Basic { "password" } else { "token" }
        ))),
        (_, Some(secret)) if secret.expose().chars().any(|c| c == '\n' || c == '\r') => Err(Error::Validation(
            format!("the secret of connection `{name}` has a line break in it; give it on one line"),
        )),
        (_, Some(secret)) => Ok(Some(secret)),
    }
}

fn view(stored: Stored<Connection>) -> Result<RecordView> {
    let serde_json::Value::Object(fields) = serde_json::to_value(&stored.record)? else {
        return Err(Error::Internal("a connection is not an object".into()));
    };
    Ok(RecordView { kind: EntityKind::Connection, id: stored.id.0, fields })
}

/// Runs network work from synchronous code, whichever thread it is on: a fresh thread with its
/// own small runtime never collides with a runtime the caller may be inside (the desktop shell
/// and the HTTP twin call commands on runtime threads).
pub(crate) fn block_on_own_thread<T: Send>(work: impl Future<Output = T> + Send) -> Result<T> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| Error::Internal(format!("cannot start the network runtime: {e}")))?;
                Ok(runtime.block_on(work))
            })
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("the network work stopped unexpectedly".into())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::credentials::MemoryStore;
    use crate::domain::ConnectionKind;

    fn request(auth: AuthKind, secret: Option<&str>) -> AddConnectionRequest {
        AddConnectionRequest {
            connection: Connection {
                name: "prod-prom".into(),
                kind: ConnectionKind::Prometheus,
                base_url: "http://127.0.0.1:9".into(),
                auth,
                username: (auth == AuthKind::Basic).then(|| "ada".into()),
                ca_file: None,
                insecure_skip_verify: false,
                interval_minutes: 5,
            },
            secret: secret.map(Secret::new),
        }
    }

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_as(&dir.path().join("p.db"), "tester").unwrap();
        (dir, store)
    }

    #[test]
    fn the_secret_goes_to_the_keyring_and_nowhere_in_the_file() {
        let (_dir, mut store) = temp_store();
        let keyring = MemoryStore::default();
        let added = add(&mut store, &keyring, request(AuthKind::Bearer, Some("tok-3f9a"))).unwrap();
        assert!(!serde_json::to_string(&added).unwrap().contains("tok-3f9a"), "the answer holds no secret");
        let (id, connection) = find(&store, "PROD-PROM").unwrap();
        assert_eq!(secret_for(&keyring, store.path(), id, &connection).unwrap(), Some(Secret::new("tok-3f9a")));
        let audit: String =
            store.conn().query_row("SELECT group_concat(after) FROM audit_log", [], |r| r.get(0)).unwrap();
        assert!(audit.contains("prod-prom") && !audit.contains("tok-3f9a"), "{audit}");

        set_secret(&store, &keyring, ConnectionSecretRequest { name: "prod-prom".into(), secret: Secret::new("t2") })
            .unwrap();
        assert_eq!(secret_for(&keyring, store.path(), id, &connection).unwrap(), Some(Secret::new("t2")));

        remove(&mut store, &keyring, id.0).unwrap();
        assert_eq!(keyring.entries_held(), 0, "removing the connection removes its secret");
        assert!(find(&store, "prod-prom").is_err());
    }

    #[test]
    fn without_a_keyring_nothing_is_added_and_the_error_says_how_to_get_one() {
        let (_dir, mut store) = temp_store();
        let err = add(&mut store, &MemoryStore::unavailable(), request(AuthKind::Basic, Some("pw"))).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Auth);
        assert!(err.to_string().contains("gnome-keyring"), "{err}");
        let count: i64 = store.conn().query_row("SELECT count(*) FROM connections", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 0, "the connection is not added without its secret");
        // Connections without auth never need the keyring.
        add(&mut store, &MemoryStore::unavailable(), request(AuthKind::None, None)).unwrap();
    }

    #[test]
    fn secrets_must_match_the_auth() {
        let (_dir, mut store) = temp_store();
        let keyring = MemoryStore::default();
        let err = add(&mut store, &keyring, request(AuthKind::Bearer, None)).unwrap_err();
        assert!(err.to_string().contains("needs its token"), "{err}");
        let err = add(&mut store, &keyring, request(AuthKind::None, Some("x"))).unwrap_err();
        assert!(err.to_string().contains("takes no secret"), "{err}");
        let err = add(&mut store, &keyring, request(AuthKind::Bearer, Some("a\nb"))).unwrap_err();
        assert!(err.to_string().contains("line break"), "{err}");
        assert_eq!(keyring.entries_held(), 0);
    }

    #[test]
    fn a_refused_keyring_delete_keeps_the_connection() {
        let (_dir, mut store) = temp_store();
        add(&mut store, &MemoryStore::default(), request(AuthKind::Bearer, Some("tok"))).unwrap();
        let err = remove(&mut store, &MemoryStore::unavailable(), 1).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Auth);
        assert!(find(&store, "prod-prom").is_ok(), "the connection stays until its secret can be removed");
    }

    #[test]
    fn testing_an_unreachable_server_says_so_in_words() {
        let (_dir, mut store) = temp_store();
        add(&mut store, &MemoryStore::default(), request(AuthKind::None, None)).unwrap();
        let report = test(&store, &MemoryStore::unavailable(), "prod-prom").unwrap();
        assert!(!report.ok && !report.reachable, "{report:?}");
        assert!(report.summary.starts_with("Could not reach the server"), "{}", report.summary);
        assert_eq!(report.problem.map(|p| p.code), Some(crate::ErrorCode::Network));
    }
}
