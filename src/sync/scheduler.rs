//! Background sync: every connection on its own interval, for as long as the app runs.
//!
//! One tokio task per connection runs its sync, then sleeps its `interval_minutes` — or, after a
//! failure, a backoff that doubles with each failure in a row (from [`SchedulerOptions::first_retry`]
//! up to the interval, at most [`SchedulerOptions::max_retry`]) with random jitter, so a cluster
//! that is down is not hammered and many clients do not retry in step. Because each connection has
//! one task that runs its syncs one after another, a connection never has two runs at once in
//! this process; [`Scheduler::run_now`] only wakes the task early. [`Scheduler::stop`] cancels
//! every task (a run in flight stops between batches and is recorded as cancelled) and waits for
//! them. Events ([`SyncProgress`]) go to every [`Scheduler::subscribe`]r. The connections are
//! read when the scheduler starts: after adding or removing one, stop it and start a new one.
//! Runs started elsewhere (the `sync` command in another process) are not coordinated with it;
//! both are safe, since every write is an idempotent upsert.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use tokio::sync::{broadcast, mpsc};
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

/// What the scheduler runs for a connection; it says whether the run succeeded.
pub type Runner =
    Arc<dyn Fn(ConnectionId, CancellationToken) -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// A connection as the scheduler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    pub id: ConnectionId,
    pub name: String,
    pub interval: Duration,
}

/// The running background sync.
#[derive(Debug)]
pub struct Scheduler {
    cancel: CancellationToken,
    events: broadcast::Sender<SyncProgress>,
    wake: HashMap<ConnectionId, mpsc::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Scheduler {
    /// Starts syncing every connection of the portfolio at `db_path`.
    pub async fn start(db_path: PathBuf, options: SchedulerOptions) -> Result<Scheduler> {
        let scheduled = with_store(&db_path, |store| {
            let connections = records::list::<Connection>(store.conn(), &Default::default())?;
            Ok(connections
                .into_iter()
                .map(|c| Scheduled {
                    id: c.id,
                    name: c.record.name,
                    interval: Duration::from_secs(u64::from(c.record.interval_minutes) * 60),
                })
                .collect::<Vec<_>>())
        })
        .await?;
        let (events, _) = broadcast::channel(256);
        let sender = events.clone();
        let runner: Runner = Arc::new(move |id, cancel| {
            let (path, sender) = (db_path.clone(), sender.clone());
            Box::pin(async move {
                engine::sync_connection(&path, id, options.sync, cancel, Some(sender))
                    .await
                    .is_ok_and(|report| report.status == SyncStatus::Succeeded)
            })
        });
        Ok(Self::start_with(scheduled, options, runner, events))
    }

    /// Starts a task per connection that calls `runner` on its schedule.
    pub fn start_with(
        scheduled: Vec<Scheduled>,
        options: SchedulerOptions,
        runner: Runner,
        events: broadcast::Sender<SyncProgress>,
    ) -> Scheduler {
        let cancel = CancellationToken::new();
        let mut wake = HashMap::new();
        let mut tasks = Vec::new();
        for connection in scheduled {
            let (wake_tx, wake_rx) = mpsc::channel(1);
            wake.insert(connection.id, wake_tx);
            tasks.push(tokio::spawn(connection_loop(
                connection,
                options,
                runner.clone(),
                cancel.clone(),
                wake_rx,
                events.clone(),
            )));
        }
        Scheduler { cancel, events, wake, tasks }
    }

    /// Events of every run from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SyncProgress> {
        self.events.subscribe()
    }

    /// Runs the connection's sync as soon as its current run (if any) ends; false for a
    /// connection the scheduler does not know.
    pub fn run_now(&self, id: ConnectionId) -> bool {
        self.wake.get(&id).is_some_and(|wake| {
            // A full channel already holds a wake-up: one is enough.
            let _ = wake.try_send(());
            true
        })
    }

    /// Cancels every task and waits until they have stopped.
    pub async fn stop(self) {
        self.cancel.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

async fn connection_loop(
    connection: Scheduled,
    options: SchedulerOptions,
    runner: Runner,
    cancel: CancellationToken,
    mut wake: mpsc::Receiver<()>,
    events: broadcast::Sender<SyncProgress>,
) {
    let mut rng = rand_chacha::ChaCha8Rng::from_os_rng();
    let mut failures = 0u32;
    while !cancel.is_cancelled() {
        let succeeded = runner(connection.id, cancel.child_token()).await;
        if cancel.is_cancelled() {
            break;
        }
        let delay = if succeeded {
            failures = 0;
            connection.interval
        } else {
            failures = failures.saturating_add(1);
            let delay = backoff_delay(
                failures,
                options.first_retry,
                options.max_retry.min(connection.interval.max(options.first_retry)),
                rng.random::<f64>(),
            );
            let _ = events.send(SyncProgress::RetryScheduled {
                connection_id: connection.id,
                connection: connection.name.clone(),
                failures,
                in_seconds: delay.as_secs(),
            });
            delay
        };
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(delay) => {}
            Some(()) = wake.recv() => {}
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
                    id.0 == 1 // connection 2 always fails
                })
            })
        };
        let options = SchedulerOptions {
            sync: SyncOptions::default(),
            first_retry: Duration::from_millis(10),
            max_retry: Duration::from_secs(60),
        };
        let (events, _) = broadcast::channel(64);
        let scheduler = Scheduler::start_with(vec![scheduled(1, 20), scheduled(2, 60_000)], options, runner, events);
        let mut received = scheduler.subscribe();
        for _ in 0..20 {
            assert!(scheduler.run_now(ConnectionId(1)), "connection 1 is scheduled");
        }
        assert!(!scheduler.run_now(ConnectionId(3)), "connection 3 is not");
        let mut retries = Vec::new();
        while retries.len() < 3 {
            if let Ok(SyncProgress::RetryScheduled { connection_id, failures, in_seconds: _, .. }) =
                received.recv().await
            {
                assert_eq!(connection_id, ConnectionId(2));
                retries.push(failures);
            }
        }
        assert_eq!(retries, vec![1, 2, 3], "failures in a row are counted");
        scheduler.stop().await;
        let stopped_at = runs.lock().unwrap().len();
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(runs.lock().unwrap().len(), stopped_at, "nothing runs after stop");
        assert_eq!(overlaps.load(Ordering::SeqCst), 0, "never two runs of one connection at once");
        let ones = runs.lock().unwrap().iter().filter(|&&id| id == 1).count();
        assert!(ones >= 2, "connection 1 ran on its interval and when woken: {ones}");
    }
}
