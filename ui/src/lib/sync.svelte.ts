// The background sync as every page sees it: each connection's status, the runs in flight (from
// the backend's progress events), pending retries, whether the computer is online, and a clock
// for data ages. Pages that show synced data reload when `revision` moves: a run wrote something
// (metric points, OpenCost actuals, MLflow models).

import type { Backend } from './backend';
import type { ConnectionStatus } from './bindings/ConnectionStatus';
import type { SyncProgress } from './bindings/SyncProgress';
import { type LiveRun, type PendingRetry, applyProgress, indicator } from './syncStatus';

/** How often ages are recomputed and statuses re-read (events may be missed while asleep). */
const TICK_MS = 30_000;

class SyncState {
  statuses = $state<ConnectionStatus[]>([]);
  live = $state<Record<number, LiveRun>>({});
  retries = $state<Record<number, PendingRetry>>({});
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  now = $state(Date.now());
  /** Bumped after a run that wrote data: charts and lists of synced data reload. */
  revision = $state(0);
  /** Bumped after every run, whatever it wrote: what shows a connection's last sync reloads. */
  runsEnded = $state(0);
  /** The last status read failed: the line says so rather than showing stale state as current. */
  problem = $state<string | null>(null);
  readonly indicator = $derived(indicator(this.statuses, this.live, this.online, this.now));
  #backend: Backend | null = null;
  #ticks = 0;

  /** Starts following the backend's sync; returns a function that stops. */
  async start(backend: Backend): Promise<() => void> {
    this.#backend = backend;
    const unlisten = await backend.onSyncProgress(
      (p) => this.#heard(p),
      () => void this.refresh(),
    );
    const setOnline = () => (this.online = navigator.onLine);
    window.addEventListener('online', setOnline);
    window.addEventListener('offline', setOnline);
    const timer = setInterval(() => {
      this.now = Date.now();
      this.#ticks += 1;
      if (this.#ticks % 2 === 0) void this.refresh();
    }, TICK_MS);
    await this.refresh();
    return () => {
      unlisten();
      window.removeEventListener('online', setOnline);
      window.removeEventListener('offline', setOnline);
      clearInterval(timer);
    };
  }

  async refresh(): Promise<void> {
    if (!this.#backend) return;
    try {
      this.statuses = await this.#backend.call('connection_status', {});
      this.problem = null;
    } catch (error) {
      this.problem = error instanceof Error ? error.message : String(error);
    }
    this.now = Date.now();
  }

  #heard(progress: SyncProgress): void {
    applyProgress(this.live, this.retries, progress, Date.now());
    // A run in flight shows from the events alone; its end changes the stored status.
    if (progress.event === 'finished') {
      void this.refresh();
      this.runsEnded += 1;
      if (progress.written > 0) this.revision += 1;
    }
  }

  status(connectionId: number): ConnectionStatus | undefined {
    return this.statuses.find((s) => s.connection_id === connectionId);
  }
}

export const sync = new SyncState();
