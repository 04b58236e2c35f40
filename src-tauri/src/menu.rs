//! The native menu bar and what its items do.
//!
//! File-level work that needs no page (Open, New, Back up, Export, Executive report, Sync all now)
//! happens here, with the dialog plugin and on blocking threads. Import needs the Import page's
//! preview, so it is sent to the main window as a `menu` event whose payload is the item id
//! (`"file.import"`); so is Sync ▸ Connections (`"sync.connections"`), which opens that page. After Open or New the
//! window gets `portfolio-opened` with the new file's `portfolio_info`, and reloads its data.

use std::path::PathBuf;

use mlops_portfolio::api::commands::{self, NoArguments, PathRequest, ReportRequest, SyncRequest};
use mlops_portfolio::store::Store;
use tauri::menu::{Menu, MenuBuilder, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewWindow};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, MessageDialogKind};

use crate::MAIN_WINDOW;
use crate::commands::AppState;

pub const FILE_NEW: &str = "file.new";
pub const FILE_OPEN: &str = "file.open";
pub const FILE_BACKUP: &str = "file.backup";
pub const FILE_IMPORT: &str = "file.import";
pub const FILE_EXPORT: &str = "file.export";
pub const FILE_REPORT: &str = "file.report";
pub const FILE_QUIT: &str = "file.quit";
pub const SYNC_NOW: &str = "sync.now";
pub const SYNC_CONNECTIONS: &str = "sync.connections";
pub const VIEW_RELOAD: &str = "view.reload";
pub const VIEW_FULLSCREEN: &str = "view.fullscreen";

/// The event the UI listens to for menu items it handles; the payload is the item id.
pub const MENU_EVENT: &str = "menu";
/// Sent after Open or New, with the new file's `portfolio_info`.
pub const PORTFOLIO_OPENED_EVENT: &str = "portfolio-opened";

const PORTFOLIO_EXTENSIONS: &[&str] = &["db", "sqlite", "sqlite3"];

pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let file = SubmenuBuilder::new(app, "&File")
        .item(&MenuItemBuilder::with_id(FILE_NEW, "&New portfolio…").accelerator("CmdOrCtrl+N").build(app)?)
        .item(&MenuItemBuilder::with_id(FILE_OPEN, "&Open portfolio…").accelerator("CmdOrCtrl+O").build(app)?)
        .separator()
        .item(&MenuItemBuilder::with_id(FILE_BACKUP, "&Back up…").build(app)?)
        .item(&MenuItemBuilder::with_id(FILE_IMPORT, "&Import…").accelerator("CmdOrCtrl+I").build(app)?)
        .item(&MenuItemBuilder::with_id(FILE_EXPORT, "&Export…").accelerator("CmdOrCtrl+E").build(app)?)
        .item(&MenuItemBuilder::with_id(FILE_REPORT, "Executive &report…").build(app)?)
        .separator()
        .item(&MenuItemBuilder::with_id(FILE_QUIT, "&Quit").accelerator("CmdOrCtrl+Q").build(app)?)
        .build()?;
    let view = SubmenuBuilder::new(app, "&View")
        .item(&MenuItemBuilder::with_id(VIEW_RELOAD, "&Reload").accelerator("CmdOrCtrl+R").build(app)?)
        .item(&MenuItemBuilder::with_id(VIEW_FULLSCREEN, "Toggle &Full Screen").accelerator("F11").build(app)?)
        .build()?;
    let sync = SubmenuBuilder::new(app, "&Sync")
        .item(&MenuItemBuilder::with_id(SYNC_NOW, "Sync &all now").accelerator("CmdOrCtrl+Shift+S").build(app)?)
        .item(&MenuItemBuilder::with_id(SYNC_CONNECTIONS, "&Connections").build(app)?)
        .build()?;
    MenuBuilder::new(app).item(&file).item(&edit::submenu(app)?).item(&view).item(&sync).build()
}

pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    match id {
        FILE_NEW => new_portfolio(app),
        FILE_OPEN => open_portfolio(app),
        FILE_BACKUP => back_up(app),
        FILE_EXPORT => export_workbook(app),
        FILE_REPORT => export_report(app),
        SYNC_NOW => sync_all_now(app),
        FILE_IMPORT | SYNC_CONNECTIONS => {
            if let Err(e) = app.emit_to(MAIN_WINDOW, MENU_EVENT, id) {
                show_error(app, "The window did not get the menu command", &e.to_string());
            }
        }
        FILE_QUIT => app.exit(0),
        VIEW_RELOAD => {
            if let Some(window) = main_window(app)
                && let Err(e) = window.reload()
            {
                show_error(app, "Cannot reload the window", &e.to_string());
            }
        }
        VIEW_FULLSCREEN => {
            if let Some(window) = main_window(app) {
                let fullscreen = window.is_fullscreen().unwrap_or(false);
                if let Err(e) = window.set_fullscreen(!fullscreen) {
                    show_error(app, "Cannot change full screen", &e.to_string());
                }
            }
        }
        other => edit::on_event(app, other),
    }
}

/// Asks the background sync to run every connection now; the Connections page and the top bar
/// follow the runs. Only a refusal (background sync is off) needs a dialog.
fn sync_all_now<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let Some(state) = app.try_state::<AppState>() else { return };
        if let Err(err) = state.run_blocking(|session| commands::sync_now(session, SyncRequest::default())) {
            show_error(&app, "Cannot sync now", &err.to_string());
        }
    });
}

fn main_window<R: Runtime>(app: &AppHandle<R>) -> Option<WebviewWindow<R>> {
    app.get_webview_window(MAIN_WINDOW)
}

/// A file dialog in front of the main window.
fn file_dialog<R: Runtime>(app: &AppHandle<R>, title: &str) -> FileDialogBuilder<R> {
    let dialog = app.dialog().file().set_title(title);
    match main_window(app) {
        Some(window) => dialog.set_parent(&window),
        None => dialog,
    }
}

fn open_portfolio<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    file_dialog(&app, "Open portfolio").add_filter("Portfolio", PORTFOLIO_EXTENSIONS).pick_file(move |picked| {
        if let Some(path) = picked.and_then(|p| p.into_path().ok()) {
            switch_to(app, path);
        }
    });
}

fn new_portfolio<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    file_dialog(&app, "New portfolio")
        .add_filter("Portfolio", PORTFOLIO_EXTENSIONS)
        .set_file_name("portfolio.db")
        .save_file(move |picked| {
            let Some(path) = picked.and_then(|p| p.into_path().ok()) else { return };
            // "New" never opens, let alone overwrites, a file that is already there.
            if path.exists() {
                let message = format!(
                    "{} already exists and was left unchanged. Choose File › Open portfolio… to open it, or pick \
                     a new name.",
                    path.display()
                );
                show_error(&app, "Cannot create the portfolio", &message);
                return;
            }
            switch_to(app, path);
        });
}

/// Opens the portfolio at `path` off the main thread and, if that works, makes it the open one. A
/// file the store refuses (newer schema, not a portfolio) leaves the current portfolio open.
fn switch_to<R: Runtime>(app: AppHandle<R>, path: PathBuf) {
    tauri::async_runtime::spawn_blocking(move || {
        let opened = Store::open(&path).and_then(|mut store| {
            let info = commands::portfolio_info(&mut store, NoArguments {})?;
            Ok((store, info))
        });
        match opened {
            Ok((store, info)) => {
                let Some(state) = app.try_state::<AppState>() else { return };
                state.replace(store);
                if let Err(e) = app.emit_to(MAIN_WINDOW, PORTFOLIO_OPENED_EVENT, info) {
                    show_error(&app, "The window did not hear of the new portfolio", &e.to_string());
                }
            }
            Err(err) => show_error(&app, "Cannot open the portfolio", &err.to_string()),
        }
    });
}

/// File ▸ Back up…: a consistent copy of the open portfolio where the user says.
fn back_up<R: Runtime>(app: &AppHandle<R>) {
    let dialog = file_dialog(app, "Back up portfolio")
        .add_filter("Portfolio", PORTFOLIO_EXTENSIONS)
        .set_file_name("portfolio-backup.db");
    save_then(app, dialog, "The backup failed", |store, path| {
        let NoArguments {} = commands::backup(store, PathRequest { path: path.clone() })?;
        Ok(("Backed up", format!("Saved {}", path.display())))
    });
}

/// File ▸ Export: every table as a sheet of an XLSX workbook the user names.
fn export_workbook<R: Runtime>(app: &AppHandle<R>) {
    let dialog = file_dialog(app, "Export the portfolio as a workbook")
        .add_filter("Excel workbook", &["xlsx"])
        .set_file_name("portfolio.xlsx");
    save_then(app, dialog, "The export failed", |store, path| {
        let report = commands::export_workbook(store, PathRequest { path: path.clone() })?;
        Ok(("Exported", format!("Saved {} sheets to {}", report.sheets.len(), path.display())))
    });
}

/// File ▸ Executive report: the self-contained HTML report as of this month.
fn export_report<R: Runtime>(app: &AppHandle<R>) {
    let dialog = file_dialog(app, "Save the executive report")
        .add_filter("Web page", &["html"])
        .set_file_name("portfolio-report.html");
    save_then(app, dialog, "The report failed", |store, path| {
        let written =
            commands::export_report(store, ReportRequest { path, as_of: None, period: None, scenarios: Vec::new() })?;
        Ok(("Report saved", format!("Saved the report with {} charts to {}", written.charts, written.path)))
    });
}

/// Shows a save dialog, then runs `write` with the chosen path on a blocking thread, and reports the
/// outcome in a dialog: `write` returns the title and text of the success message.
fn save_then<R: Runtime>(
    app: &AppHandle<R>,
    dialog: FileDialogBuilder<R>,
    failed: &'static str,
    write: impl FnOnce(&mut Store, PathBuf) -> mlops_portfolio::Result<(&'static str, String)> + Send + 'static,
) {
    let app = app.clone();
    dialog.save_file(move |picked| {
        let Some(path) = picked.and_then(|p| p.into_path().ok()) else { return };
        tauri::async_runtime::spawn_blocking(move || {
            let Some(state) = app.try_state::<AppState>() else { return };
            match state.run_blocking(|store| write(store, path)) {
                Ok((title, message)) => show_message(&app, MessageDialogKind::Info, title, &message),
                Err(err) => show_error(&app, failed, &err.to_string()),
            }
        });
    });
}

pub fn show_error<R: Runtime>(app: &AppHandle<R>, title: &str, message: &str) {
    show_message(app, MessageDialogKind::Error, title, message);
}

fn show_message<R: Runtime>(app: &AppHandle<R>, kind: MessageDialogKind, title: &str, message: &str) {
    let dialog = app.dialog().message(message).title(title).kind(kind);
    let dialog = match main_window(app) {
        Some(window) => dialog.parent(&window),
        None => dialog,
    };
    dialog.show(|_| {});
}

/// The Edit menu. GTK's menus cannot run undo or redo, and run cut, copy, paste and select all only
/// by faking key presses through libxdo; on Linux the items ask WebKit to run the editing command
/// itself instead. They carry no accelerator there: the web view already handles those keys.
#[cfg(target_os = "linux")]
mod edit {
    use tauri::menu::{Submenu, SubmenuBuilder};
    use tauri::{AppHandle, Runtime};

    /// Menu id → WebKit editing command.
    const COMMANDS: &[(&str, &str, &str)] = &[
        ("edit.undo", "&Undo", "Undo"),
        ("edit.redo", "&Redo", "Redo"),
        ("edit.cut", "Cu&t", "Cut"),
        ("edit.copy", "&Copy", "Copy"),
        ("edit.paste", "&Paste", "Paste"),
        ("edit.select_all", "Select &All", "SelectAll"),
    ];

    pub fn submenu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Submenu<R>> {
        let mut submenu = SubmenuBuilder::new(app, "&Edit");
        for (index, (id, label, _)) in COMMANDS.iter().enumerate() {
            // Undo, Redo | Cut, Copy, Paste | Select All
            if index == 2 || index == 5 {
                submenu = submenu.separator();
            }
            submenu = submenu.text(*id, *label);
        }
        submenu.build()
    }

    pub fn on_event<R: Runtime>(app: &AppHandle<R>, id: &str) {
        let Some(&(_, _, command)) = COMMANDS.iter().find(|(item, _, _)| *item == id) else { return };
        let Some(window) = super::main_window(app) else { return };
        let done = window.with_webview(move |webview| {
            use webkit2gtk::WebViewExt;
            webview.inner().execute_editing_command(command);
        });
        if let Err(e) = done {
            super::show_error(app, "The edit command failed", &e.to_string());
        }
    }
}

/// The Edit menu from the platform's own items, which macOS and Windows run natively.
#[cfg(not(target_os = "linux"))]
mod edit {
    use tauri::menu::{Submenu, SubmenuBuilder};
    use tauri::{AppHandle, Runtime};

    pub fn submenu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Submenu<R>> {
        SubmenuBuilder::new(app, "&Edit")
            .undo()
            .redo()
            .separator()
            .cut()
            .copy()
            .paste()
            .separator()
            .select_all()
            .build()
    }

    pub fn on_event<R: Runtime>(_app: &AppHandle<R>, _id: &str) {}
}
