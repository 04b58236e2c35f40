//! The one HTTP client of every connector.

use std::time::Duration;

use serde::de::DeserializeOwned;

use super::Secret;
use crate::domain::{AuthKind, Connection};
use crate::error::{Error, Result};

/// An HTTP client bound to one connection's base URL and credentials.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    name: String,
    auth: Auth,
}

#[derive(Debug, Clone)]
enum Auth {
    None,
    Basic { username: String, password: Secret },
    Bearer(Secret),
}

impl Client {
    /// A client for `connection`; `secret` is its password or token from the keyring.
    pub fn new(connection: &Connection, secret: Option<Secret>) -> Result<Client> {
        let auth = match (connection.auth, secret) {
            (AuthKind::None, _) => Auth::None,
            (AuthKind::Basic, Some(password)) => {
                Auth::Basic { username: connection.username.clone().unwrap_or_default(), password }
            }
            (AuthKind::Bearer, Some(token)) => Auth::Bearer(token),
            (kind, None) => {
                return Err(Error::Auth(format!(
                    "connection `{}` uses {kind} auth but has no secret in the OS keyring; \
                     set it again with `connection add` or on the Connections page",
                    connection.name
                )));
            }
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| Error::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            http,
            base_url: connection.base_url.trim_end_matches('/').to_owned(),
            name: connection.name.clone(),
            auth,
        })
    }

    /// GETs `path` (relative to the base URL) with `query` and decodes the JSON answer.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str, query: &[(&str, String)]) -> Result<T> {
        let url = format!("{}/{}", self.base_url, path.trim_start_matches('/'));
        let request = match &self.auth {
            Auth::None => self.http.get(&url),
            Auth::Basic { username, password } => self.http.get(&url).basic_auth(username, Some(password.expose())),
            Auth::Bearer(token) => self.http.get(&url).bearer_auth(token.expose()),
        };
        let response = request
            .query(query)
            .send()
            .await
            .map_err(|e| Error::Network(format!("connection `{}`: cannot reach {url}: {e}", self.name)))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::Network(format!("connection `{}`: {url} broke off its answer: {e}", self.name)))?;
        if !status.is_success() {
            return Err(Error::Network(format!(
                "connection `{}`: {url} answered {status}: {}",
                self.name,
                String::from_utf8_lossy(&body[..body.len().min(300)])
            )));
        }
        serde_json::from_slice(&body).map_err(|e| {
            Error::Network(format!("connection `{}`: {url} did not answer with the expected JSON: {e}", self.name))
        })
    }
}
