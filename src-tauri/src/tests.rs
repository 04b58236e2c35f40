//! The generated commands, called through Tauri's IPC on a mock runtime, as the UI calls them.

use mlops_portfolio::api::Session;
use mlops_portfolio::api::commands::COMMAND_NAMES;
use mlops_portfolio::store::Store;
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};

use crate::commands::{self, AppState};

/// A mock app over a fresh portfolio file, and its window.
fn app_with_portfolio(path: &std::path::Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let store = Store::open(path).expect("a fresh temp file opens as a portfolio");
    let app = mock_builder()
        .manage(AppState::new(Session::new(store)))
        .invoke_handler(commands::handler())
        .build(mock_context(noop_assets()))
        .expect("the mock app builds");
    let window =
        WebviewWindowBuilder::new(&app, crate::MAIN_WINDOW, Default::default()).build().expect("the mock window opens");
    (app, window)
}

/// What `invoke(command, body)` in the UI resolves (Ok) or rejects (Err) with.
fn invoke(window: &WebviewWindow<MockRuntime>, command: &str, body: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("a valid URL"),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().expect("the answer is JSON"))
}

#[test]
fn portfolio_info_answers_through_ipc() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("desk.db");
    let (_app, window) = app_with_portfolio(&path);

    let info = invoke(&window, "portfolio_info", json!({ "request": {} })).expect("portfolio_info succeeds");

    assert_eq!(info["path"], json!(path.display().to_string()), "the info names the file the app opened: {info}");
    assert_eq!(info["base_currency"], Value::Null, "a fresh file has no base currency yet: {info}");
    assert!(info["schema_version"].as_u64().is_some_and(|v| v > 0), "a schema version is reported: {info}");
}

#[test]
fn a_failed_command_rejects_with_code_and_message() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (_app, window) = app_with_portfolio(&dir.path().join("desk.db"));

    let error = invoke(&window, "get_record", json!({ "request": { "kind": "initiative", "id": 4242 } }))
        .expect_err("a missing record is an error");

    assert_eq!(error["code"], json!("not_found"), "the UI branches on the code: {error}");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("4242")), "the message names the id: {error}");
}

#[test]
fn every_command_in_the_list_is_registered() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (_app, window) = app_with_portfolio(&dir.path().join("desk.db"));

    let unknown = invoke(&window, "no_such_command", json!({})).expect_err("an unknown command fails");
    assert!(!unknown.to_string().contains("missing required key"), "an unknown command is told apart: {unknown}");
    for name in COMMAND_NAMES {
        // Without `request` a registered command refuses its arguments; an unknown one is "not found".
        let error = invoke(&window, name, json!({})).expect_err("a call without `request` fails");
        let text = error.as_str().unwrap_or_default();
        assert!(text.contains("missing required key request"), "`{name}` is not served over IPC: {error}");
    }
}
