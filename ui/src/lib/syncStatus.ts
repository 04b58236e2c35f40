// What the background sync's state means for a person: a connection's status in words, data age,
// and the one line the top bar shows (syncing, offline, failing, or when data last arrived).
// Pure functions of the statuses and live events, so they are tested without a backend.

import type { ConnectionStatus } from './bindings/ConnectionStatus';
import type { SyncProgress } from './bindings/SyncProgress';
import { ageText } from './format';

/** A run in flight, from its events. */
export interface LiveRun {
  connection: string;
  /** Totals so far. */
  fetched: number;
  written: number;
  /** What the last batch was about, e.g. `fraud-gbm / latency_p95_ms`. */
  detail: string;
}

/** The next try after failures in a row, from a `retry_scheduled` event. */
export interface PendingRetry {
  failures: number;
  /** Milliseconds since the epoch. */
  at: number;
}

/** How old the newest synced data is, from `data_until` (seconds since the epoch). */
export function dataAge(dataUntil: number | null | undefined, nowMs: number): string | null {
  return dataUntil == null ? null : ageText(nowMs / 1000 - dataUntil);
}

/** Applies one event to the runs in flight and the pending retries (both keyed by connection id). */
export function applyProgress(
  live: Record<number, LiveRun>,
  retries: Record<number, PendingRetry>,
  progress: SyncProgress,
  nowMs: number,
): void {
  const id = progress.connection_id;
  switch (progress.event) {
    case 'started':
      live[id] = { connection: progress.connection, fetched: 0, written: 0, detail: '' };
      delete retries[id];
      break;
    case 'batch':
      live[id] = { connection: progress.connection, fetched: progress.fetched, written: progress.written, detail: progress.detail };
      break;
    case 'finished':
      delete live[id];
      break;
    case 'retry_scheduled':
      retries[id] = { failures: progress.failures, at: nowMs + progress.in_seconds * 1000 };
      break;
  }
}

/** True when the connection's newest run failed because its server could not be reached. */
export function unreachable(status: ConnectionStatus): boolean {
  return status.last_run?.status === 'failed' && status.last_run.error_code === 'network';
}

export type Tone = 'busy' | 'offline' | 'bad' | 'quiet';

export interface Indicator {
  tone: Tone;
  text: string;
  /** The longer explanation, for the tooltip and screen readers. */
  detail: string;
}

/**
 * The top bar's line about sync, or null when there are no connections. Offline means the
 * computer says it has no network, or every connection that has run failed to reach its server:
 * the app then works on the data already in the file, and says how old that is.
 */
export function indicator(
  statuses: readonly ConnectionStatus[],
  live: Readonly<Record<number, LiveRun>>,
  online: boolean,
  nowMs: number,
): Indicator | null {
  if (statuses.length === 0) return null;
  const newest = statuses.reduce<number | null>((m, s) => (s.data_until != null && (m == null || s.data_until > m) ? s.data_until : m), null);
  const age = newest == null ? 'no synced data yet' : `data synced ${ageText(nowMs / 1000 - newest)} ago`;
  const ran = statuses.filter((s) => s.last_run && s.last_run.status !== 'running');
  const allUnreachable = ran.length > 0 && ran.length === statuses.length && ran.every(unreachable);
  if (!online || allUnreachable) {
    const why = online ? 'No cluster answers' : 'This computer is offline';
    return {
      tone: 'offline',
      text: `Offline · ${newest == null ? 'no synced data' : `data ${ageText(nowMs / 1000 - newest)} old`}`,
      detail: `${why}; the portfolio shows the last synced data (${age}). Syncing resumes by itself.`,
    };
  }
  const running = Object.values(live);
  if (running.length > 0) {
    const names = running.map((r) => r.connection).join(', ');
    return { tone: 'busy', text: `Syncing ${names}…`, detail: `Syncing ${names}; ${age}.` };
  }
  const failing = statuses.filter((s) => s.last_run?.status === 'failed');
  if (failing.length > 0) {
    const names = failing.map((s) => s.name).join(', ');
    return {
      tone: 'bad',
      text: failing.length === 1 ? `Sync failing: ${names}` : `Sync failing: ${failing.length} connections`,
      detail: `The last sync of ${names} failed; the Connections page says why. Other data: ${age}.`,
    };
  }
  if (ran.length === 0) return { tone: 'quiet', text: 'Not synced yet', detail: 'No connection has synced yet.' };
  const text = newest == null ? 'Synced · no data yet' : `Synced · data ${ageText(nowMs / 1000 - newest)} old`;
  return { tone: 'quiet', text, detail: `The last syncs succeeded; ${age}.` };
}
