import type { CommandName, RequestOf, ResponseOf } from './commands';

/** The one way the UI reaches the core: the same commands over Tauri IPC or HTTP. */
export interface Backend {
  /** Runs a command; rejects with a {@link import('./errors').BackendError}. */
  call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>>;
  /** Where the commands go, for the status line ("desktop" or the server's origin). */
  readonly transport: 'tauri' | 'http';
}
