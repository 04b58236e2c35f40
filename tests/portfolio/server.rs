//! Browser mode's HTTP twin: the token is required, only loopback is bound, commands answer as
//! the API does.

use std::net::TcpStream;
use std::path::PathBuf;

use mlops_portfolio::server::{ServeOptions, Server};
use serde_json::{Value, json};

use super::temp_db;

async fn started() -> (Server, super::TempDb, PathBuf) {
    let db = temp_db();
    let ui = db.dir.path().join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>MLOps Portfolio</title>").unwrap();
    let server = Server::bind(db.open(), &ServeOptions { port: 0, ui_dir: ui.clone() }).await.unwrap();
    (server, db, ui)
}

#[tokio::test]
async fn requests_without_the_token_are_refused() {
    let (server, _db, _ui) = started().await;
    let base = format!("http://{}", server.addr);
    let token = server.token.clone();
    tokio::spawn(server.serve());
    let client = reqwest::Client::new();

    for path in ["/", "/index.html", "/api/summary", "/?token=wrong"] {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 401, "GET {path} without the token");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "auth");
    }
    let response = client.post(format!("{base}/api/summary")).bearer_auth("not-the-token").send().await.unwrap();
    assert_eq!(response.status(), 401);

    let page = client.get(format!("{base}/?token={token}")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let cookie = page.headers().get("set-cookie").expect("the page load sets the cookie").to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(page.headers().get("content-security-policy").is_some());
    assert!(page.text().await.unwrap().contains("MLOps Portfolio"));

    let with_cookie = client
        .post(format!("{base}/api/portfolio_info"))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(with_cookie.status(), 200, "the cookie stands in for the token");
}

#[tokio::test]
async fn commands_answer_like_the_api_and_errors_keep_their_shape() {
    let (server, _db, _ui) = started().await;
    let base = format!("http://{}", server.addr);
    let token = server.token.clone();
    tokio::spawn(server.serve());
    let client = reqwest::Client::new();
    let post = |command: &str, body: Value| {
        client.post(format!("{base}/api/{command}")).bearer_auth(&token).json(&body).send()
    };

    let created = post(
        "create_record",
        json!({"kind": "initiative", "fields": {"name": "<script>alert(1)</script>", "status": "active", "priority": 1, "start": "2026-01"}}),
    )
    .await
    .unwrap();
    assert_eq!(created.status(), 200);
    let listed: Value = post("list_records", json!({"kind": "initiative"})).await.unwrap().json().await.unwrap();
    assert_eq!(listed[0]["fields"]["name"], "<script>alert(1)</script>", "names are data, stored as given");

    let bad = post("create_record", json!({"kind": "initiative", "fields": {"name": "X"}})).await.unwrap();
    assert_eq!(bad.status(), 400);
    let error: Value = bad.json().await.unwrap();
    assert_eq!(error["code"], "validation");
    assert!(error["message"].as_str().unwrap().contains("missing: status"), "{error}");

    let missing = post("get_record", json!({"kind": "model", "id": 99})).await.unwrap();
    assert_eq!(missing.status(), 404);
    let unknown = post("drop_everything", json!({})).await.unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn only_the_loopback_interface_is_bound() {
    let (server, _db, _ui) = started().await;
    assert!(server.addr.ip().is_loopback(), "bound to {}", server.addr);
    let port = server.addr.port();
    tokio::spawn(server.serve());
    let output = std::process::Command::new("hostname").arg("-I").output();
    let addresses: Vec<String> = output
        .map(|o| String::from_utf8_lossy(&o.stdout).split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    for address in addresses.iter().filter(|a| !a.starts_with("127.") && *a != "::1") {
        let target = if address.contains(':') { format!("[{address}]:{port}") } else { format!("{address}:{port}") };
        let reached = tokio::task::spawn_blocking(move || TcpStream::connect(target).is_ok()).await.unwrap();
        assert!(!reached, "the server answered on {address}");
    }
}
