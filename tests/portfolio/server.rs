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
    let server =
        Server::bind(db.open(), &ServeOptions { port: 0, ui_dir: ui.clone(), background_sync: true }).await.unwrap();
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
        .header("origin", &base)
        .send()
        .await
        .unwrap();
    assert_eq!(with_cookie.status(), 200, "the cookie stands in for the token on the app's own page");
}

#[tokio::test]
async fn another_host_another_origin_a_form_post_and_a_huge_body_are_refused_in_json() {
    let (server, db, _ui) = started().await;
    let base = format!("http://{}", server.addr);
    let port = server.addr.port();
    let token = server.token.clone();
    tokio::spawn(server.serve());
    let client = reqwest::Client::new();
    let cookie = format!("mlops_portfolio_token={token}");
    let create = json!({"kind": "initiative", "fields": {"name": "Planted", "status": "active", "priority": 1, "start": "2026-01"}});
    let refused = |response: reqwest::Response, status: u16| async move {
        assert_eq!(response.status(), status);
        let body: Value = response.json().await.expect("every refusal is JSON");
        assert!(body["code"].is_string() && body["message"].is_string(), "{body}");
        body["message"].as_str().unwrap().to_owned()
    };

    // A page of another site holding the cookie (a cross-site request the browser sends with it).
    let message = refused(
        client
            .post(format!("{base}/api/create_record"))
            .header("cookie", &cookie)
            .header("origin", "http://evil.example")
            .json(&create)
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    assert!(message.contains("evil.example"), "{message}");
    // The same as a `text/plain` form post from the app's own origin: JSON only.
    let message = refused(
        client
            .post(format!("{base}/api/create_record"))
            .header("cookie", &cookie)
            .header("origin", &base)
            .header("content-type", "text/plain")
            .body(create.to_string())
            .send()
            .await
            .unwrap(),
        415,
    )
    .await;
    assert!(message.contains("application/json"), "{message}");
    // A rebound DNS name: the right port, another host.
    let message = refused(
        client
            .post(format!("{base}/api/create_record"))
            .bearer_auth(&token)
            .header("host", format!("attacker.example:{port}"))
            .json(&create)
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    assert!(message.contains("127.0.0.1"), "{message}");
    // No Origin and only the cookie: not a page of the app, not a script with the token.
    refused(
        client.post(format!("{base}/api/create_record")).header("cookie", &cookie).json(&create).send().await.unwrap(),
        403,
    )
    .await;
    // Too large for any command: the 413 is JSON too.
    let huge = "x".repeat(mlops_portfolio::api::governance::UPLOAD_LIMIT_BYTES * 2);
    let message = refused(
        client
            .post(format!("{base}/api/portfolio_info"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap(),
        413,
    )
    .await;
    assert!(message.contains("larger than"), "{message}");
    let store = db.open();
    let planted: i64 =
        store.conn().query_row("SELECT count(*) FROM initiatives WHERE name = 'Planted'", [], |r| r.get(0)).unwrap();
    assert_eq!(planted, 0, "nothing refused was written");

    // The app's own page and a script with the bearer token get through.
    let from_page = client
        .post(format!("{base}/api/create_record"))
        .header("cookie", &cookie)
        .header("origin", &base)
        .json(&create)
        .send()
        .await
        .unwrap();
    assert_eq!(from_page.status(), 200);
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

#[tokio::test]
async fn background_sync_progress_streams_as_server_sent_events() {
    let (server, _db, _ui) = started().await;
    let base = format!("http://{}", server.addr);
    let token = server.token.clone();
    tokio::spawn(server.serve());
    let client = reqwest::Client::new();

    let refused = client.get(format!("{base}/api/events")).send().await.unwrap();
    assert_eq!(refused.status(), 401, "the event stream needs the token too");
    let mut stream = client.get(format!("{base}/api/events")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");

    // An MLflow connection to a port where nothing listens: added, it syncs at once and fails.
    let connection = json!({"name": "registry", "kind": "mlflow", "base_url": "http://127.0.0.1:9", "auth": "none",
                            "interval_minutes": 60});
    let added =
        client.post(format!("{base}/api/add_connection")).bearer_auth(&token).json(&json!({"connection": connection}));
    assert_eq!(added.send().await.unwrap().status(), 200);

    let mut text = String::new();
    let read = async {
        while !text.contains("\"event\":\"finished\"") {
            let chunk = stream.chunk().await.unwrap().expect("the stream stays open");
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), read).await.expect("the run ends within a minute");
    let events: Vec<Value> = text
        .lines()
        .filter_map(|line| line.strip_prefix("data: ").or_else(|| line.strip_prefix("data:")))
        .map(|data| serde_json::from_str(data).expect("each event is JSON"))
        .collect();
    assert!(text.contains("event: sync-progress"), "{text}");
    assert_eq!(events.first().map(|e| e["event"].clone()), Some(json!("started")), "{text}");
    let finished = events.iter().find(|e| e["event"] == "finished").unwrap();
    assert_eq!((finished["connection"].clone(), finished["status"].clone()), (json!("registry"), json!("failed")));
    assert!(finished["error"].as_str().is_some_and(|e| e.contains("127.0.0.1:9")), "{finished}");
}
