//! A misbehaving server on port 0, and what each misbehaviour looks like on a connection: a clear
//! error naming the connection and the server's answer, nothing written to the portfolio, and the
//! app still working afterwards.
//!
//! The server speaks HTTP/1.1 by hand (so it can lie about lengths, stop mid-body and drip bytes),
//! over plain TCP and over TLS with a certificate signed by a CA made up for the test. The first
//! path segment picks the fault, so a connection's base URL `http://ADDR/<fault>` makes every
//! request of a sync meet it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mlops_portfolio::connect::{Client, Secret, probe};
use mlops_portfolio::domain::{AuthKind, Connection, ConnectionId, ConnectionKind};
use mlops_portfolio::sync::mlflow::{self, MlflowOptions};
use mlops_portfolio::sync::{SyncContext, SyncCounts};
use mlops_portfolio::{Error, ErrorCode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;

use super::{TempDb, temp_db};

/// The fault server: plain HTTP and HTTPS on two ports; stops when dropped.
pub struct FaultServer {
    pub http: SocketAddr,
    pub https: SocketAddr,
    /// The PEM of the CA that signed the HTTPS certificate.
    pub ca_pem: String,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.tasks.iter().for_each(tokio::task::JoinHandle::abort);
    }
}

impl FaultServer {
    pub async fn start() -> FaultServer {
        let (ca_pem, tls) = test_tls();
        let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let secure = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (http, https) = (plain.local_addr().unwrap(), secure.local_addr().unwrap());
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let plain_task = tokio::spawn(async move {
            while let Ok((stream, _)) = plain.accept().await {
                tokio::spawn(serve(stream));
            }
        });
        let secure_task = tokio::spawn(async move {
            while let Ok((stream, _)) = secure.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A client that refuses the certificate ends the handshake; that is the point.
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve(stream).await;
                    }
                });
            }
        });
        FaultServer { http, https, ca_pem, tasks: vec![plain_task, secure_task] }
    }

    pub fn url(&self, fault: &str) -> String {
        format!("http://{}/{fault}", self.http)
    }
}

/// A CA, and a server certificate for localhost and 127.0.0.1 signed by it.
fn test_tls() -> (String, rustls::ServerConfig) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "MLOps Portfolio test CA");
    ca_params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let server_key = rcgen::KeyPair::generate().unwrap();
    let mut server_params = rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    server_params.distinguished_name.push(rcgen::DnType::CommonName, "localhost");
    let server_cert = server_params.signed_by(&server_key, &ca).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![server_cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
        )
        .unwrap();
    (ca.pem(), config)
}

const PROMETHEUS_ERROR: &str = r#"{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries"}"#;
const MLFLOW_ERROR: &str =
    r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Registered Model with name=fraud-gbm not found"}"#;

/// Answers one request according to its first path segment.
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16_384 {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let fault = path.trim_start_matches('/').split(['/', '?']).next().unwrap_or("").to_owned();
    let authorization = head
        .lines()
        .find_map(|l| l.strip_prefix("authorization: ").or_else(|| l.strip_prefix("Authorization: ")))
        .unwrap_or("")
        .to_owned();
    let json = "application/json";
    let _ = match fault.as_str() {
        "prom-error" => respond(&mut stream, "400 Bad Request", json, PROMETHEUS_ERROR).await,
        "mlflow-error" => respond(&mut stream, "404 Not Found", json, MLFLOW_ERROR).await,
        "plain-500" => respond(&mut stream, "500 Internal Server Error", "text/plain", "upstream exploded\n").await,
        "empty-503" => respond(&mut stream, "503 Service Unavailable", "text/plain", "").await,
        "html-502" => {
            respond(&mut stream, "502 Bad Gateway", "text/html", "<html><body>nginx bad gateway</body></html>").await
        }
        "unauthorized" => {
            // A careless server that echoes the credentials it refused.
            let body = format!(r#"{{"error_code":"UNAUTHENTICATED","message":"bad credentials: {authorization}"}}"#);
            respond(&mut stream, "401 Unauthorized", json, &body).await
        }
        "forbidden" => respond(&mut stream, "403 Forbidden", "text/plain", "").await,
        "html" => {
            let page = "<!DOCTYPE html>\n<html><head><title>MLflow</title></head><body>app</body></html>";
            respond(&mut stream, "200 OK", "text/html; charset=utf-8", page).await
        }
        "html-as-json" => respond(&mut stream, "200 OK", json, "\n<!doctype html><html></html>").await,
        "truncated" => respond(&mut stream, "200 OK", json, r#"{"registered_models":[{"name":"fraud-gb"#).await,
        "cut-off" => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n";
            stream.write_all(head.as_bytes()).await.and(stream.write_all(br#"{"registered_models":["#).await)
        }
        "huge" => huge(&mut stream, None).await,
        "huge-announced" => huge(&mut stream, Some(80 * 1024 * 1024)).await,
        "drip" => drip(&mut stream).await,
        "loop" => {
            let head = format!("HTTP/1.1 302 Found\r\nlocation: {path}\r\ncontent-length: 0\r\n\r\n");
            stream.write_all(head.as_bytes()).await
        }
        _ if path.contains("status/buildinfo") => {
            respond(&mut stream, "200 OK", json, r#"{"status":"success","data":{"version":"2.42.0"}}"#).await
        }
        _ => respond(&mut stream, "200 OK", json, r#"{"status":"success","data":{}}"#).await,
    };
    let _ = stream.shutdown().await;
}

async fn respond<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: &str,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await
}

/// 80 MB of a JSON array, with or without announcing its length; the end is never reached.
async fn huge<S: AsyncWrite + Unpin>(stream: &mut S, length: Option<u64>) -> std::io::Result<()> {
    let length = length.map(|l| format!("content-length: {l}\r\n")).unwrap_or_default();
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{length}connection: close\r\n\r\n[");
    stream.write_all(head.as_bytes()).await?;
    let chunk = "1234567,".repeat(8192);
    for _ in 0..(80 * 1024 * 1024 / chunk.len()) {
        stream.write_all(chunk.as_bytes()).await?;
    }
    stream.write_all(b"0]").await
}

/// A valid start, then one byte every 100 ms for as long as the client listens.
async fn drip<S: AsyncWrite + Unpin>(stream: &mut S) -> std::io::Result<()> {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n[";
    stream.write_all(head.as_bytes()).await?;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        stream.write_all(b" ").await?;
        stream.flush().await?;
    }
}

fn connection(url: &str, auth: AuthKind) -> Connection {
    Connection {
        name: "flaky".into(),
        kind: ConnectionKind::Mlflow,
        base_url: url.into(),
        auth,
        username: (auth == AuthKind::Basic).then(|| "ada".into()),
        ca_file: None,
        insecure_skip_verify: false,
        interval_minutes: 5,
    }
}

/// How much of the portfolio a sync could have changed: rows of every table it writes.
fn written_rows(db: &TempDb) -> Vec<(String, i64)> {
    let store = db.open();
    [
        "models",
        "model_versions",
        "upstream_models",
        "upstream_model_versions",
        "metric_series",
        "metric_samples",
        "audit_log",
    ]
    .iter()
    .map(|t| (t.to_string(), store.conn().query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap()))
    .collect()
}

/// Stores `connection` in `db` and returns its id.
pub fn store_connection(db: &TempDb, connection: &Connection) -> ConnectionId {
    let mut store = db.open();
    store.in_transaction(|tx, actor| mlops_portfolio::store::records::insert(tx, actor, connection)).unwrap().id
}

/// Runs an MLflow sync of the stored connection `id` with a short deadline.
pub async fn run_sync(
    db: &TempDb,
    id: ConnectionId,
    connection: &Connection,
    secret: Option<&str>,
    page_size: u32,
) -> mlops_portfolio::Result<SyncCounts> {
    let client = Client::new(connection, secret.map(Secret::new))?
        .with_limits(mlops_portfolio::connect::http::DEFAULT_BODY_LIMIT, Duration::from_secs(2));
    let ctx = SyncContext {
        connection_id: id,
        run_id: 0,
        connection: connection.clone(),
        client,
        db_path: db.path.clone(),
        cancel: Default::default(),
    };
    mlflow::run_with(&ctx, MlflowOptions { page_size }).await
}

async fn sync(db: &TempDb, connection: &Connection, secret: Option<&str>) -> mlops_portfolio::Result<SyncCounts> {
    let id = store_connection(db, connection);
    run_sync(db, id, connection, secret, 10).await
}

/// Syncs against `fault` and returns the error, checking that nothing was written.
async fn sync_error(server: &FaultServer, fault: &str, auth: AuthKind, secret: Option<&str>) -> Error {
    let db = temp_db();
    let connection = connection(&server.url(fault), auth);
    let id = store_connection(&db, &connection);
    let before = written_rows(&db);
    let err = run_sync(&db, id, &connection, secret, 10).await.expect_err("the sync fails");
    assert_eq!(written_rows(&db), before, "{fault}: nothing is written when the server misbehaves");
    let message = err.to_string();
    assert!(message.contains("connection `flaky`"), "{fault}: the message names the connection: {message}");
    err
}

fn assert_words(err: &Error, code: ErrorCode, words: &[&str]) {
    let message = err.to_string();
    assert_eq!(err.code(), code, "{message}");
    for word in words {
        assert!(message.contains(word), "expected `{word}` in: {message}");
    }
}

#[tokio::test]
async fn error_statuses_quote_the_servers_answer() {
    let server = FaultServer::start().await;
    let none = AuthKind::None;
    let err = sync_error(&server, "prom-error", none, None).await;
    assert_words(&err, ErrorCode::Network, &["400 Bad Request", "bad_data", "11,000 points per timeseries"]);
    let err = sync_error(&server, "mlflow-error", none, None).await;
    assert_words(&err, ErrorCode::Network, &["404 Not Found", "RESOURCE_DOES_NOT_EXIST", "name=fraud-gbm not found"]);
    let err = sync_error(&server, "plain-500", none, None).await;
    assert_words(&err, ErrorCode::Network, &["500 Internal Server Error", "upstream exploded"]);
    let err = sync_error(&server, "empty-503", none, None).await;
    assert_words(&err, ErrorCode::Network, &["503 Service Unavailable"]);
    let err = sync_error(&server, "html-502", none, None).await;
    assert_words(&err, ErrorCode::Network, &["502 Bad Gateway", "HTML page", "not the API"]);
}

#[tokio::test]
async fn refused_credentials_are_an_auth_error_that_never_shows_the_secret() {
    let server = FaultServer::start().await;
    let token = "tok-7f3a9c-SECRET";
    let err = sync_error(&server, "unauthorized", AuthKind::Bearer, Some(token)).await;
    assert_words(&err, ErrorCode::Auth, &["refused the credentials", "401 Unauthorized", "UNAUTHENTICATED"]);
    assert!(!err.to_string().contains(token), "the echoed token is redacted: {err}");
    assert!(err.to_string().contains("[secret]"), "{err}");

    let err = sync_error(&server, "unauthorized", AuthKind::Basic, Some("pa55word-SECRET")).await;
    assert!(!err.to_string().contains("pa55word-SECRET"), "{err}");
    assert!(!err.to_string().contains("YWRhOnBhNTV3b3JkLVNFQ1JFVA=="), "nor its Basic encoding: {err}");

    let err = sync_error(&server, "forbidden", AuthKind::None, None).await;
    assert_words(
        &err,
        ErrorCode::Auth,
        &["403 Forbidden", "sends no credentials", "auth=bearer", "connection secret flaky"],
    );
}

#[tokio::test]
async fn html_truncated_json_and_cut_off_answers_are_told_apart() {
    let server = FaultServer::start().await;
    let none = AuthKind::None;
    for fault in ["html", "html-as-json"] {
        let err = sync_error(&server, fault, none, None).await;
        assert_words(
            &err,
            ErrorCode::Network,
            &["answered with an HTML page", "is the base URL the API, not the web UI?"],
        );
    }
    let err = sync_error(&server, "truncated", none, None).await;
    assert_words(&err, ErrorCode::Network, &["JSON that stops early", "cut off"]);
    let err = sync_error(&server, "cut-off", none, None).await;
    assert_words(&err, ErrorCode::Network, &["broke off its answer"]);
}

#[tokio::test]
async fn huge_slow_and_looping_answers_end_with_a_clear_error() {
    let server = FaultServer::start().await;
    let none = AuthKind::None;
    for fault in ["huge", "huge-announced"] {
        let err = sync_error(&server, fault, none, None).await;
        assert_words(&err, ErrorCode::Network, &["answered too much", "64 MB"]);
    }
    let started = std::time::Instant::now();
    let err = sync_error(&server, "drip", none, None).await;
    assert_words(&err, ErrorCode::Network, &["did not finish answering within 2 s", "slow or stalled"]);
    assert!(started.elapsed() < Duration::from_secs(30), "the deadline, not the server, ended the request");
    let err = sync_error(&server, "loop", none, None).await;
    assert_words(&err, ErrorCode::Network, &["redirected more than 5 times", "redirect loop"]);

    // After all that, the same process still syncs from a well-behaved server.
    let db = temp_db();
    let counts = sync(&db, &connection(&server.url("ok"), none), None).await.unwrap();
    assert_eq!(counts, SyncCounts { fetched: 0, written: 0 }, "an empty registry syncs to nothing");
}

#[tokio::test]
async fn an_unreachable_server_is_named() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let db = temp_db();
    let err = sync(&db, &connection(&format!("http://{addr}"), AuthKind::None), None).await.unwrap_err();
    assert_words(&err, ErrorCode::Network, &["cannot connect to", &addr.to_string(), "connection refused"]);
    assert!(!err.to_string().contains("os error"), "in words, not socket codes: {err}");

    let named = connection("http://no-such-host.invalid", AuthKind::None);
    let err = sync(&temp_db(), &named, None).await.unwrap_err();
    assert_words(&err, ErrorCode::Network, &["cannot connect to http://no-such-host.invalid", "host name"]);
}

fn tls_connection(server: &FaultServer) -> Connection {
    Connection {
        kind: ConnectionKind::Prometheus,
        ..connection(&format!("https://localhost:{}", server.https.port()), AuthKind::None)
    }
}

#[tokio::test]
async fn an_untrusted_certificate_fails_until_its_ca_is_given_or_checking_is_off() {
    let server = FaultServer::start().await;
    let untrusted = probe::test(&tls_connection(&server), Ok(None)).await;
    assert!(!untrusted.ok && !untrusted.reachable, "{untrusted:?}");
    let problem = untrusted.problem.expect("a problem").message;
    assert!(problem.contains("TLS certificate is not trusted") && problem.contains("--ca-file"), "{problem}");

    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("in-house-ca.pem");
    std::fs::write(&ca_file, &server.ca_pem).unwrap();
    let with_ca = Connection { ca_file: Some(ca_file.display().to_string()), ..tls_connection(&server) };
    let trusted = probe::test(&with_ca, Ok(None)).await;
    assert!(trusted.ok && trusted.warnings.is_empty(), "the extra CA makes it pass: {trusted:?}");
    assert_eq!(trusted.version.as_deref(), Some("2.42.0"));

    let insecure = Connection { insecure_skip_verify: true, ..tls_connection(&server) };
    let skipped = probe::test(&insecure, Ok(None)).await;
    assert!(skipped.ok, "{skipped:?}");
    assert!(skipped.warnings.iter().any(|w| w.contains("does not verify")), "with a warning: {skipped:?}");
}

#[tokio::test]
async fn connection_test_says_what_failed_in_words() {
    let server = FaultServer::start().await;
    let refused =
        probe::test(&connection(&server.url("unauthorized"), AuthKind::Bearer), Ok(Some(Secret::new("t")))).await;
    assert!(refused.reachable && refused.authenticated == Some(false) && !refused.ok, "{refused:?}");
    assert!(refused.summary.contains("refused the credentials"), "{}", refused.summary);
    let web_ui = probe::test(&connection(&server.url("html"), AuthKind::None), Ok(None)).await;
    assert!(web_ui.reachable && !web_ui.ok && web_ui.summary.contains("web UI"), "{web_ui:?}");
}
