import type { CommandName, RequestOf, ResponseOf } from './commands';
import type { SyncProgress } from '../bindings/SyncProgress';

/** The one way the UI reaches the core: the same commands over Tauri IPC or HTTP. */
export interface Backend {
  /** Runs a command; rejects with a {@link import('./errors').BackendError}. */
  call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>>;
  /** Where the commands go, for the status line ("desktop" or the server's origin). */
  readonly transport: 'tauri' | 'http';
  /**
   * Calls `listener` with every background sync event from now on; resolves to a function that
   * stops listening.
   */
  onSyncProgress(listener: (progress: SyncProgress) => void): Promise<() => void>;
}
