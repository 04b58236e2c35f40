//! Reaching a cluster endpoint: the HTTP client a [`Connection`](crate::domain::Connection) gets
//! (auth, TLS, limits, plain-words errors) and its secret, which lives in the OS keyring only.
//!
//! Everything that talks to a server goes through [`Client`], so every connector gets the same
//! timeouts, body limits and error messages that name the server's answer.

pub mod credentials;
pub mod http;
pub mod probe;

pub use credentials::{OsKeyring, SecretStore};
pub use http::Client;

/// A connection's secret (a password or a bearer token). Never stored in the portfolio, never
/// logged, never sent to the UI: `Debug` prints a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Read from a request (the UI's secret field); there is deliberately no `Serialize`, so a secret
/// cannot end up in an answer, an export or the audit log by accident.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}
