import { describe, expect, it } from 'vitest';
import { HttpBackend } from './http';
import { BackendError, toBackendError } from './errors';

function stub(status: number, body: string, calls: { url: string; init: RequestInit }[] = []) {
  return async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body, { status, headers: { 'Content-Type': 'application/json' } });
  };
}

describe('HttpBackend', () => {
  it('POSTs the request as JSON to /api/<name> with the page’s cookie', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const backend = new HttpBackend({ fetch: stub(200, '[{"kind":"model","id":1,"fields":{}}]', calls) });
    const rows = await backend.call('list_records', { kind: 'model', filter: { stage: 'production' } });
    expect(rows).toEqual([{ kind: 'model', id: 1, fields: {} }]);
    expect(calls[0]?.url).toBe('/api/list_records');
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.credentials).toBe('same-origin');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ kind: 'model', filter: { stage: 'production' } });
  });

  it('turns a {code, message} answer into a typed BackendError', async () => {
    const backend = new HttpBackend({
      fetch: stub(400, '{"code":"validation","message":"model stage: `prod` is not one of: development, staging"}'),
    });
    const error = await backend.call('update_record', { kind: 'model', id: 1, changes: { stage: 'prod' } }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.code).toBe('validation');
    expect(error.message).toContain('`prod` is not one of');
  });

  it.each([
    [401, 'auth'],
    [404, 'not_found'],
    [409, 'conflict'],
    [502, 'network'],
    [500, 'internal'],
  ])('maps HTTP %i without a JSON body to `%s`', async (status, code) => {
    const backend = new HttpBackend({ fetch: stub(status, '<html>proxy error</html>') });
    const error = await backend.call('summary', { as_of: null, period: null }).catch((e) => e);
    expect(error).toMatchObject({ code, message: expect.stringContaining(`HTTP ${status}`) });
  });

  it('keeps the status’s code when the body names an unknown one', async () => {
    const backend = new HttpBackend({ fetch: stub(409, '{"code":"teapot","message":"already exists"}') });
    await expect(backend.call('summary', { as_of: null, period: null })).rejects.toMatchObject({ code: 'conflict', message: 'already exists' });
  });

  it('reports an unreachable server as a network error that says what to do', async () => {
    const backend = new HttpBackend({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(backend.call('portfolio_info', {})).rejects.toMatchObject({
      code: 'network',
      message: expect.stringContaining('mlops-portfolio serve'),
    });
  });

  it('refuses a 200 answer that is not JSON', async () => {
    const backend = new HttpBackend({ fetch: stub(200, 'not json') });
    await expect(backend.call('summary', { as_of: null, period: null })).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('HttpBackend.onSyncProgress', () => {
  it('reads server-sent sync events, says when the stream (re)connects, and closes it when told', async () => {
    const listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
    let opened = '';
    let closed = false;
    const backend = new HttpBackend({
      base: 'http://127.0.0.1:1',
      events: (url) => {
        opened = url;
        return {
          addEventListener: (type, listener) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
          close: () => (closed = true),
        };
      },
    });
    const heard: unknown[] = [];
    let connections = 0;
    const stop = await backend.onSyncProgress((p) => heard.push(p), () => (connections += 1));
    expect(opened).toBe('http://127.0.0.1:1/api/events');
    const send = (type: string, data = '') => listeners.get(type)?.forEach((l) => l(new MessageEvent(type, { data })));
    send('open');
    send('sync-progress', '{"event":"started","connection_id":4,"connection":"prod"}');
    send('sync-progress', '{"event":'); // cut off: skipped
    send('open'); // the browser reconnected after a drop
    expect(heard).toEqual([{ event: 'started', connection_id: 4, connection: 'prod' }]);
    expect(connections).toBe(2);
    stop();
    expect(closed).toBe(true);
  });
});

describe('toBackendError (the Tauri rejection payload)', () => {
  it('reads an object, JSON text, or plain text', () => {
    expect(toBackendError({ code: 'not_found', message: 'no model 7' })).toMatchObject({ code: 'not_found', message: 'no model 7' });
    expect(toBackendError('{"code":"storage","message":"newer schema"}')).toMatchObject({ code: 'storage' });
    expect(toBackendError('command summary not found')).toMatchObject({ code: 'internal', message: 'command summary not found' });
    expect(toBackendError(42)).toMatchObject({ code: 'internal' });
  });
});
