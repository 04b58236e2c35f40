//! The one HTTP client of every connector, and what it does when a server misbehaves.
//!
//! - **TLS**: the system's trust store through rustls' platform verifier; a connection's extra CA
//!   (`ca_file`, PEM) is merged with it (`tls_certs_merge`), not put in its place, so public and
//!   in-house servers both verify. `insecure_skip_verify` turns checking off, and only that does.
//! - **Limits**: a connect timeout, one deadline for a whole request including its body (so a
//!   server that drips bytes cannot hold a sync forever), a cap on the body size checked while
//!   streaming (nothing larger is ever buffered), and at most [`MAX_REDIRECTS`] redirects.
//! - **Errors** name the connection, the URL and the server's answer: Prometheus'
//!   `{"status":"error","errorType","error"}` and MLflow's `{"error_code","message"}` are quoted,
//!   an HTML page is called one, 401/403 are [`Error::Auth`]. The secret is redacted from every
//!   message, even when a server echoes it back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use super::Secret;
use crate::domain::{AuthKind, Connection};
use crate::error::{Error, Result};

/// The largest answer read by default: enough for a full Prometheus range query, small enough to
/// hold in memory on a laptop.
pub const DEFAULT_BODY_LIMIT: u64 = 64 * 1024 * 1024;
/// How long one request may take, from connecting to the last byte of the body.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_REDIRECTS: usize = 5;

/// An HTTP client bound to one connection's base URL and credentials.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    name: String,
    auth: Auth,
    insecure: bool,
    body_limit: u64,
    deadline: Duration,
}

#[derive(Debug, Clone)]
enum Auth {
    None,
    Basic { username: String, password: Secret },
    Bearer(Secret),
}

/// Why a probe failed, and whether the server answered at all before it did.
#[derive(Debug)]
pub struct Failure {
    pub reached: bool,
    pub error: Error,
}

/// A successful answer: its URL (for messages), content type and body.
#[derive(Debug)]
struct Answer {
    url: String,
    content_type: String,
    body: Vec<u8>,
}

impl Client {
    /// A client for `connection`; `secret` is its password or token from the keyring.
    pub fn new(connection: &Connection, secret: Option<Secret>) -> Result<Client> {
        let name = &connection.name;
        let auth = match (connection.auth, secret) {
            (AuthKind::None, _) => Auth::None,
            (AuthKind::Basic, Some(password)) => {
                Auth::Basic { username: connection.username.clone().unwrap_or_default(), password }
            }
            (AuthKind::Bearer, Some(token)) => Auth::Bearer(token),
            (kind, None) => {
                return Err(Error::Auth(format!(
                    "connection `{name}` uses {kind} auth but has no secret in the OS keyring; set it with \
                     `mlops-portfolio connection secret {name}` or on the Connections page"
                )));
            }
        };
        let base = reqwest::Url::parse(&connection.base_url).map_err(|e| {
            Error::Validation(format!("connection `{name}`: base_url `{}` is not a URL: {e}", connection.base_url))
        })?;
        if !base.username().is_empty() || base.password().is_some() {
            return Err(Error::Validation(format!(
                "connection `{name}`: base_url carries a user name or password; remove it from the URL and use \
                 --auth basic, so the password goes to the OS keyring"
            )));
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(DEFAULT_DEADLINE + Duration::from_secs(1))
            .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
            .user_agent(concat!("mlops-portfolio/", env!("CARGO_PKG_VERSION")));
        if let Some(ca_file) = connection.ca_file.as_deref().filter(|f| !f.trim().is_empty()) {
            builder = builder.tls_certs_merge(read_ca_file(name, ca_file)?);
        }
        if connection.insecure_skip_verify {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        let http = builder.build().map_err(|e| {
            let detail = error_chain(&e);
            match &connection.ca_file {
                Some(ca_file) if detail.contains("certificate") || detail.contains("cert") => {
                    Error::Validation(format!(
                        "connection `{name}`: the CA file {ca_file} holds a certificate that cannot be used: {detail}"
                    ))
                }
                _ => Error::Internal(format!("connection `{name}`: cannot set up the HTTP client: {detail}")),
            }
        })?;
        Ok(Client {
            http,
            base_url: connection.base_url.trim_end_matches('/').to_owned(),
            name: name.clone(),
            auth,
            insecure: connection.insecure_skip_verify,
            body_limit: DEFAULT_BODY_LIMIT,
            deadline: DEFAULT_DEADLINE,
        })
    }

    /// The same client with another body cap and deadline (for probes that must answer quickly,
    /// and tests).
    pub fn with_limits(mut self, body_limit: u64, deadline: Duration) -> Client {
        self.body_limit = body_limit;
        self.deadline = deadline;
        self
    }

    /// The connection's name, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether TLS verification is off for this connection; callers show it as a warning.
    pub fn insecure(&self) -> bool {
        self.insecure
    }

    /// GETs `path` (relative to the base URL) with `query` and decodes the JSON answer.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str, query: &[(&str, String)]) -> Result<T> {
        let answer = self.get(path, query).await?;
        serde_json::from_slice(&answer.body).map_err(|e| {
            if looks_like_html(&answer) {
                return self.network(format!("{} {}", answer.url, HTML_INSTEAD_OF_JSON));
            }
            let what = if e.is_eof() {
                format!(
                    "answered with JSON that stops early (at line {}, column {}, after {} bytes); the answer was cut \
                     off, try again",
                    e.line(),
                    e.column(),
                    answer.body.len()
                )
            } else {
                format!("did not answer with the expected JSON ({e}); it began: {}", snippet(&answer.body))
            };
            self.network(format!("{} {what}", answer.url))
        })
    }

    /// GETs `path` as a probe: its trimmed text answer, or what failed and whether the server
    /// answered at all (for `connection test`).
    pub async fn check(&self, path: &str) -> Result<String, Failure> {
        let reached = AtomicBool::new(false);
        let answer = self.get_tracked(path, &[], &reached).await;
        let failure = |error| Failure { reached: reached.load(Ordering::Relaxed), error };
        let answer = answer.map_err(failure)?;
        // Judged by the body alone: MLflow labels its plain-text /version as text/html.
        if body_is_html(&answer.body) {
            return Err(failure(self.network(format!(
                "{} answered with an HTML page (is the base URL the API, not the web UI?)",
                answer.url
            ))));
        }
        Ok(String::from_utf8_lossy(&answer.body).trim().to_owned())
    }

    /// One GET within the deadline: auth, status check, and a body read up to the cap.
    async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Answer> {
        self.get_tracked(path, query, &AtomicBool::new(false)).await
    }

    /// Like [`Client::get`], setting `reached` once the server has answered with a status.
    async fn get_tracked(&self, path: &str, query: &[(&str, String)], reached: &AtomicBool) -> Result<Answer> {
        let url = format!("{}/{}", self.base_url, path.trim_start_matches('/'));
        match tokio::time::timeout(self.deadline, self.get_unbounded(&url, query, reached)).await {
            Ok(answer) => answer,
            Err(_) => Err(self.deadline_error(&url)),
        }
    }

    async fn get_unbounded(&self, url: &str, query: &[(&str, String)], reached: &AtomicBool) -> Result<Answer> {
        let request = match &self.auth {
            Auth::None => self.http.get(url),
            Auth::Basic { username, password } => self.http.get(url).basic_auth(username, Some(password.expose())),
            Auth::Bearer(token) => self.http.get(url).bearer_auth(token.expose()),
        };
        let mut response = request.query(query).send().await.map_err(|e| self.send_error(url, &e))?;
        reached.store(true, Ordering::Relaxed);
        let status = response.status();
        let content_type =
            response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
        if let Some(length) = response.content_length().filter(|l| *l > self.body_limit) {
            return Err(self.too_large(url, format!("announced {}", megabytes(length))));
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > self.body_limit {
                        return Err(self.too_large(url, format!("sent more than {}", megabytes(self.body_limit))));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => return Err(self.deadline_error(url)),
                Err(e) => {
                    return Err(self.network(format!(
                        "{url} broke off its answer after {} bytes ({}); try again",
                        body.len(),
                        error_chain(&e)
                    )));
                }
            }
        }
        let answer = Answer { url: url.to_owned(), content_type, body };
        if status.is_success() {
            return Ok(answer);
        }
        let said = describe_error_body(&answer);
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            let hint = match self.auth {
                Auth::None => format!(
                    "the connection sends no credentials; give it some with `mlops-portfolio update connection {0} \
                     auth=bearer` (or auth=basic username=...), then `mlops-portfolio connection secret {0}`",
                    self.name
                ),
                _ => format!(
                    "check the user name and the secret (`mlops-portfolio connection secret {}` sets it again)",
                    self.name
                ),
            };
            return Err(self.auth_error(format!("{url} refused the credentials ({status}{said}); {hint}")));
        }
        Err(self.network(format!("{url} answered {status}{said}")))
    }

    fn send_error(&self, url: &str, err: &reqwest::Error) -> Error {
        let detail = error_chain(err);
        if err.is_timeout() {
            return self.deadline_error(url);
        }
        if err.is_redirect() {
            return self.network(format!(
                "{url} redirected more than {MAX_REDIRECTS} times (a redirect loop?); check the base URL, and that \
                 it is the API's address rather than a login page ({detail})"
            ));
        }
        if detail.contains("certificate") || detail.contains("UnknownIssuer") || detail.contains("CertNotValid") {
            return self.network(format!(
                "{url}: the server's TLS certificate is not trusted ({detail}). If an in-house CA signed it, give \
                 that CA's PEM file with --ca-file; --insecure-skip-verify turns checking off (not recommended)"
            ));
        }
        if err.is_connect() {
            return self.network(format!("cannot connect to {url}: {}", connect_failure(err, &detail)));
        }
        self.network(format!("cannot reach {url} ({detail})"))
    }

    fn deadline_error(&self, url: &str) -> Error {
        self.network(format!(
            "{url} did not finish answering within {} s (the server is slow or stalled); try again later",
            self.deadline.as_secs_f64()
        ))
    }

    fn too_large(&self, url: &str, what: String) -> Error {
        self.network(format!(
            "{url} answered too much: it {what}, and this app reads at most {} in one answer; ask for a shorter \
             range or fewer series",
            megabytes(self.body_limit)
        ))
    }

    fn network(&self, message: String) -> Error {
        Error::Network(self.redact(format!("connection `{}`: {message}", self.name)))
    }

    fn auth_error(&self, message: String) -> Error {
        Error::Auth(self.redact(format!("connection `{}`: {message}", self.name)))
    }

    /// Removes the secret (and its Basic-auth encoding) from `text`, in case a server echoed it.
    fn redact(&self, mut text: String) -> String {
        let secrets: Vec<String> = match &self.auth {
            Auth::None => Vec::new(),
            Auth::Bearer(token) => vec![token.expose().to_owned()],
            Auth::Basic { username, password } => {
                vec![
                    password.expose().to_owned(),
                    base64_encode(format!("{username}:{}", password.expose()).as_bytes()),
                ]
            }
        };
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            text = text.replace(secret.as_str(), "[secret]");
        }
        text
    }
}

const HTML_INSTEAD_OF_JSON: &str =
    "answered with an HTML page instead of JSON (is the base URL the API, not the web UI?)";

fn read_ca_file(name: &str, path: &str) -> Result<Vec<reqwest::Certificate>> {
    let pem = std::fs::read(path).map_err(|e| {
        Error::Io(format!("connection `{name}`: cannot read the CA file {path}: {e}; give a readable PEM file"))
    })?;
    let not_pem = || {
        Error::Validation(format!(
            "connection `{name}`: the CA file {path} is not a PEM certificate (it has no -----BEGIN CERTIFICATE----- \
             block); export the CA certificate as PEM"
        ))
    };
    if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
        return Err(not_pem());
    }
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        Error::Validation(format!("connection `{name}`: the CA file {path} holds a broken PEM certificate: {e}"))
    })?;
    if certs.is_empty() {
        return Err(not_pem());
    }
    Ok(certs)
}

/// An HTML page by its type or its first tag (for answers that are not what was asked for).
fn looks_like_html(answer: &Answer) -> bool {
    answer.content_type.starts_with("text/html") || body_is_html(&answer.body)
}

fn body_is_html(body: &[u8]) -> bool {
    let start: Vec<u8> =
        body.iter().skip_while(|b| b.is_ascii_whitespace()).take(15).map(u8::to_ascii_lowercase).collect();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

/// ": <what the server said>" for an error answer, or "" when it said nothing.
fn describe_error_body(answer: &Answer) -> String {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        #[serde(rename = "errorType")]
        error_type: Option<String>,
        error: Option<serde_json::Value>,
        error_code: Option<String>,
        message: Option<String>,
    }
    if answer.body.iter().all(u8::is_ascii_whitespace) {
        return String::new();
    }
    if looks_like_html(answer) {
        return " with an HTML page (a proxy or the web UI answered, not the API)".to_owned();
    }
    let said = match serde_json::from_slice::<ErrorBody>(&answer.body) {
        Ok(ErrorBody { error_type: Some(kind), error, .. }) => {
            format!(
                "{kind}: {}",
                error.map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned)).unwrap_or_default()
            )
        }
        Ok(ErrorBody { error_code: Some(code), message, .. }) => format!("{code}: {}", message.unwrap_or_default()),
        Ok(ErrorBody { message: Some(message), .. }) => message,
        Ok(ErrorBody { error: Some(serde_json::Value::String(error)), .. }) => error,
        _ => return format!(": {}", snippet(&answer.body)),
    };
    format!(": {}", shorten(&said))
}

/// The start of a body, as one line of text.
fn snippet(body: &[u8]) -> String {
    shorten(&String::from_utf8_lossy(&body[..body.len().min(600)]))
}

fn shorten(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = one_line.chars().filter(|c| !c.is_control()).take(300).collect();
    if one_line.chars().count() > 300 {
        out.push('…');
    }
    if out.is_empty() { "(an empty answer)".to_owned() } else { format!("`{out}`") }
}

fn megabytes(bytes: u64) -> String {
    format!("{} MB", bytes.div_ceil(1024 * 1024))
}

/// An error and its causes, innermost last, without repeating the URL reqwest puts in front.
/// Why a connection could not be opened, in words a person acts on (the chain of library errors
/// says the same in terms of sockets).
fn connect_failure(err: &(dyn std::error::Error + 'static), detail: &str) -> String {
    use std::io::ErrorKind;
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = current {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            let words = match io.kind() {
                ErrorKind::ConnectionRefused => "nothing answers at that address (connection refused)",
                ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable | ErrorKind::NetworkDown => {
                    "the network cannot reach the server (is this computer offline, or off the VPN?)"
                }
                ErrorKind::TimedOut => "the server did not answer the connection in time",
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => "the server closed the connection",
                _ => break,
            };
            return format!("{words}; check the URL and that the server runs");
        }
        current = cause.source();
    }
    if detail.contains("dns error") {
        return "the host name cannot be looked up (offline, or a typo in the URL?)".into();
    }
    format!("{detail}; check the URL and that the server runs")
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut current = err.source();
    while let Some(cause) = current {
        let text = cause.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        current = cause.source();
    }
    if parts.is_empty() { err.to_string() } else { parts.join(": ") }
}

fn base64_encode(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ConnectionKind;

    fn connection(auth: AuthKind) -> Connection {
        Connection {
            name: "prom".into(),
            kind: ConnectionKind::Prometheus,
            base_url: "http://127.0.0.1:9".into(),
            auth,
            username: Some("ada".into()),
            ca_file: None,
            insecure_skip_verify: false,
            interval_minutes: 5,
        }
    }

    fn answer(content_type: &str, body: &str) -> Answer {
        Answer { url: "u".into(), content_type: content_type.into(), body: body.as_bytes().to_vec() }
    }

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64_encode(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn basic_auth_secrets_are_redacted_raw_and_encoded() {
        let client = Client::new(&connection(AuthKind::Basic), Some(Secret::new("hunter2"))).unwrap();
        let encoded = base64_encode(b"ada:hunter2");
        let text = client.redact(format!("echo: hunter2 / Basic {encoded}"));
        assert_eq!(text, "echo: [secret] / Basic [secret]");
    }

    #[test]
    fn error_bodies_of_prometheus_and_mlflow_are_quoted() {
        let prom = answer(
            "application/json",
            r#"{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points"}"#,
        );
        assert_eq!(describe_error_body(&prom), ": `bad_data: exceeded maximum resolution of 11,000 points`");
        let mlflow = answer("application/json", r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no model x"}"#);
        assert_eq!(describe_error_body(&mlflow), ": `RESOURCE_DOES_NOT_EXIST: no model x`");
        assert_eq!(describe_error_body(&answer("text/plain", "  \n")), "");
        assert!(describe_error_body(&answer("text/html", "<html>")).contains("HTML page"));
        assert_eq!(describe_error_body(&answer("text/plain", "upstream\n  down")), ": `upstream down`");
    }

    #[test]
    fn html_is_recognised_by_type_or_by_its_first_tag() {
        assert!(looks_like_html(&answer("text/html; charset=utf-8", "{}")));
        assert!(looks_like_html(&answer("application/json", "\n <!DOCTYPE html><html>")));
        assert!(!looks_like_html(&answer("application/json", "{\"a\":\"<html>\"}")));
    }

    #[test]
    fn a_url_with_a_password_is_refused() {
        let mut c = connection(AuthKind::None);
        c.base_url = "https://ada:hunter2@prom.example".into();
        let err = Client::new(&c, None).unwrap_err();
        assert!(!err.to_string().contains("hunter2") && err.to_string().contains("--auth basic"), "{err}");
    }

    #[test]
    fn an_unreadable_or_non_pem_ca_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = connection(AuthKind::None);
        let missing = dir.path().join("missing.pem");
        c.ca_file = Some(missing.display().to_string());
        let err = Client::new(&c, None).unwrap_err();
        assert!(err.to_string().contains("cannot read the CA file") && err.to_string().contains("missing.pem"));
        let garbage = dir.path().join("ca.pem");
        std::fs::write(&garbage, "not a certificate").unwrap();
        c.ca_file = Some(garbage.display().to_string());
        let err = Client::new(&c, None).unwrap_err();
        assert!(err.to_string().contains("is not a PEM certificate") && err.to_string().contains("ca.pem"), "{err}");
        std::fs::write(&garbage, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").unwrap();
        let err = Client::new(&c, None).unwrap_err();
        assert!(err.to_string().contains("ca.pem"), "{err}");
    }
}
