//! The command surface: one function per command, with serde request and response types. The CLI
//! calls these today; the desktop shell and the HTTP twin call the same functions, so a command's
//! behaviour is written once. Errors leave as [`crate::ApiError`] (`{code, message}`).

pub mod commands;
pub mod fields;
pub mod metrics;
pub mod records;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analytics::summary::Summary;
use crate::domain::{Currency, FxRate, Month};
use crate::error::{Error, Result};
use crate::io::{self, FocusOptions, ImportKind, ImportReport, Preview};
use crate::store::{Store, audit, backup, settings};

pub use records::RecordView;

/// Where the portfolio lives when no `--db` or `MLOPS_PORTFOLIO_DB` says otherwise: the OS data
/// folder (`~/.local/share/mlops-portfolio/portfolio.db` on Linux).
pub fn default_db_path() -> Result<PathBuf> {
    directories::ProjectDirs::from("org", "mlops-portfolio", "mlops-portfolio")
        .map(|dirs| dirs.data_dir().join("portfolio.db"))
        .ok_or_else(|| Error::Storage("cannot find a home folder for the portfolio; pass --db PATH".into()))
}

/// The current calendar month in UTC.
pub fn current_month() -> Month {
    Month::of(chrono::Utc::now().date_naive())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InitResponse {
    pub path: String,
    pub base_currency: Currency,
}

/// Creates the portfolio file (if needed) and sets its base currency.
pub fn init(store: &mut Store, currency: Currency) -> Result<InitResponse> {
    store.in_transaction(|tx, actor| settings::init(tx, actor, currency))?;
    Ok(InitResponse { path: store.path().display().to_string(), base_currency: currency })
}

pub fn summary(store: &Store, as_of: Month) -> Result<Summary> {
    crate::analytics::summary::summary(store.conn(), as_of)
}

pub fn fx_set(store: &mut Store, rate: FxRate) -> Result<FxRate> {
    store.in_transaction(|tx, actor| settings::set_rate(tx, actor, &rate))?;
    Ok(rate)
}

pub fn fx_list(store: &Store) -> Result<Vec<FxRate>> {
    let mut rates: Vec<FxRate> = settings::rates(store.conn())?.into_values().collect();
    rates.sort_by_key(|r| r.currency);
    Ok(rates)
}

pub fn backup(store: &Store, dest: &Path) -> Result<()> {
    backup::backup_to(store.conn(), dest)
}

pub fn restore(store: &mut Store, source: &Path) -> Result<()> {
    backup::restore_from(store, source)
}

/// A file to import: what it holds, where it is, and how to read a FOCUS file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportRequest {
    pub kind: ImportKind,
    pub path: PathBuf,
    #[serde(default)]
    pub focus: FocusOptions,
}

/// Imports a file, all or nothing.
pub fn import(store: &mut Store, request: &ImportRequest) -> Result<ImportReport> {
    match request.kind {
        ImportKind::Budgets => io::import_budgets(store, &request.path),
        ImportKind::Actuals => io::import_actuals(store, &request.path),
        ImportKind::Focus => io::import_focus(store, &request.path, &request.focus),
    }
}

/// Reads and checks a file exactly as [`import`] would, and says what it would write.
pub fn preview_import(store: &Store, request: &ImportRequest) -> Result<Preview> {
    match request.kind {
        ImportKind::Budgets => io::preview_budgets(store.conn(), &request.path),
        ImportKind::Actuals => io::preview_actuals(store.conn(), &request.path),
        ImportKind::Focus => io::preview_focus(store.conn(), &request.path, &request.focus),
    }
}

pub fn audit(store: &Store, entity: Option<&str>, limit: u32) -> Result<Vec<audit::AuditEntry>> {
    audit::recent(store.conn(), entity, limit)
}
