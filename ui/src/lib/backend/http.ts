// Browser mode: `POST /api/<command>` with a JSON body on the page's own origin. The server set an
// HttpOnly cookie when the page was opened with `?token=`, so requests carry no token themselves.
// Background sync progress comes as server-sent events from `GET /api/events`.

import type { Backend } from './backend';
import type { CommandName, RequestOf, ResponseOf } from './commands';
import { BackendError, type ErrorCode, isErrorCode } from './errors';
import type { SyncProgress } from '../bindings/SyncProgress';

/** The part of `EventSource` the backend uses, so tests can hand in their own. */
export interface EventStream {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** The code to assume when a failed answer carries no `{code, message}` body. */
function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'validation';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 502 || status === 503 || status === 504) return 'network';
  return 'internal';
}

export class HttpBackend implements Backend {
  readonly transport = 'http' as const;
  readonly #fetch: Fetch;
  readonly #base: string;
  readonly #events: ((url: string) => EventStream) | null;

  constructor(options: { fetch?: Fetch; base?: string; events?: (url: string) => EventStream } = {}) {
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#base = options.base ?? '';
    this.#events =
      options.events ?? (typeof EventSource === 'undefined' ? null : (url) => new EventSource(url) as EventStream);
  }

  /**
   * One event stream per listener. The browser reconnects a dropped stream by itself; events of
   * the gap are missed, which is harmless: the page re-reads the status when a run finishes.
   */
  async onSyncProgress(listener: (progress: SyncProgress) => void, connected?: () => void): Promise<() => void> {
    if (!this.#events) return () => {};
    const stream = this.#events(`${this.#base}/api/events`);
    // `open` comes on the first connection and on every reconnection.
    stream.addEventListener('open', () => connected?.());
    stream.addEventListener('sync-progress', (event) => {
      try {
        listener(JSON.parse(event.data) as SyncProgress);
      } catch {
        // A malformed event is skipped; the next status read corrects the page.
      }
    });
    return () => stream.close();
  }

  async call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}/api/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(request ?? {}),
        credentials: 'same-origin',
      });
    } catch (error) {
      throw new BackendError(
        'network',
        `cannot reach the portfolio server (${error instanceof Error ? error.message : String(error)}); ` +
          'is `mlops-portfolio serve` still running?',
      );
    }
    const text = await response.text();
    if (!response.ok) throw errorFromBody(response.status, text);
    try {
      return JSON.parse(text) as ResponseOf<N>;
    } catch {
      throw new BackendError('internal', `\`${name}\` answered with something that is not JSON: ${text.slice(0, 200)}`);
    }
  }
}

function errorFromBody(status: number, text: string): BackendError {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (body && typeof body.message === 'string') {
      return new BackendError(isErrorCode(body.code) ? body.code : codeForStatus(status), body.message);
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): fall through and keep the status and text.
  }
  const detail = text.trim().slice(0, 200);
  return new BackendError(codeForStatus(status), `the server answered HTTP ${status}${detail ? `: ${detail}` : ''}`);
}
