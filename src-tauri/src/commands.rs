//! The Tauri commands, generated from the core's one list ([`mlops_portfolio::for_each_command!`]), and
//! the open portfolio (with its background sync) they share.
//!
//! Nothing here is written per command: adding a line to the list in `src/api/commands.rs` adds the
//! Tauri command too. JS calls `invoke('<name>', { request: { ... } })`; a failure rejects the promise
//! with the core's `{ code, message }`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use mlops_portfolio::api::Session;
use mlops_portfolio::store::Store;
use mlops_portfolio::{ApiError, Error};
use tauri::ipc::Invoke;
use tauri::{Runtime, State};

/// The open portfolio and its background sync, in Tauri's managed state. The menu can swap the file
/// underneath (Open, New); commands see the new one from their next call, and background sync moves
/// to it.
#[derive(Debug)]
pub struct AppState {
    session: Arc<Mutex<Session>>,
}

impl AppState {
    pub fn new(session: Session) -> AppState {
        AppState { session: Arc::new(Mutex::new(session)) }
    }

    /// Runs `work` with the session locked, on a blocking thread: SQLite work must neither stall
    /// the main (UI) thread nor hold one of the async runtime's workers, which background sync
    /// shares.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Session) -> mlops_portfolio::Result<T> + Send + 'static,
    {
        let session = Arc::clone(&self.session);
        tauri::async_runtime::spawn_blocking(move || work(&mut lock(&session)))
            .await
            .unwrap_or_else(|e| Err(Error::Internal(format!("the command stopped before it finished: {e}"))))
            .map_err(ApiError::from)
    }

    /// Like [`AppState::run`], for callers already on a blocking thread.
    pub fn run_blocking<T>(&self, work: impl FnOnce(&mut Session) -> T) -> T {
        work(&mut lock(&self.session))
    }

    /// Puts `store` in place of the open portfolio, waiting for a running command to finish.
    pub fn replace(&self, store: Store) {
        lock(&self.session).replace(store);
    }
}

/// A command that panicked poisons the lock; the store itself is still sound (SQLite rolled back the
/// unfinished transaction), so the app carries on rather than failing every later command.
fn lock(session: &Mutex<Session>) -> MutexGuard<'_, Session> {
    session.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Turns the command list into one Tauri command per entry, and [`handler`] for all of them. The
/// functions stay private: Tauri's helper macros for a `pub` command would be `#[macro_export]`ed,
/// which a macro-generated command cannot use.
macro_rules! tauri_commands {
    ($($name:ident: $request:ty => $response:ty;)*) => {
        $(
            #[tauri::command]
            async fn $name(state: State<'_, AppState>, request: $request) -> Result<$response, ApiError> {
                state.run(move |session| mlops_portfolio::api::commands::$name(session, request)).await
            }
        )*

        /// The invoke handler for every command in the list.
        pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}
mlops_portfolio::for_each_command!(tauri_commands);
