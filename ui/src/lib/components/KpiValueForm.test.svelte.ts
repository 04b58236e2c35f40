// @vitest-environment happy-dom
// The KPI value form as a manager uses it: a labelled value, day and note; what is sent to
// `kpi_record`; the confirmation in the core's words; and the backend's error beside the form.

import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { app } from '../app.svelte';
import type { Backend, CommandName, RequestOf, ResponseOf } from '../backend';
import { BackendError } from '../backend';
import type { KpiRecordRequest } from '../bindings/KpiRecordRequest';
import type { KpiRecorded } from '../bindings/KpiRecorded';
import { todayIso } from '../format';
import KpiValueForm from './KpiValueForm.svelte';

/** Answers `kpi_record` with `answer` (what was written, or an error to throw). */
class FakeBackend implements Backend {
  readonly transport = 'http' as const;
  onSyncProgress = async () => () => {};
  sent: KpiRecordRequest[] = [];
  constructor(private answer: (request: KpiRecordRequest) => KpiRecorded | BackendError) {}
  async call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    if (name !== 'kpi_record') throw new BackendError('internal', `unexpected command ${name}`);
    const asked = request as KpiRecordRequest;
    this.sent.push(asked);
    const answer = this.answer(asked);
    if (answer instanceof BackendError) throw answer;
    return answer as ResponseOf<N>;
  }
}

const kpi = {
  kpi_id: 1,
  name: 'Fraud model precision',
  unit: 'ratio',
  recent: [{ date: '2026-11-30', value: 0.91, source: 'typed' as const }],
};

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  app.backend = null;
});

async function settle() {
  for (let i = 0; i < 6; i++) {
    await tick();
    await Promise.resolve();
  }
  flushSync();
}

async function show(backend: Backend) {
  app.backend = backend;
  document.body.innerHTML = '';
  mounted = mount(KpiValueForm, { target: document.body, props: { kpi } });
  await settle();
}

function control(label: string): HTMLInputElement {
  const labelEl = [...document.querySelectorAll('label')].find((l) => l.textContent?.trim().startsWith(label));
  const el = labelEl && document.getElementById(labelEl.getAttribute('for') ?? '');
  if (!el) throw new Error(`no control labelled ${label}`);
  return el as HTMLInputElement;
}

function type(label: string, text: string) {
  const input = control(label);
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

async function submit() {
  document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  await settle();
}

describe('KpiValueForm', () => {
  it('sends the value, day and note, confirms in words and reloads the pages', async () => {
    const backend = new FakeBackend((r) => ({ kpi_id: 1, kpi: kpi.name, date: r.date!, value: r.value, value_text: String(r.value), replaced: 0.91, replaced_text: '0.91', status: 'green' }));
    await show(backend);
    expect(control('Day').value).toBe(todayIso());
    type('Value', '0.93');
    type('Day', '2026-11-30');
    type('Note', '  after retraining ');
    // The day already has a value: the form says the new one replaces it.
    expect(document.body.textContent).toContain('This day has a value already; a new one replaces it');
    const revision = app.revision;
    await submit();
    expect(backend.sent).toEqual([{ kpi: '1', value: 0.93, date: '2026-11-30', note: 'after retraining' }]);
    expect(document.querySelector('[role="status"]')?.textContent).toMatch(
      // The day in the system's locale, with its year once that is not this year.
      /^Recorded 0\.93 for (30 Nov|Nov 30)(,? 2026)? — green \(replaced 0\.91\)$/,
    );
    expect(app.revision).toBe(revision + 1);
    expect(control('Value').value).toBe('');
  });

  it('sends nothing without a value', async () => {
    const backend = new FakeBackend(() => new BackendError('internal', 'must not be called'));
    await show(backend);
    expect(document.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled).toBe(true);
    await submit();
    expect(backend.sent).toEqual([]);
  });

  it("shows the backend's error at the form and keeps what was typed", async () => {
    const message = 'date: 2027-01-05 is after today (2026-12-03); values are measurements, not plans';
    const backend = new FakeBackend(() => new BackendError('validation', message));
    await show(backend);
    type('Value', '0.93');
    const revision = app.revision;
    await submit();
    const alert = document.querySelector('[role="alert"]');
    expect(alert?.textContent).toBe(`validation${message}`);
    expect(control('Value').value).toBe('0.93');
    expect(app.revision).toBe(revision);
  });
});
