//! Where a connection's secret lives: the OS keyring, and nowhere else.
//!
//! The portfolio file holds connections without their secrets; the password or token of each is
//! one keyring entry under the service [`SERVICE`] with the account
//! `portfolio-<hash>/connection-<id>`:
//! - the connection's **id** rather than its name, so renaming a connection keeps its secret;
//! - a hash of the portfolio file's canonical path, so two portfolio files (each with its own
//!   connection 1) never read or overwrite each other's secrets. Moving the file therefore loses
//!   the link: `connection secret NAME` stores the secret again.
//!
//! The keyring crate is built with the Secret Service (Linux, over D-Bus), Keychain (macOS) and
//! Credential Manager (Windows) back ends. It must never fall back to its mock store, which keeps
//! secrets in memory only; the keyring integration test (`tests/keyring.rs`) checks with
//! `secret-tool` that an entry really lands in gnome-keyring. Where no keyring answers, the error
//! says how to get one ([`NO_KEYRING_HELP`]).
//!
//! [`SecretStore`] is the seam: [`OsKeyring`] in the program, an in-memory store in unit tests only.

use std::path::Path;

use super::Secret;
use crate::domain::{AuthKind, Connection, ConnectionId};
use crate::error::{Error, Result};

/// The keyring service every secret of this app is filed under.
pub const SERVICE: &str = "mlops-portfolio";

/// How to get a keyring where none could be used, for the platform this was built for.
#[cfg(target_os = "linux")]
pub const NO_KEYRING_HELP: &str = "MLOps Portfolio keeps connection secrets only in the OS keyring, which on Linux is a \
     Secret Service. Install and unlock one: `apt install gnome-keyring` (or turn on Secret Service integration in \
     KeePassXC) and log in to a desktop session that unlocks it. On a machine without a desktop, start a session bus \
     and an unlocked keyring first: `dbus-run-session -- sh -c 'eval \"$(printf PASSWORD | gnome-keyring-daemon \
     --unlock --components=secrets)\"; mlops-portfolio ...'` (scripts/with-keyring does this)";
#[cfg(target_os = "macos")]
pub const NO_KEYRING_HELP: &str = "MLOps Portfolio keeps connection secrets only in the macOS Keychain; unlock the \
     login keychain (Keychain Access) and try again";
#[cfg(target_os = "windows")]
pub const NO_KEYRING_HELP: &str = "MLOps Portfolio keeps connection secrets only in the Windows Credential Manager; \
     make sure you are logged in to an interactive Windows session and try again";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub const NO_KEYRING_HELP: &str = "MLOps Portfolio keeps connection secrets only in the OS keyring (a Secret Service \
     over D-Bus on this system); install and unlock one, e.g. gnome-keyring or KeePassXC";

/// Which keyring entry holds a connection's secret, and the connection's name for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretKey {
    pub account: String,
    pub connection: String,
}

impl SecretKey {
    /// The entry of connection `id` (called `name`) of the portfolio at `portfolio`.
    pub fn new(portfolio: &Path, id: ConnectionId, name: &str) -> SecretKey {
        SecretKey {
            account: format!("portfolio-{:016x}/connection-{id}", portfolio_hash(portfolio)),
            connection: name.to_owned(),
        }
    }
}

/// A stable fingerprint of where the portfolio file is, so entries of two files never clash.
fn portfolio_hash(portfolio: &Path) -> u64 {
    let resolved = std::fs::canonicalize(portfolio)
        .or_else(|_| std::path::absolute(portfolio))
        .unwrap_or_else(|_| portfolio.to_owned());
    xxhash_rust::xxh3::xxh3_64(resolved.as_os_str().as_encoded_bytes())
}

/// A place that keeps secrets.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// The secret of `key`; `None` when there is none.
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>>;
    /// Stores (or replaces) the secret of `key`.
    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<()>;
    /// Removes the secret of `key`; removing one that is not there is not an error.
    fn delete(&self, key: &SecretKey) -> Result<()>;
}

/// The secret a connection needs, from `store`; `None` for connections without auth, which never
/// touch the keyring (so they work where there is none).
pub fn secret_for(
    store: &dyn SecretStore,
    portfolio: &Path,
    id: ConnectionId,
    connection: &Connection,
) -> Result<Option<Secret>> {
    if connection.auth == AuthKind::None {
        return Ok(None);
    }
    store.get(&SecretKey::new(portfolio, id, &connection.name))
}

/// The OS keyring through the `keyring` crate.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

impl OsKeyring {
    /// Runs one keyring call on a thread of its own. With the async Secret Service back end the
    /// crate blocks on its own tokio runtime, which must not happen on a thread that already runs
    /// or has entered one (the desktop shell, the HTTP twin); a fresh thread has neither.
    fn call<T: Send>(key: &SecretKey, work: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send) -> Result<T> {
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let entry = keyring::Entry::new(SERVICE, &key.account).map_err(|e| keyring_error(key, e))?;
                    work(&entry).map_err(|e| keyring_error(key, e))
                })
                .join()
                .unwrap_or_else(|_| Err(Error::Internal("the OS keyring call stopped unexpectedly".into())))
        })
    }
}

impl SecretStore for OsKeyring {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>> {
        Self::call(key, |entry| match entry.get_password() {
            Ok(password) => Ok(Some(Secret::new(password))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<()> {
        Self::call(key, |entry| entry.set_password(secret.expose()))
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        Self::call(key, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }
}

/// A keyring failure in words, naming the connection; the crate's errors never carry the secret.
fn keyring_error(key: &SecretKey, err: keyring::Error) -> Error {
    let name = &key.connection;
    match err {
        keyring::Error::NoStorageAccess(detail) => Error::Auth(format!(
            "the OS keyring is locked or refused access to the secret of connection `{name}` ({detail}). Unlock it \
             and try again. {NO_KEYRING_HELP}"
        )),
        keyring::Error::PlatformFailure(detail) => Error::Auth(format!(
            "the OS keyring cannot be reached for the secret of connection `{name}` ({detail}). {NO_KEYRING_HELP}"
        )),
        keyring::Error::BadEncoding(_) => Error::Auth(format!(
            "the OS keyring holds a secret for connection `{name}` that is not text; set it again with \
             `mlops-portfolio connection secret {name}`"
        )),
        keyring::Error::TooLong(field, limit) => Error::Validation(format!(
            "the OS keyring refused the secret of connection `{name}`: its {field} is longer than {limit}"
        )),
        keyring::Error::Invalid(field, reason) => {
            Error::Validation(format!("the OS keyring refused the secret of connection `{name}`: {field} {reason}"))
        }
        keyring::Error::Ambiguous(found) => Error::Auth(format!(
            "the OS keyring holds {} entries for connection `{name}` (account {}); remove the extra ones with your \
             keyring manager (e.g. Seahorse) and set the secret again",
            found.len(),
            key.account
        )),
        keyring::Error::NoEntry => Error::Auth(format!("connection `{name}` has no secret in the OS keyring")),
        other => Error::Auth(format!("the OS keyring failed for connection `{name}`: {other}. {NO_KEYRING_HELP}")),
    }
}

/// Secrets in memory, for unit tests of the code around the keyring. Never used by the program.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: std::sync::Mutex<std::collections::HashMap<String, String>>,
    /// When set, every call fails the way a missing keyring does.
    pub unavailable: bool,
}

#[cfg(test)]
impl MemoryStore {
    pub fn unavailable() -> MemoryStore {
        MemoryStore { unavailable: true, ..MemoryStore::default() }
    }

    pub fn entries_held(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    fn entries(&self, key: &SecretKey) -> Result<std::sync::MutexGuard<'_, std::collections::HashMap<String, String>>> {
        if self.unavailable {
            return Err(keyring_error(key, keyring::Error::PlatformFailure("no session bus (test)".into())));
        }
        self.entries.lock().map_err(|_| Error::Internal("poisoned".into()))
    }
}

#[cfg(test)]
impl SecretStore for MemoryStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>> {
        Ok(self.entries(key)?.get(&key.account).cloned().map(Secret::new))
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<()> {
        self.entries(key)?.insert(key.account.clone(), secret.expose().to_owned());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        self.entries(key)?.remove(&key.account);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ConnectionKind;

    fn connection(auth: AuthKind) -> Connection {
        Connection {
            name: "prod-mlflow".into(),
            kind: ConnectionKind::Mlflow,
            base_url: "https://mlflow.example".into(),
            auth,
            username: None,
            ca_file: None,
            insecure_skip_verify: false,
            interval_minutes: 15,
        }
    }

    #[test]
    fn two_portfolio_files_get_different_entries_for_the_same_connection_id() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
        let key_a = SecretKey::new(&a, ConnectionId(1), "prod");
        let key_b = SecretKey::new(&b, ConnectionId(1), "prod");
        assert_ne!(key_a.account, key_b.account);
        assert_eq!(key_a, SecretKey::new(&a, ConnectionId(1), "renamed").clone_with_name("prod"));
        assert!(key_a.account.ends_with("/connection-1"), "{}", key_a.account);
    }

    #[test]
    fn a_relative_and_an_absolute_path_to_the_same_file_share_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.db");
        std::fs::write(&file, b"").unwrap();
        let dotted = dir.path().join(".").join("p.db");
        assert_eq!(
            SecretKey::new(&file, ConnectionId(3), "x").account,
            SecretKey::new(&dotted, ConnectionId(3), "x").account
        );
    }

    #[test]
    fn connections_without_auth_never_touch_the_keyring() {
        let store = MemoryStore::unavailable();
        let path = Path::new("p.db");
        assert_eq!(secret_for(&store, path, ConnectionId(1), &connection(AuthKind::None)).unwrap(), None);
        let err = secret_for(&store, path, ConnectionId(1), &connection(AuthKind::Bearer)).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Auth);
        let message = err.to_string();
        assert!(message.contains("prod-mlflow") && message.contains("cannot be reached"), "{message}");
        assert!(message.contains("gnome-keyring") && message.contains("dbus-run-session"), "{message}");
    }

    #[test]
    fn a_locked_keyring_says_to_unlock_it() {
        let key = SecretKey::new(Path::new("p.db"), ConnectionId(2), "prom");
        let err = keyring_error(&key, keyring::Error::NoStorageAccess("collection is locked".into()));
        assert!(err.to_string().contains("locked or refused") && err.to_string().contains("Unlock it"), "{err}");
    }

    impl SecretKey {
        fn clone_with_name(mut self, name: &str) -> SecretKey {
            self.connection = name.to_owned();
            self
        }
    }
}
