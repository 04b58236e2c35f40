import type { CommandName, RequestOf, ResponseOf } from './commands';
import type { SyncProgress } from '../bindings/SyncProgress';

/** The one way the UI reaches the core: the same commands over Tauri IPC or HTTP. */
export interface Backend {
  /** Runs a command; rejects with a {@link import('./errors').BackendError}. */
  call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>>;
  /** Where the commands go, for the status line ("desktop" or the server's origin). */
  readonly transport: 'tauri' | 'http';
  /**
   * Calls `listener` with every background sync event from now on, and `connected` each time the
   * events start to flow (again): events sent before that were missed, so re-read the status.
   * Resolves to a function that stops listening.
   */
  onSyncProgress(listener: (progress: SyncProgress) => void, connected?: () => void): Promise<() => void>;
}
