//! Background sync: every connection on its own interval, for as long as the app runs.
//!
//! A supervisor task keeps one task per connection. Each runs its connection's sync, then sleeps
//! its `interval_minutes` — or, after a failure, a backoff that doubles with each failure in a row
//! (from [`SchedulerOptions::first_retry`] up to the interval, at most
//! [`SchedulerOptions::max_retry`]) with random jitter, so a cluster that is down is not hammered
//! and many clients do not retry in step. Because each connection has one task that runs its
//! syncs one after another, a connection never has two runs at once in this process.
//!
//! The app steers it through a [`SyncHandle`], which any thread can use without waiting:
//! [`SyncHandle::run_now`] wakes a connection's task early (after its current run, if one is in
//! flight), [`SyncHandle::cancel`] stops the run in flight (it ends between batches and is recorded
//! as cancelled; the next run comes at the interval), and [`SyncHandle::reload`] re-reads the
//! connections after one is added, changed or removed (a new interval applies from the next
//! wait). [`Scheduler::stop`] cancels everything and waits for the tasks. Events
//! ([`SyncProgress`]) go to every subscriber of the channel the scheduler was given.
//!
//! Runs started elsewhere (the `sync` command in another process) are not coordinated with it;
//! both are safe, since every write is an idempotent upsert.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{SyncOptions, SyncProgress, engine, with_store};
use crate::domain::{Connection, ConnectionId, SyncStatus};
use crate::error::Result;
use crate::store::records;

/// Timing of retries and the settings of each run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulerOptions {
    pub sync: SyncOptions,
    /// The wait after the first failure in a row.
    pub first_retry: Duration,
    /// The longest wait after failures, whatever the interval.
    pub max_retry: Duration,
}

impl Default for SchedulerOptions {
    fn default() -> SchedulerOptions {
        SchedulerOptions {
            sync: SyncOptions::default(),
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(3_600),
        }
    }
}

/// The wait after `failures` failures in a row (at least 1): `first × 2^(failures−1)`, capped at
/// `max`, of which a random half is taken off (`random` in `[0, 1)`): so between half and all of it.
pub fn backoff_delay(failures: u32, first: Duration, max: Duration, random: f64) -> Duration {
    let doubling = 2f64.powi(failures.saturating_sub(1).min(30) as i32);
    let full = first.mul_f64(doubling).min(max);
    full.mul_f64(1.0 - 0.5 * random.clamp(0.0, 1.0))
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// What the scheduler runs for a connection; it says how the run ended.
pub type Runner = Arc<dyn Fn(ConnectionId, CancellationToken) -> BoxFuture<SyncStatus> + Send + Sync>;

/// Where the scheduler reads the connections from.
pub type Loader = Arc<dyn Fn() -> BoxFuture<Result<Vec<Scheduled>>> + Send + Sync>;

/// A connection as the scheduler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    pub id: ConnectionId,
    pub name: String,
    pub interval: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Control {
    Reload,
    RunNow(Option<ConnectionId>),
    Cancel(Option<ConnectionId>),
}

/// Steers a running [`Scheduler`] from anywhere; every call returns at once.
#[derive(Debug, Clone)]
pub struct SyncHandle {
    control: mpsc::UnboundedSender<Control>,
}

impl SyncHandle {
    /// Re-reads the connections: starts the new ones, forgets the removed ones (stopping a run of
    /// theirs), takes up changed names and intervals.
    pub fn reload(&self) {
        self.send(Control::Reload);
    }

    /// Syncs the connection (every connection when `None`) as soon as its current run, if any,
    /// ends. A connection the scheduler does not know yet is looked up first.
    pub fn run_now(&self, connection: Option<ConnectionId>) {
        self.send(Control::RunNow(connection));
    }

    /// Stops the run in flight of the connection (of every connection when `None`); it is
    /// recorded as cancelled and the connection waits its interval.
    pub fn cancel(&self, connection: Option<ConnectionId>) {
        self.send(Control::Cancel(connection));
    }

    /// False once the scheduler has stopped.
    pub fn is_running(&self) -> bool {
        !self.control.is_closed()
    }

    fn send(&self, control: Control) {
        // A stopped scheduler has nothing left to steer.
        let _ = self.control.send(control);
    }
}

/// The running background sync.
#[derive(Debug)]
pub struct Scheduler {
    cancel: CancellationToken,
    handle: SyncHandle,
    /// `None` once stopped.
    supervisor: Option<JoinHandle<()>>,
}

/// Dropping the scheduler stops it without waiting.
impl Drop for Scheduler {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl Scheduler {
    /// Starts syncing every connection of the portfolio at `db_path` on `runtime`, sending
    /// progress to `events`. Each connection's first run starts at once: the app catches up on
    /// what happened while it was closed.
    pub fn start(
        runtime: &tokio::runtime::Handle,
        db_path: PathBuf,
        options: SchedulerOptions,
        events: broadcast::Sender<SyncProgress>,
    ) -> Scheduler {
        let loader: Loader = {
            let path = db_path.clone();
            Arc::new(move || {
                let path = path.clone();
                Box::pin(async move { with_store(&path, |store| load_connections(store.conn())).await })
            })
        };
        let sender = events.clone();
        let runner: Runner = Arc::new(move |id, cancel| {
            let (path, sender) = (db_path.clone(), sender.clone());
            Box::pin(async move {
                match engine::sync_connection(&path, id, options.sync, cancel, Some(sender)).await {
                    Ok(report) => report.status,
                    // The run could not even be recorded (the connection is gone, the file is
                    // unusable): retry with backoff, as for any failure.
                    Err(_) => SyncStatus::Failed,
                }
            })
        });
        Self::start_with(runtime, loader, runner, options, events)
    }

    /// Starts the supervisor with the given source of connections and runner.
    pub fn start_with(
        runtime: &tokio::runtime::Handle,
        loader: Loader,
        runner: Runner,
        options: SchedulerOptions,
        events: broadcast::Sender<SyncProgress>,
    ) -> Scheduler {
        let cancel = CancellationToken::new();
        let (control, inbox) = mpsc::unbounded_channel();
        let supervisor = Supervisor {
            loader,
            runner,
            options,
            cancel: cancel.clone(),
            events,
            tasks: HashMap::new(),
            retired: Vec::new(),
            reload_retry: None,
            runtime: runtime.clone(),
        };
        let supervisor = runtime.spawn(supervisor.run(inbox));
        Scheduler { cancel, handle: SyncHandle { control }, supervisor: Some(supervisor) }
    }

    pub fn handle(&self) -> SyncHandle {
        self.handle.clone()
    }

    /// Cancels every task (a run in flight stops between batches and is recorded as cancelled)
    /// and waits until they have stopped.
    pub async fn stop(mut self) {
        self.cancel.cancel();
        if let Some(supervisor) = self.supervisor.take() {
            let _ = supervisor.await;
        }
    }
}

/// Every connection, with its interval.
pub fn load_connections(conn: &rusqlite::Connection) -> Result<Vec<Scheduled>> {
    let connections = records::list::<Connection>(conn, &Default::default())?;
    Ok(connections
        .into_iter()
        .map(|c| Scheduled {
            id: c.id,
            name: c.record.name,
            interval: Duration::from_secs(u64::from(c.record.interval_minutes) * 60),
        })
        .collect())
}

/// One connection's task and the means to steer it.
struct Task {
    settings: watch::Sender<Scheduled>,
    wake: mpsc::Sender<()>,
    /// Stops the task.
    cancel: CancellationToken,
    /// Stops only the run in flight, if any.
    current_run: Arc<Mutex<Option<CancellationToken>>>,
    join: JoinHandle<()>,
}

struct Supervisor {
    loader: Loader,
    runner: Runner,
    options: SchedulerOptions,
    cancel: CancellationToken,
    events: broadcast::Sender<SyncProgress>,
    tasks: HashMap<ConnectionId, Task>,
    /// Tasks of removed connections, awaited when the scheduler stops.
    retired: Vec<JoinHandle<()>>,
    /// When to read the connections again after reading them failed.
    reload_retry: Option<tokio::time::Instant>,
    runtime: tokio::runtime::Handle,
}

impl Supervisor {
    async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<Control>) {
        self.reload().await;
        loop {
            let retry = self.reload_retry;
            let control = tokio::select! {
                () = self.cancel.cancelled() => break,
                control = inbox.recv() => control,
                () = async {
                    match retry {
                        Some(at) => tokio::time::sleep_until(at).await,
                        None => std::future::pending().await,
                    }
                } => Some(Control::Reload),
            };
            match control {
                None => break,
                Some(Control::Reload) => self.reload().await,
                Some(Control::RunNow(wanted)) => {
                    let known: Vec<ConnectionId> = self.tasks.keys().copied().collect();
                    if wanted.is_none_or(|id| !known.contains(&id)) {
                        self.reload().await;
                    }
                    // A connection new to the scheduler is running its first sync already.
                    for (id, task) in self.selected(wanted) {
                        if known.contains(id) {
                            // A full channel already holds a wake-up: one is enough.
                            let _ = task.wake.try_send(());
                        }
                    }
                }
                Some(Control::Cancel(wanted)) => {
                    for (_, task) in self.selected(wanted) {
                        if let Some(run) = lock(&task.current_run).as_ref() {
                            run.cancel();
                        }
                    }
                }
            }
        }
        self.cancel.cancel();
        for task in self.tasks.into_values() {
            let _ = task.join.await;
        }
        for join in self.retired {
            let _ = join.await;
        }
    }

    fn selected(&self, wanted: Option<ConnectionId>) -> impl Iterator<Item = (&ConnectionId, &Task)> {
        self.tasks.iter().filter(move |(id, _)| wanted.is_none_or(|w| w == **id))
    }

    /// Brings the tasks in line with the stored connections. When they cannot be read (the file is
    /// busy, say), the tasks carry on as they are and the reading is tried again after
    /// [`SchedulerOptions::first_retry`].
    async fn reload(&mut self) {
        let Ok(connections) = (self.loader)().await else {
            self.reload_retry = Some(tokio::time::Instant::now() + self.options.first_retry);
            return;
        };
        self.reload_retry = None;
        let current: HashMap<ConnectionId, Scheduled> = connections.into_iter().map(|c| (c.id, c)).collect();
        let removed: Vec<ConnectionId> = self.tasks.keys().filter(|id| !current.contains_key(id)).copied().collect();
        for id in removed {
            if let Some(task) = self.tasks.remove(&id) {
                task.cancel.cancel();
                self.retired.push(task.join);
            }
        }
        for (id, connection) in current {
            match self.tasks.get(&id) {
                Some(task) => {
                    task.settings.send_if_modified(|settings| {
                        let changed = *settings != connection;
                        *settings = connection;
                        changed
                    });
                }
                None => {
                    let task = self.spawn(connection);
                    self.tasks.insert(id, task);
                }
            }
        }
    }

    fn spawn(&self, connection: Scheduled) -> Task {
        let (settings, settings_rx) = watch::channel(connection);
        let (wake, wake_rx) = mpsc::channel(1);
        let cancel = self.cancel.child_token();
        let current_run = Arc::new(Mutex::new(None));
        let task = ConnectionTask {
            settings: settings_rx,
            options: self.options,
            runner: self.runner.clone(),
            cancel: cancel.clone(),
            current_run: current_run.clone(),
            wake: wake_rx,
            events: self.events.clone(),
        };
        let join = self.runtime.spawn(task.run());
        Task { settings, wake, cancel, current_run, join }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The loop of one connection: run, wait, run again.
struct ConnectionTask {
    settings: watch::Receiver<Scheduled>,
    options: SchedulerOptions,
    runner: Runner,
    cancel: CancellationToken,
    current_run: Arc<Mutex<Option<CancellationToken>>>,
    wake: mpsc::Receiver<()>,
    events: broadcast::Sender<SyncProgress>,
}

impl ConnectionTask {
    async fn run(mut self) {
        let mut rng = rand_chacha::ChaCha8Rng::from_os_rng();
        let mut failures = 0u32;
        while !self.cancel.is_cancelled() {
            let connection = self.settings.borrow().clone();
            let run = self.cancel.child_token();
            *lock(&self.current_run) = Some(run.clone());
            let status = (self.runner)(connection.id, run).await;
            *lock(&self.current_run) = None;
            if self.cancel.is_cancelled() {
                break;
            }
            let connection = self.settings.borrow().clone();
            let delay = if status == SyncStatus::Failed {
                failures = failures.saturating_add(1);
                let delay = backoff_delay(
                    failures,
                    self.options.first_retry,
                    self.options.max_retry.min(connection.interval.max(self.options.first_retry)),
                    rng.random::<f64>(),
                );
                let _ = self.events.send(SyncProgress::RetryScheduled {
                    connection_id: connection.id,
                    connection: connection.name.clone(),
                    failures,
                    in_seconds: delay.as_secs(),
                });
                delay
            } else {
                // Succeeded, or cancelled by the user: back to the connection's rhythm.
                failures = 0;
                connection.interval
            };
            tokio::select! {
                () = self.cancel.cancelled() => break,
                () = tokio::time::sleep(delay) => {}
                Some(()) = self.wake.recv() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_takes_off_at_most_half() {
        let (first, max) = (Duration::from_secs(30), Duration::from_secs(600));
        let full: Vec<u64> = (1..=7).map(|n| backoff_delay(n, first, max, 0.0).as_secs()).collect();
        assert_eq!(full, vec![30, 60, 120, 240, 480, 600, 600]);
        assert_eq!(backoff_delay(3, first, max, 0.999_999).as_secs(), 60, "at most half is taken off");
        assert_eq!(backoff_delay(3, first, max, 0.5).as_secs(), 90);
        assert_eq!(backoff_delay(u32::MAX, first, max, 0.0), max, "no overflow after many failures");
    }

    fn scheduled(id: i64, interval_ms: u64) -> Scheduled {
        Scheduled { id: ConnectionId(id), name: format!("c{id}"), interval: Duration::from_millis(interval_ms) }
    }

    /// A loader over a list the test changes, as the store's connections would.
    fn loader(connections: &Arc<Mutex<Vec<Scheduled>>>) -> Loader {
        let connections = connections.clone();
        Arc::new(move || {
            let list = connections.lock().unwrap().clone();
            Box::pin(async move { Ok(list) })
        })
    }

    fn options(first_retry_ms: u64) -> SchedulerOptions {
        SchedulerOptions {
            sync: SyncOptions::default(),
            first_retry: Duration::from_millis(first_retry_ms),
            max_retry: Duration::from_secs(60),
        }
    }

    /// Waits for the first event `pick` accepts.
    async fn next<T>(events: &mut broadcast::Receiver<SyncProgress>, pick: impl Fn(SyncProgress) -> Option<T>) -> T {
        let wait = async {
            loop {
                if let Some(found) = pick(events.recv().await.expect("the channel stays open")) {
                    return found;
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(10), wait).await.expect("the event comes")
    }

    #[tokio::test]
    async fn each_connection_runs_one_at_a_time_failures_back_off_and_stop_cancels() {
        let running: Arc<Mutex<HashMap<i64, usize>>> = Arc::default();
        let overlaps = Arc::new(AtomicUsize::new(0));
        let runs: Arc<Mutex<Vec<i64>>> = Arc::default();
        let runner: Runner = {
            let (running, overlaps, runs) = (running.clone(), overlaps.clone(), runs.clone());
            Arc::new(move |id, _cancel| {
                let (running, overlaps, runs) = (running.clone(), overlaps.clone(), runs.clone());
                Box::pin(async move {
                    {
                        let mut running = running.lock().unwrap();
                        let now = running.entry(id.0).or_default();
                        *now += 1;
                        if *now > 1 {
                            overlaps.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    *running.lock().unwrap().get_mut(&id.0).unwrap() -= 1;
                    runs.lock().unwrap().push(id.0);
                    // Connection 2 always fails.
                    if id.0 == 1 { SyncStatus::Succeeded } else { SyncStatus::Failed }
                })
            })
        };
        let connections = Arc::new(Mutex::new(vec![scheduled(1, 20), scheduled(2, 60_000)]));
        let (events, mut received) = broadcast::channel(64);
        let runtime = tokio::runtime::Handle::current();
        let scheduler = Scheduler::start_with(&runtime, loader(&connections), runner, options(10), events);
        let handle = scheduler.handle();
        for _ in 0..20 {
            handle.run_now(Some(ConnectionId(1)));
        }
        handle.run_now(Some(ConnectionId(3)));
        let mut retries = Vec::new();
        while retries.len() < 3 {
            retries.push(
                next(&mut received, |e| match e {
                    SyncProgress::RetryScheduled { connection_id, failures, .. } => {
                        assert_eq!(connection_id, ConnectionId(2), "only connection 2 fails");
                        Some(failures)
                    }
                    _ => None,
                })
                .await,
            );
        }
        assert_eq!(retries, vec![1, 2, 3], "failures in a row are counted");
        scheduler.stop().await;
        assert!(!handle.is_running(), "the handle knows the scheduler stopped");
        let stopped_at = runs.lock().unwrap().len();
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(runs.lock().unwrap().len(), stopped_at, "nothing runs after stop");
        assert_eq!(overlaps.load(Ordering::SeqCst), 0, "never two runs of one connection at once");
        let ones = runs.lock().unwrap().iter().filter(|&&id| id == 1).count();
        assert!(ones >= 2, "connection 1 ran on its interval and when woken: {ones}");
        assert!(!runs.lock().unwrap().contains(&3), "an unknown connection is never run");
    }

    /// A runner whose runs last until they are cancelled; it notes each start as the connection's
    /// id and each cancellation as its negative.
    fn endless_runner(runs: &Arc<Mutex<Vec<i64>>>) -> Runner {
        let runs = runs.clone();
        Arc::new(move |id, cancel| {
            let runs = runs.clone();
            Box::pin(async move {
                runs.lock().unwrap().push(id.0);
                cancel.cancelled().await;
                runs.lock().unwrap().push(-id.0);
                SyncStatus::Cancelled
            })
        })
    }

    #[tokio::test]
    async fn cancel_stops_the_run_in_flight_and_the_connection_waits_its_interval() {
        let runs: Arc<Mutex<Vec<i64>>> = Arc::default();
        let connections = Arc::new(Mutex::new(vec![scheduled(1, 60_000)]));
        let (events, _) = broadcast::channel(64);
        let mut received = events.subscribe();
        let runtime = tokio::runtime::Handle::current();
        let scheduler =
            Scheduler::start_with(&runtime, loader(&connections), endless_runner(&runs), options(10), events);
        let handle = scheduler.handle();
        tokio::time::timeout(Duration::from_secs(10), async {
            while runs.lock().unwrap().is_empty() {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
        .await
        .expect("the first run starts at once");
        handle.cancel(Some(ConnectionId(1)));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(*runs.lock().unwrap(), vec![1, -1], "cancelled, and not retried before the interval");
        assert!(received.try_recv().is_err(), "a cancelled run is no failure: no retry is scheduled");
        handle.run_now(Some(ConnectionId(1)));
        tokio::time::timeout(Duration::from_secs(10), async {
            while runs.lock().unwrap().len() < 3 {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
        .await
        .expect("run now starts the next run");
        assert_eq!(runs.lock().unwrap()[2], 1);
        scheduler.stop().await;
    }

    #[tokio::test]
    async fn connections_that_cannot_be_read_at_start_are_read_again_later() {
        let attempts = Arc::new(AtomicUsize::new(0));
        let loader: Loader = {
            let attempts = attempts.clone();
            Arc::new(move || {
                let first = attempts.fetch_add(1, Ordering::SeqCst) == 0;
                Box::pin(async move {
                    if first {
                        Err(crate::error::Error::Storage("database is locked".into()))
                    } else {
                        Ok(vec![scheduled(1, 60_000)])
                    }
                })
            })
        };
        let runs: Arc<Mutex<Vec<i64>>> = Arc::default();
        let (events, _) = broadcast::channel(64);
        let runtime = tokio::runtime::Handle::current();
        let scheduler = Scheduler::start_with(&runtime, loader, endless_runner(&runs), options(20), events);
        tokio::time::timeout(Duration::from_secs(10), async {
            while runs.lock().unwrap().is_empty() {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
        .await
        .expect("the connection runs once its list could be read, with nobody asking");
        assert_eq!(attempts.load(Ordering::SeqCst), 2, "read again once, after the first retry's wait");
        scheduler.stop().await;
    }

    #[tokio::test]
    async fn reload_starts_new_connections_and_stops_removed_ones() {
        let runs: Arc<Mutex<Vec<i64>>> = Arc::default();
        let connections = Arc::new(Mutex::new(vec![scheduled(1, 60_000)]));
        let (events, _) = broadcast::channel(64);
        let runtime = tokio::runtime::Handle::current();
        let scheduler =
            Scheduler::start_with(&runtime, loader(&connections), endless_runner(&runs), options(10), events);
        let handle = scheduler.handle();
        let wait_for = |wanted: &'static [i64]| {
            let runs = runs.clone();
            async move {
                let seen = || {
                    let runs = runs.lock().unwrap();
                    wanted.iter().all(|w| runs.contains(w))
                };
                tokio::time::timeout(Duration::from_secs(10), async {
                    while !seen() {
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                })
                .await
                .unwrap_or_else(|_| panic!("never saw {wanted:?}"));
            }
        };
        wait_for(&[1]).await;
        *connections.lock().unwrap() = vec![scheduled(2, 60_000)];
        handle.reload();
        wait_for(&[-1, 2]).await;
        scheduler.stop().await;
        let runs = runs.lock().unwrap();
        assert_eq!(runs.iter().filter(|&&r| r == 1).count(), 1, "the removed connection never ran again: {runs:?}");
        assert_eq!(runs.iter().filter(|&&r| r == 2).count(), 1, "the added connection ran at once: {runs:?}");
    }
}
