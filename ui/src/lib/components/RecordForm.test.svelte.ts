// @vitest-environment happy-dom
// The generic record form as a person uses it: every control labelled, references offered by name,
// money typed as `1,250.00 EUR`, the backend's `{code, message}` shown beside the field it names
// (or at the form when it names none), and a successful create that resets the form.

import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { app } from '../app.svelte';
import type { Backend, CommandName, RecordView, RequestOf, ResponseOf } from '../backend';
import { BackendError } from '../backend';
import { FORM_FIELDS } from '../specs';
import RecordForm from './RecordForm.svelte';

const roles: RecordView[] = [
  { kind: 'role', id: 2, fields: { name: 'ML engineer' } },
  { kind: 'role', id: 1, fields: { name: 'Data scientist' } },
];
const vendors: RecordView[] = [{ kind: 'vendor', id: 5, fields: { name: 'Labelbox' } }];
const team: RecordView[] = [{ kind: 'person', id: 9, fields: { name: 'Grace Kim' } }];

/** Answers lists from fixtures, and create_record with `answer` (a record, or an error to throw). */
class FakeBackend implements Backend {
  readonly transport = 'http' as const;
  // These components never follow background sync.
  onSyncProgress = async () => () => {};
  created: { kind: string; fields: RecordView['fields'] }[] = [];
  constructor(private answer: (fields: RecordView['fields']) => RecordView | BackendError) {}
  async call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    if (name === 'list_records') {
      const kind = (request as RequestOf<'list_records'>).kind;
      const rows = kind === 'role' ? roles : kind === 'vendor' ? vendors : kind === 'person' ? team : [];
      return rows as ResponseOf<N>;
    }
    if (name === 'create_record') {
      const { kind, fields } = request as RequestOf<'create_record'>;
      this.created.push({ kind, fields });
      const answer = this.answer(fields);
      if (answer instanceof BackendError) throw answer;
      return answer as ResponseOf<N>;
    }
    throw new BackendError('internal', `unexpected command ${name}`);
  }
}

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  app.backend = null;
  app.info = null;
});

async function settle() {
  for (let i = 0; i < 6; i++) {
    await tick();
    await Promise.resolve();
  }
  flushSync();
}

async function show(backend: Backend, props: Record<string, unknown>) {
  app.backend = backend;
  app.info = { path: '/tmp/p.db', base_currency: 'USD', app_version: '0', schema_version: 1 };
  document.body.innerHTML = '';
  mounted = mount(RecordForm, { target: document.body, props: props as never });
  await settle();
}

/** The control whose <label> reads `label` (without the required marker). */
function control<T extends HTMLElement = HTMLInputElement>(label: string): T {
  const labelEl = [...document.querySelectorAll('label')].find((l) => l.textContent?.replace('*', '').trim() === label);
  const id = labelEl?.getAttribute('for');
  const el = id ? document.getElementById(id) : labelEl?.querySelector('input');
  if (!el) throw new Error(`no control labelled ${label}`);
  return el as T;
}

function type(label: string, text: string) {
  const input = control(label);
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

function choose(label: string, value: string) {
  const select = control<HTMLSelectElement>(label);
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

async function submit() {
  document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  await settle();
}

/** The error text shown for the control labelled `label`, through its aria-describedby. */
function errorOf(label: string): string | null {
  const ids = control(label).getAttribute('aria-describedby')?.split(' ') ?? [];
  const shown = ids.map((id) => document.getElementById(id)).find((el) => el?.classList.contains('field-error'));
  return shown?.textContent ?? null;
}

describe('RecordForm', () => {
  it('labels every control of every kind it has fields for', async () => {
    for (const kind of Object.keys(FORM_FIELDS) as (keyof typeof FORM_FIELDS)[]) {
      await show(new FakeBackend(() => new BackendError('internal', 'unused')), { kind });
      for (const el of document.querySelectorAll('input, select, textarea')) {
        const labelled = el.id && document.querySelector(`label[for="${el.id}"]`);
        expect(labelled || el.closest('label'), `${kind}: ${el.outerHTML} has a label`).toBeTruthy();
      }
      unmount(mounted!);
      mounted = null;
    }
  });

  it('offers references by name, sorted, and sends the id', async () => {
    const backend = new FakeBackend((fields) => ({ kind: 'person', id: 41, fields }));
    await show(backend, { kind: 'person', submitLabel: 'Add person' });
    const options = [...control<HTMLSelectElement>('Role').options].map((o) => [o.value, o.text]);
    expect(options).toEqual([
      ['', 'Choose…'],
      ['1', 'Data scientist'],
      ['2', 'ML engineer'],
    ]);
    type('Name', 'Ada Lovelace');
    choose('Role', '2');
    type('Start month', '2026-03');
    await submit();
    expect(backend.created).toEqual([{ kind: 'person', fields: { name: 'Ada Lovelace', role_id: 2, start: '2026-03' } }]);
  });

  it('shows a check that fails before sending next to its field, and sends nothing', async () => {
    const backend = new FakeBackend(() => new BackendError('internal', 'must not be called'));
    await show(backend, { kind: 'person' });
    type('Name', 'Ada Lovelace');
    choose('Role', '1');
    type('Start month', 'March');
    await submit();
    expect(backend.created).toEqual([]);
    expect(errorOf('Start month')).toContain('`March` is not a month');
    expect(control('Start month').getAttribute('aria-invalid')).toBe('true');
    expect(errorOf('Name')).toBeNull();
  });

  it("shows the backend's validation error next to the field it names", async () => {
    const message = 'email: `ada@` is not an email address';
    const backend = new FakeBackend(() => new BackendError('validation', message));
    await show(backend, { kind: 'person' });
    type('Name', 'Ada Lovelace');
    type('Email', 'ada@');
    choose('Role', '1');
    type('Start month', '2026-03');
    await submit();
    expect(backend.created).toHaveLength(1);
    // The code, then the backend's own words.
    expect(errorOf('Email')).toBe(`validation${message}`);
    expect(control('Email').getAttribute('aria-invalid')).toBe('true');
    expect(errorOf('Name')).toBeNull();
    // What was typed stays, to be corrected.
    expect(control('Name').value).toBe('Ada Lovelace');

    // Correcting the field clears its error.
    type('Email', 'ada@example.com');
    await settle();
    expect(errorOf('Email')).toBeNull();
  });

  it('shows an error that names no field at the form', async () => {
    await show(new FakeBackend(() => new BackendError('storage', 'the portfolio file is read-only')), { kind: 'vendor' });
    type('Name', 'Labelbox');
    choose('Category', 'labeling');
    await submit();
    const alert = document.querySelector('.form-error[role="alert"]');
    expect(alert?.textContent).toContain('the portfolio file is read-only');
    expect(alert?.textContent).toContain('storage');
  });

  it('reads money as `1,250.00 EUR` or in the base currency, as the backend does', async () => {
    const backend = new FakeBackend((fields) => ({ kind: 'role', id: 3, fields }));
    await show(backend, { kind: 'role' });
    type('Name', 'Staff ML engineer');
    type('Base salary per year', '182,500.50 eur');
    type('Loaded cost per year', '240,000');
    await submit();
    expect(backend.created[0]?.fields).toEqual({
      name: 'Staff ML engineer',
      base_salary: { minor: 18_250_050, currency: 'EUR' },
      loaded_annual_cost: { minor: 24_000_000, currency: 'USD' },
    });

    type('Base salary per year', '1,250.001 EUR');
    await submit();
    expect(backend.created).toHaveLength(1);
    expect(errorOf('Base salary per year')).toContain('EUR has 2 decimal places');
  });

  it('resets to its starting values after a successful create and says what was added', async () => {
    const saved: RecordView[] = [];
    const backend = new FakeBackend((fields) => ({ kind: 'contract', id: 77, fields }));
    await show(backend, {
      kind: 'contract',
      defaults: { notice_days: 90, auto_renew: false },
      onsaved: (r: RecordView) => saved.push(r),
    });
    type('Title', 'Annotation 2027');
    choose('Vendor', '5');
    type('Total value', '48,000.00');
    type('Start date', '2027-01-01');
    type('End date', '2027-12-31');
    type('Notice (days)', '60');
    const renew = control('Renews automatically');
    renew.checked = true;
    renew.dispatchEvent(new Event('change', { bubbles: true }));
    await submit();

    expect(backend.created[0]?.fields).toEqual({
      title: 'Annotation 2027',
      vendor_id: 5,
      value: { minor: 4_800_000, currency: 'USD' },
      start: '2027-01-01',
      end: '2027-12-31',
      notice_days: 60,
      auto_renew: true,
    });
    expect(saved.map((r) => r.id)).toEqual([77]);
    expect(control('Title').value).toBe('');
    expect(control<HTMLSelectElement>('Vendor').value).toBe('');
    expect(control('Total value').value).toBe('');
    expect(control('Notice (days)').value).toBe('90');
    expect(control('Renews automatically').checked).toBe(false);
    expect(document.querySelector('[role="status"]')?.textContent).toBe('Added “Annotation 2027”');
  });

  it('sends given values without showing them', async () => {
    const backend = new FakeBackend((fields) => ({ kind: 'review', id: 8, fields }));
    await show(backend, { kind: 'review', fixed: { vendor_id: 5 } });
    expect(() => control('Vendor')).toThrow();
    type('Date', '2026-11-02');
    type('Reviewer', 'Grace Kim');
    type('Score', '4');
    await submit();
    expect(backend.created[0]?.fields).toEqual({ vendor_id: 5, date: '2026-11-02', reviewer: 'Grace Kim', score: 4 });
    // The reviewer field offers the team's names.
    const list = control('Reviewer').getAttribute('list');
    expect([...document.querySelectorAll(`#${list} option`)].map((o) => o.getAttribute('value'))).toEqual(['Grace Kim']);
  });
});
