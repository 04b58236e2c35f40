//! The integration tests: one binary whose modules mirror `src/`, each test on its own temporary
//! portfolio file.

// Test helpers may panic on what a test controls.
#![allow(clippy::unwrap_used)]

mod analytics;
mod background;
mod cli;
mod crash;
mod faults;
mod governance;
mod io;
mod kpis;
mod mlflow;
#[path = "../support/mlflow_server.rs"]
mod mlflow_server;
mod plan;
mod prometheus;
mod prometheus_server;
mod scenario;
mod server;
mod store;

use std::path::{Path, PathBuf};

use mlops_portfolio::domain::Currency;
use mlops_portfolio::store::{Store, settings};

/// A portfolio file in a fresh temporary folder, removed when dropped.
#[derive(Debug)]
pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl TempDb {
    pub fn open(&self) -> Store {
        Store::open_as(&self.path, "tester").expect("the temporary portfolio opens")
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to a file in the temporary folder and returns its path.
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.file(name);
        std::fs::write(&path, contents).expect("the test file is written");
        path
    }
}

/// A new, empty portfolio file with USD as its base currency.
pub fn temp_db() -> TempDb {
    let db = temp_file();
    let store = db.open();
    settings::init(store.conn(), "tester", Currency::USD).expect("the base currency is set");
    db
}

/// A path for a portfolio file that does not exist yet.
pub fn temp_file() -> TempDb {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("portfolio.db");
    TempDb { dir, path }
}

pub fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}
