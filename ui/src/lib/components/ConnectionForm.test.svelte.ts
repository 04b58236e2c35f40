// @vitest-environment happy-dom
// The new-connection form: the secret is typed into a password field, goes to `add_connection`
// once, and is gone from the form afterwards; skipping TLS verification shows a warning.

import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { app } from '../app.svelte';
import type { Backend, CommandName, RecordView, RequestOf, ResponseOf } from '../backend';
import { BackendError } from '../backend';
import ConnectionForm from './ConnectionForm.svelte';

class FakeBackend implements Backend {
  readonly transport = 'http' as const;
  // These components never follow background sync.
  onSyncProgress = async () => () => {};
  added: RequestOf<'add_connection'>[] = [];
  async call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    if (name === 'add_connection') {
      const asked = request as RequestOf<'add_connection'>;
      this.added.push(asked);
      // As the core answers: the connection's fields, never the secret.
      return { kind: 'connection', id: 4, fields: { ...asked.connection } } as ResponseOf<N>;
    }
    throw new BackendError('internal', `unexpected command ${name}`);
  }
}

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  app.backend = null;
  document.body.innerHTML = '';
});

function type(input: HTMLInputElement | HTMLSelectElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
}

async function settle() {
  for (let i = 0; i < 5; i += 1) {
    await tick();
    await new Promise((r) => setTimeout(r, 5));
    flushSync();
  }
}

describe('ConnectionForm', () => {
  it('sends the secret once, from a password field, and forgets it', async () => {
    const backend = new FakeBackend();
    app.backend = backend;
    const target = document.createElement('div');
    document.body.append(target);
    const added: RecordView[] = [];
    mounted = mount(ConnectionForm, { target, props: { onadded: (c: RecordView) => added.push(c) } });

    expect(target.querySelector('#conn-secret'), 'auth none takes no secret').toBeNull();
    type(target.querySelector('#conn-name')!, 'prod-prom');
    type(target.querySelector('#conn-url')!, 'https://prom.example:9090');
    type(target.querySelector('#conn-auth')!, 'bearer');
    const secret = target.querySelector<HTMLInputElement>('#conn-secret')!;
    expect(secret.type).toBe('password');
    expect(target.querySelector('label[for="conn-secret"]')!.textContent).toBe('Token');
    type(secret, 'tok-3f9a');

    const skip = target.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    skip.click();
    flushSync();
    expect(target.querySelector('#conn-insecure-warning')!.textContent).toContain('Anyone between this computer');

    target.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();

    expect(backend.added).toEqual([
      {
        connection: {
          name: 'prod-prom',
          kind: 'prometheus',
          base_url: 'https://prom.example:9090',
          auth: 'bearer',
          username: null,
          ca_file: null,
          insecure_skip_verify: true,
          interval_minutes: 15,
        },
        secret: 'tok-3f9a',
      },
    ]);
    expect(added.map((c) => c.fields.name)).toEqual(['prod-prom']);
    expect(target.querySelector<HTMLInputElement>('#conn-secret')!.value, 'the field is cleared').toBe('');
    expect(target.innerHTML).not.toContain('tok-3f9a');
  });

  it('shows the backend refusal at the form', async () => {
    app.backend = {
      transport: 'http',
      onSyncProgress: async () => () => {},
      call: async () => {
        throw new BackendError('auth', 'no keyring is available; install gnome-keyring');
      },
    } as Backend;
    const target = document.createElement('div');
    document.body.append(target);
    mounted = mount(ConnectionForm, { target, props: {} });
    type(target.querySelector('#conn-name')!, 'x');
    type(target.querySelector('#conn-url')!, 'http://127.0.0.1:9');
    target.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(target.querySelector('[role="alert"]')!.textContent).toContain('install gnome-keyring');
  });
});
