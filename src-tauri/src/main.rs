//! `mlops-portfolio-desktop`: the desktop app. A thin Tauri shell over the core: the window loads the
//! built UI (`ui/dist`), the UI calls the core's command list over IPC ([`commands`]), and the native
//! menu handles the file-level jobs ([`menu`]).
//!
//! While the app runs, every connection syncs in the background on its interval (unless `--no-sync`);
//! each run's progress reaches the window as `sync-progress` events.
//!
//! The portfolio file comes from `--db PATH`, else `$MLOPS_PORTFOLIO_DB`, else the OS data folder. If it
//! cannot be opened the app says why in a dialog and exits with status 1; it never carries on with
//! an empty stand-in.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod menu;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use mlops_portfolio::api::{self, Session};
use mlops_portfolio::store::Store;
use mlops_portfolio::sync::SyncProgress;
use mlops_portfolio::sync::scheduler::SchedulerOptions;
use tauri::{App, AppHandle, Emitter, Manager, WebviewWindowBuilder};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};
use tokio::sync::broadcast;

use crate::commands::AppState;

/// The label of the one window, as in `tauri.conf.json`.
pub const MAIN_WINDOW: &str = "main";

#[derive(Debug, Parser)]
#[command(name = "mlops-portfolio-desktop", version, about = "The MLOps Portfolio desktop app")]
struct Args {
    /// The portfolio file. Default: $MLOPS_PORTFOLIO_DB, else portfolio.db in the OS data folder.
    #[arg(long, env = "MLOPS_PORTFOLIO_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// Do not sync the connections in the background: work on the data already in the file.
    #[arg(long)]
    no_sync: bool,
}

/// The event that carries background sync progress to the window.
pub const SYNC_PROGRESS_EVENT: &str = "sync-progress";

fn main() -> ExitCode {
    let args = Args::parse();
    // One runtime for the whole process: Tauri's async commands and background work share it.
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    tauri::async_runtime::set(runtime.handle().clone());

    // Opening runs any pending migration; there is no window yet for it to hold up.
    let opened = match args.db {
        Some(path) => Ok(path),
        None => api::default_db_path(),
    }
    .and_then(|path| Store::open(&path));

    let background = (!args.no_sync).then(|| runtime.handle().clone());
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .invoke_handler(commands::handler())
        .on_menu_event(menu::on_event)
        .setup(move |app| {
            match opened {
                Ok(store) => {
                    let session = match &background {
                        Some(runtime) => Session::with_background_sync(store, runtime, SchedulerOptions::default()),
                        None => Session::new(store),
                    };
                    forward_sync_progress(app.handle(), session.subscribe());
                    app.manage(AppState::new(session));
                    open_main_window(app)?;
                }
                Err(err) => refuse_to_start(app, &err.to_string()),
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: cannot start the desktop app: {e}");
            return ExitCode::FAILURE;
        }
    };
    let status = app.run_return(|_, _| {});
    // Give a command still writing a moment to commit; SQLite rolls back whatever is cut short.
    runtime.shutdown_timeout(Duration::from_secs(5));
    if status == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn open_main_window(app: &mut App) -> tauri::Result<()> {
    let config = app.config().app.windows.iter().find(|w| w.label == MAIN_WINDOW).cloned();
    let Some(config) = config else {
        return Err(tauri::Error::WindowNotFound);
    };
    let menu = menu::build(app.handle())?;
    WebviewWindowBuilder::from_config(app.handle(), &config)?.menu(menu).build()?;
    Ok(())
}

/// Sends every background sync event to the window as it comes.
fn forward_sync_progress(app: &AppHandle, mut events: broadcast::Receiver<SyncProgress>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                // A window that is closing cannot take it; nothing else listens.
                Ok(progress) => drop(app.emit_to(MAIN_WINDOW, SYNC_PROGRESS_EVENT, progress)),
                // The page re-reads the status when a run finishes; a missed batch count is harmless.
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// Says why the portfolio cannot be opened (on stderr and in a dialog), then quits with status 1.
fn refuse_to_start(app: &App, message: &str) {
    eprintln!("error: {message}");
    let handle = app.handle().clone();
    app.dialog()
        .message(message)
        .title("MLOps Portfolio cannot open the portfolio")
        .kind(MessageDialogKind::Error)
        .show(move |_| handle.exit(1));
}

#[cfg(test)]
mod tests;
