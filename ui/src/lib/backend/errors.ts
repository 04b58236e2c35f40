// The one error shape that crosses the IPC and HTTP boundary: `{ code, message }`. The UI branches
// on `code` (a validation error goes next to its field; `network` and `auth` go in the banner).

import type { ErrorCode } from './commands';

export type { ErrorCode };

/** The codes at run time; `satisfies` keeps the list equal to the generated union. */
export const ERROR_CODES = [
  'validation',
  'not_found',
  'conflict',
  'storage',
  'io',
  'auth',
  'network',
  'internal',
] as const satisfies readonly ErrorCode[];

export class BackendError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Reads a `{code, message}` payload (an object, or JSON text of one). Anything else becomes an
 * `internal` error that keeps what was received, so nothing is swallowed.
 */
export function toBackendError(payload: unknown, fallback: ErrorCode = 'internal'): BackendError {
  if (payload instanceof BackendError) return payload;
  let value = payload;
  if (typeof payload === 'string') {
    try {
      value = JSON.parse(payload);
    } catch {
      return new BackendError(fallback, payload.trim() || 'the backend failed without saying why');
    }
  }
  if (value && typeof value === 'object') {
    const { code, message } = value as { code?: unknown; message?: unknown };
    if (typeof message === 'string') {
      return new BackendError(isErrorCode(code) ? code : fallback, message);
    }
  }
  if (payload instanceof Error) return new BackendError(fallback, payload.message);
  return new BackendError(fallback, `the backend failed with an unexpected answer: ${String(payload)}`);
}

/** Any thrown value as a BackendError: UI code catches `unknown`. */
export function asBackendError(error: unknown): BackendError {
  return toBackendError(error);
}
