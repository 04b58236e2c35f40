// @vitest-environment happy-dom
// A backend-drawn chart as a person meets it: the SVG the backend sent, shown as an accessible image
// with the backend's title, at the size of its box and in the app's theme; nothing in it that could
// run; Export and Copy buttons named after the chart.

import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app } from '../app.svelte';
import type { Backend, CommandName, RequestOf, ResponseOf } from '../backend';
import { BackendError } from '../backend';
import { drawSize, fileStem, safeSvg } from '../charts';
import Chart from './Chart.svelte';

const SVG =
  '<svg width="960" height="540" viewBox="0 0 960 540" xmlns="http://www.w3.org/2000/svg" role="img" ' +
  'aria-labelledby="c-title c-desc" onload="window.__pwned=1"><title id="c-title">Budget vs actual, 2026</title>' +
  '<desc id="c-desc">Cumulative budget and actual spend.</desc><script>window.__pwned=2</script>' +
  '<rect x="0" y="0" width="960" height="540" fill="#fff"/><text x="10" y="20">&lt;b&gt;Fraud&lt;/b&gt;</text></svg>';

class FakeBackend implements Backend {
  readonly transport = 'http' as const;
  // These components never follow background sync.
  onSyncProgress = async () => () => {};
  asked: RequestOf<'chart'>[] = [];
  async call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    if (name === 'chart') {
      this.asked.push(request as RequestOf<'chart'>);
      return { svg: SVG, title: 'Budget vs actual, 2026', description: 'Cumulative budget and actual spend.' } as ResponseOf<N>;
    }
    throw new BackendError('internal', `unexpected command ${name}`);
  }
}

let mounted: Record<string, unknown> | null = null;
let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend();
  app.backend = backend;
  // happy-dom lays nothing out: give every box a width, as a browser would.
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  app.backend = null;
  document.body.innerHTML = '';
});

async function settle() {
  for (let i = 0; i < 10; i += 1) {
    await tick();
    await new Promise((r) => setTimeout(r, 5));
    flushSync();
  }
}

describe('Chart', () => {
  it('asks for a model-metric chart with its model, metric and window', async () => {
    const target = document.createElement('div');
    document.body.append(target);
    const chart = { name: 'model-metric' as const, model: '7', metric: 'latency_p95_ms', since: '36h' };
    mounted = mount(Chart, { target, props: { chart, aspect: 4 / 3 } });
    await settle();
    expect(backend.asked.at(-1)).toMatchObject({ ...chart, initiative: null, kpi: null, width: 960, height: 720 });
  });

  it('shows the backend SVG as a named image, without anything that could run', async () => {
    const target = document.createElement('div');
    document.body.append(target);
    mounted = mount(Chart, { target, props: { chart: { name: 'budget-burn', initiative: '3' } } });
    await settle();

    expect(backend.asked.length).toBeGreaterThan(0);
    const asked = backend.asked.at(-1)!;
    expect(asked).toMatchObject({ name: 'budget-burn', initiative: '3', theme: 'light', width: 960, height: 540 });

    const svg = target.querySelector('svg.drawing');
    expect(svg, target.innerHTML).not.toBeNull();
    expect(svg!.getAttribute('role')).toBe('img');
    expect(svg!.querySelector('title')!.textContent).toBe('Budget vs actual, 2026');
    expect(svg!.querySelector('script')).toBeNull();
    expect(svg!.getAttribute('onload')).toBeNull();
    expect(svg!.querySelector('text')!.textContent).toBe('<b>Fraud</b>');

    const names = [...target.querySelectorAll('button')].map((b) => b.getAttribute('aria-label'));
    expect(names).toEqual(['Export Budget vs actual, 2026', 'Copy Budget vs actual, 2026']);
    (target.querySelector('button[aria-label^="Export"]') as HTMLButtonElement).click();
    flushSync();
    const formats = [...target.querySelectorAll('.popup button')].map((b) => b.getAttribute('aria-label'));
    expect(formats).toEqual([
      'Export Budget vs actual, 2026 as SVG',
      'Export Budget vs actual, 2026 as PNG 1×',
      'Export Budget vs actual, 2026 as PNG 2×',
    ]);
  });

  it('says why when the backend cannot draw it', async () => {
    app.backend = {
      transport: 'http',
      onSyncProgress: async () => () => {},
      call: async () => {
        throw new BackendError('validation', 'the kpi chart needs a KPI');
      },
    } as Backend;
    const target = document.createElement('div');
    document.body.append(target);
    mounted = mount(Chart, { target, props: { chart: { name: 'kpi' } } });
    await settle();
    expect(target.querySelector('[role="alert"]')?.textContent).toContain('the kpi chart needs a KPI');
    expect(target.querySelector('button[aria-label^="Export"]')?.hasAttribute('disabled')).toBe(true);
  });
});

describe('chart helpers', () => {
  it('draws narrow boxes larger and keeps the aspect within the backend limits', () => {
    expect(drawSize(400)).toEqual({ width: 960, height: 540 });
    expect(drawSize(1280)).toEqual({ width: 1280, height: 720 });
    expect(drawSize(9000, 4)).toEqual({ width: 4000, height: 1000 });
    expect(drawSize(1000, 10)).toEqual({ width: 1000, height: 320 });
    expect(drawSize(350, 4 / 3, 560), 'a side panel asks for less').toEqual({ width: 560, height: 420 });
    expect(drawSize(350, 4 / 3, 100), 'never under the backend minimum').toEqual({ width: 350, height: 320 });
  });

  it('refuses what is not an SVG document', () => {
    expect(safeSvg('<html><body>hi</body></html>')).toBeNull();
    expect(safeSvg('not markup')).toBeNull();
  });

  it('names files after the chart title', () => {
    expect(fileStem('Budget vs actual, 2026')).toBe('budget-vs-actual-2026');
    expect(fileStem('***')).toBe('chart');
  });
});
