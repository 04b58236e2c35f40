// @vitest-environment happy-dom
// The Live metrics section as a person meets it: a breaching metric listed first with its value,
// threshold and age, stale data and a failed sync said in words, the chart asked for the chosen
// metric; and, for a model with no bindings, the command that binds one.

import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app } from '../app.svelte';
import type { Backend, CommandName, RequestOf, ResponseOf } from '../backend';
import { BackendError } from '../backend';
import type { MetricReadout } from '../bindings/MetricReadout';
import type { ModelMetrics } from '../bindings/ModelMetrics';
import LiveMetrics from './LiveMetrics.svelte';

const NOW = Date.parse('2026-11-02T12:00:00Z') / 1000;

function readout(over: Partial<MetricReadout>): MetricReadout {
  return {
    key: 'k',
    unit: 'ms',
    query: 'q',
    threshold: null,
    latest: { ts: NOW - 240, value: 1 },
    state: 'no_threshold',
    age_seconds: 240,
    stale_after_seconds: 1920,
    stale: false,
    last_sync: {
      run_id: 1,
      connection_id: 1,
      connection: 'prom',
      kind: 'prometheus',
      status: 'succeeded',
      fetched: 1,
      written: 1,
      error: null,
      error_code: null,
      started_at: '2026-11-02T11:58:00Z',
      finished_at: '2026-11-02T11:58:00Z',
    },
    sync_error: null,
    rollups: [],
    ...over,
  };
}

class FakeBackend implements Backend {
  readonly transport = 'http' as const;
  onSyncProgress = async () => () => {};
  charts: RequestOf<'chart'>[] = [];
  constructor(private metrics: ModelMetrics) {}
  async call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    if (name === 'model_metrics') return this.metrics as ResponseOf<N>;
    if (name === 'chart') {
      this.charts.push(request as RequestOf<'chart'>);
      return { svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>', title: 't', description: 'd' } as ResponseOf<N>;
    }
    throw new BackendError('internal', `unexpected command ${name}`);
  }
}

let mounted: Record<string, unknown> | null = null;
beforeEach(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 350 });
});
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  app.backend = null;
  document.body.innerHTML = '';
});

async function show(metrics: MetricReadout[]) {
  const backend = new FakeBackend({ model: 'fraud-gbm', now: NOW, since: NOW - 7 * 86_400, metrics });
  app.backend = backend;
  const target = document.createElement('div');
  document.body.append(target);
  mounted = mount(LiveMetrics, { target, props: { modelId: 7, modelName: 'fraud-gbm' } });
  for (let i = 0; i < 10; i += 1) {
    await tick();
    await new Promise((r) => setTimeout(r, 5));
    flushSync();
  }
  return { target, backend };
}

describe('LiveMetrics', () => {
  it('lists the breaching metric first, says stale data and failed syncs, and charts the breach', async () => {
    const { target, backend } = await show([
      readout({ key: 'accuracy', unit: 'ratio', latest: { ts: NOW - 3 * 3600, value: 0.95 }, state: 'ok',
        threshold: { value: 0.9, bad_when: 'below' }, age_seconds: 3 * 3600, stale: true }),
      readout({ key: 'latency_p95_ms', latest: { ts: NOW - 240, value: 212 }, state: 'bad',
        threshold: { value: 200, bad_when: 'above' } }),
      readout({ key: 'drift', latest: null, state: 'no_data', age_seconds: null, sync_error: 'HTTP 503',
        last_sync: { ...readout({}).last_sync!, status: 'failed', error: 'x' } }),
    ]);
    const tiles = [...target.querySelectorAll('li.tile')];
    expect(tiles.map((t) => t.querySelector('.key')?.textContent)).toEqual(['latency_p95_ms', 'accuracy', 'drift']);
    const [latency, accuracy, drift] = tiles as [Element, Element, Element];
    expect(latency.textContent).toContain('212 ms');
    expect(latency.textContent).toContain('Breaching');
    expect(latency.textContent).toContain('threshold ≤ 200 ms');
    expect(latency.textContent).toContain('data 4 min old');
    expect(accuracy.querySelector('.stale')?.textContent).toBe('data 3 h old — stale');
    expect(drift.querySelector('.failed')?.textContent).toContain('last sync failed 2 min ago — HTTP 503');
    expect(backend.charts.at(-1)).toMatchObject({ name: 'model-metric', model: '7', metric: 'latency_p95_ms', since: '36h' });

    (accuracy.querySelector('button') as HTMLButtonElement).click();
    (target.querySelector('button[aria-pressed="false"]:is(.btn)') as HTMLButtonElement).click();
    for (let i = 0; i < 5; i += 1) {
      await tick();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(backend.charts.at(-1)).toMatchObject({ metric: 'accuracy', since: '7d' });
  });

  it('shows how to bind a metric when the model has none', async () => {
    const { target, backend } = await show([]);
    expect(target.querySelector('pre')?.textContent).toContain('mlops-portfolio metric bind fraud-gbm --template http');
    expect(backend.charts).toEqual([]);
  });
});
