import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from './bindings/ConnectionStatus';
import type { SyncRunReport } from './bindings/SyncRunReport';
import { ageText } from './format';
import { type LiveRun, type PendingRetry, applyProgress, indicator, unreachable } from './syncStatus';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const HOUR = 3600;

function run(status: SyncRunReport['status'], error_code: SyncRunReport['error_code'] = null): SyncRunReport {
  return {
    run_id: 1, connection_id: 1, connection: 'prod', kind: 'prometheus', status, fetched: 0, written: 0,
    error: status === 'failed' ? 'cannot connect to http://10.0.0.1:9090' : null, error_code,
    started_at: '2026-11-26T11:00:00Z', finished_at: null,
  };
}

function status(id: number, name: string, last: SyncRunReport | null, hoursOld: number | null): ConnectionStatus {
  return {
    connection_id: id, name, last_run: last ? { ...last, connection_id: id, connection: name } : null,
    data_until: hoursOld == null ? null : NOW / 1000 - hoursOld * HOUR,
  };
}

describe('ageText', () => {
  it('reads as the CLI writes it', () => {
    expect([42, 4 * 60, 3 * HOUR, 2 * 24 * HOUR].map(ageText)).toEqual(['42 s', '4 min', '3 h', '2 days']);
    expect(ageText(-5)).toBe('0 s');
  });
});

describe('applyProgress', () => {
  it('follows a run from start to finish and remembers a retry until the next start', () => {
    const live: Record<number, LiveRun> = {};
    const retries: Record<number, PendingRetry> = {};
    applyProgress(live, retries, { event: 'started', connection_id: 3, connection: 'prod' }, NOW);
    expect(live[3]).toEqual({ connection: 'prod', fetched: 0, written: 0, detail: '' });
    applyProgress(live, retries, { event: 'batch', connection_id: 3, connection: 'prod', fetched: 900, written: 850, detail: 'm / k' }, NOW);
    expect(live[3]?.written).toBe(850);
    applyProgress(live, retries, { event: 'finished', connection_id: 3, connection: 'prod', status: 'failed', fetched: 900, written: 850, error: 'x' }, NOW);
    expect(live[3]).toBeUndefined();
    applyProgress(live, retries, { event: 'retry_scheduled', connection_id: 3, connection: 'prod', failures: 2, in_seconds: 45 }, NOW);
    expect(retries[3]).toEqual({ failures: 2, at: NOW + 45_000 });
    applyProgress(live, retries, { event: 'started', connection_id: 3, connection: 'prod' }, NOW);
    expect(retries[3]).toBeUndefined();
  });
});

describe('indicator', () => {
  it('says nothing without connections', () => {
    expect(indicator([], {}, true, NOW)).toBeNull();
  });

  it('is offline when every connection that ran could not reach its server, with the data age', () => {
    const statuses = [status(1, 'prod', run('failed', 'network'), 3), status(2, 'registry', run('failed', 'network'), 5)];
    const line = indicator(statuses, {}, true, NOW);
    expect(line?.tone).toBe('offline');
    expect(line?.text).toBe('Offline · data 3 h old');
    expect(line?.detail).toContain('No cluster answers');
  });

  it('is offline when the computer says so, whatever the last runs did', () => {
    const line = indicator([status(1, 'prod', run('succeeded'), 1)], {}, false, NOW);
    expect(line?.tone).toBe('offline');
    expect(line?.detail).toContain('This computer is offline');
  });

  it('names the one failing connection when others still answer, or a refused credential', () => {
    const statuses = [status(1, 'prod', run('failed', 'auth'), 30), status(2, 'registry', run('succeeded'), 0.1)];
    expect(indicator(statuses, {}, true, NOW)).toMatchObject({ tone: 'bad', text: 'Sync failing: prod' });
    expect(unreachable(statuses[0]!)).toBe(false);
  });

  it('shows a run in flight before anything else but offline', () => {
    const live = { 1: { connection: 'prod', fetched: 10, written: 10, detail: '' } };
    expect(indicator([status(1, 'prod', run('running'), null)], live, true, NOW)).toMatchObject({ tone: 'busy', text: 'Syncing prod…' });
  });

  it('is quiet when everything synced, with the newest data age', () => {
    const statuses = [status(1, 'prod', run('succeeded'), 2), status(2, 'registry', null, null)];
    expect(indicator(statuses, {}, true, NOW)).toMatchObject({ tone: 'quiet', text: 'Synced · data 2 h old' });
    expect(indicator([status(1, 'prod', run('succeeded'), null)], {}, true, NOW)?.text).toBe('Synced · no data yet');
    expect(indicator([status(1, 'prod', null, null)], {}, true, NOW)?.text).toBe('Not synced yet');
  });
});
