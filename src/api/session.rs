//! The open portfolio as a transport holds it: the store, and — in the desktop app and browser
//! mode — the background sync that keeps it current while the app runs.
//!
//! Commands take `&mut Store`; a [`Session`] dereferences to its store, so a transport hands every
//! command its session. The few commands that steer or must inform the background sync (`sync_now`,
//! `cancel_sync`, and those that add, change or remove connections) take the session itself.
//! Without background sync (the CLI, tests) those still work on the store; `sync_now` says to run
//! `sync` instead.

use std::ops::{Deref, DerefMut};

use tokio::sync::broadcast;

use crate::store::Store;
use crate::sync::SyncProgress;
use crate::sync::scheduler::{Scheduler, SchedulerOptions, SyncHandle};

/// How many progress events wait for a slow listener before it misses the oldest.
const EVENT_BACKLOG: usize = 256;

/// A store and, when started, its background sync.
#[derive(Debug)]
pub struct Session {
    store: Store,
    background: Option<Background>,
    /// Outlives file switches, so listeners subscribe once.
    events: broadcast::Sender<SyncProgress>,
}

#[derive(Debug)]
struct Background {
    runtime: tokio::runtime::Handle,
    options: SchedulerOptions,
    scheduler: Scheduler,
}

impl Session {
    /// A session without background sync.
    pub fn new(store: Store) -> Session {
        let (events, _) = broadcast::channel(EVENT_BACKLOG);
        Session { store, background: None, events }
    }

    /// A session that syncs every connection of `store` on its interval, on `runtime`, from now
    /// until it is dropped.
    pub fn with_background_sync(store: Store, runtime: &tokio::runtime::Handle, options: SchedulerOptions) -> Session {
        let mut session = Session::new(store);
        let scheduler = Scheduler::start(runtime, session.store.path().to_owned(), options, session.events.clone());
        session.background = Some(Background { runtime: runtime.clone(), options, scheduler });
        session
    }

    /// Puts `store` in place of the open portfolio (File ▸ Open, New). Background sync, if it runs,
    /// stops for the old file (a run in flight ends between batches) and starts for the new one.
    pub fn replace(&mut self, store: Store) {
        self.store = store;
        if let Some(background) = self.background.take() {
            let Background { runtime, options, scheduler } = background;
            drop(scheduler);
            let scheduler = Scheduler::start(&runtime, self.store.path().to_owned(), options, self.events.clone());
            self.background = Some(Background { runtime, options, scheduler });
        }
    }

    /// The background sync, when it runs.
    pub fn sync(&self) -> Option<SyncHandle> {
        self.background.as_ref().map(|b| b.scheduler.handle())
    }

    /// Progress of every background run from now on (nothing comes without background sync).
    pub fn subscribe(&self) -> broadcast::Receiver<SyncProgress> {
        self.events.subscribe()
    }

    /// Tells the background sync that connections were added, changed or removed.
    pub fn connections_changed(&self) {
        if let Some(sync) = self.sync() {
            sync.reload();
        }
    }
}

impl From<Store> for Session {
    fn from(store: Store) -> Session {
        Session::new(store)
    }
}

impl Deref for Session {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

impl DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}
