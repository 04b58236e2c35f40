//! A real MLflow tracking server (from PyPI) for connector tests: started on a free port with its
//! own SQLite store in a temporary folder, stopped (with its worker processes) when dropped.
//!
//! The `mlflow` program is found through `MLOPS_PORTFOLIO_MLFLOW`, then `PATH`, then the cache
//! scripts/test installs it into. Without it the tests fail and say how to install it.
//!
//! Two test binaries include this file (`#[path]`), each using part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const INSTALL: &str = "install it with `python3 -m venv ~/.cache/mlops-portfolio/mlflow-venv && \
     ~/.cache/mlops-portfolio/mlflow-venv/bin/pip install 'mlflow[auth]'` and set \
     MLOPS_PORTFOLIO_MLFLOW=~/.cache/mlops-portfolio/mlflow-venv/bin/mlflow (scripts/test does both)";

/// Where the `mlflow` program is.
pub fn mlflow_program() -> PathBuf {
    if let Some(path) = std::env::var_os("MLOPS_PORTFOLIO_MLFLOW") {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "MLOPS_PORTFOLIO_MLFLOW={} is not a file; {INSTALL}", path.display());
        return path;
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("mlflow"))
        .find(|p| p.is_file());
    let cached = PathBuf::from("/var/cache/mlops-portfolio/mlflow-venv/bin/mlflow");
    on_path
        .or_else(|| cached.is_file().then_some(cached))
        .unwrap_or_else(|| panic!("these tests need an MLflow server and no `mlflow` program was found; {INSTALL}"))
}

#[derive(Debug)]
pub struct MlflowServer {
    child: Child,
    pub base_url: String,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Drop for MlflowServer {
    fn drop(&mut self) {
        // The server and its uvicorn worker share the process group the server leads; uvicorn
        // may linger on SIGTERM, so the group gets SIGKILL after a short grace period.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.wait();
    }
}

impl MlflowServer {
    pub async fn start() -> MlflowServer {
        let program = mlflow_program();
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let mut command = Command::new(&program);
        command
            .args(["server", "--backend-store-uri"])
            .arg(format!("sqlite:///{}", dir.path().join("db").display()))
            .arg("--default-artifact-root")
            .arg(dir.path().join("art"))
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--workers", "1"])
            // The job runner (a dozen huey worker processes) serves MLflow's GenAI jobs, which the
            // registry API never needs; without it the server starts faster and weighs far less.
            .env("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL}", program.display()));
        let mut server = MlflowServer {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            _dir: dir,
        };
        // About 11 s on a quiet machine; much longer when the cores are busy.
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                let log = std::fs::read_to_string(server._dir.path().join("server.log")).unwrap_or_default();
                panic!("the MLflow server stopped ({status}) before answering:\n{log}");
            }
            let health = server.http.get(format!("{}/health", server.base_url)).send().await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            assert!(started.elapsed() < Duration::from_secs(240), "the MLflow server did not answer /health in 240 s");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// POSTs to the REST API and returns the answer, failing the test on an error status.
    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, body).await
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/api/2.0/mlflow/{path}", self.base_url);
        let response = self.http.request(method, &url).json(&body).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path} {body}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    pub async fn create_experiment(&self, name: &str) -> String {
        let answer = self.post("experiments/create", json!({ "name": name })).await;
        answer["experiment_id"].as_str().unwrap().to_owned()
    }

    /// A run with the given metric points: (key, value, timestamp in ms, step). A value of
    /// `None` is logged as NaN.
    pub async fn run_with_metrics(&self, experiment: &str, points: &[(&str, Option<f64>, i64, i64)]) -> String {
        let answer =
            self.post("runs/create", json!({ "experiment_id": experiment, "start_time": 1_700_000_000_000i64 })).await;
        let run = answer["run"]["info"]["run_id"].as_str().unwrap().to_owned();
        for (key, value, timestamp, step) in points {
            self.log_metric(&run, key, *value, *timestamp, *step).await;
        }
        run
    }

    pub async fn log_metric(&self, run: &str, key: &str, value: Option<f64>, timestamp: i64, step: i64) {
        let value = value.map_or(json!("NaN"), |v| json!(v));
        self.post(
            "runs/log-metric",
            json!({ "run_id": run, "key": key, "value": value, "timestamp": timestamp, "step": step }),
        )
        .await;
    }

    pub async fn register(&self, name: &str, description: &str, tags: &[(&str, &str)]) {
        let tags: Vec<Value> = tags.iter().map(|(k, v)| json!({ "key": k, "value": v })).collect();
        self.post("registered-models/create", json!({ "name": name, "description": description, "tags": tags })).await;
    }

    /// Adds a version from `run` and returns its number.
    pub async fn add_version(&self, model: &str, run: &str) -> String {
        let answer = self
            .post(
                "model-versions/create",
                json!({ "name": model, "source": format!("runs:/{run}/model"), "run_id": run }),
            )
            .await;
        answer["model_version"]["version"].as_str().unwrap().to_owned()
    }

    pub async fn set_alias(&self, model: &str, alias: &str, version: &str) {
        self.post("registered-models/alias", json!({ "name": model, "alias": alias, "version": version })).await;
    }

    pub async fn set_stage(&self, model: &str, version: &str, stage: &str) {
        self.post(
            "model-versions/transition-stage",
            json!({ "name": model, "version": version, "stage": stage, "archive_existing_versions": false }),
        )
        .await;
    }

    pub async fn delete_model(&self, model: &str) {
        self.call(reqwest::Method::DELETE, "registered-models/delete", json!({ "name": model })).await;
    }
}
