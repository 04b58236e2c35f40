// Desktop: the same commands through Tauri IPC. Each Tauri command takes one argument, `request`,
// and rejects with the `{code, message}` JSON of the core's ApiError. Background sync progress
// arrives as Tauri events.

import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { SyncProgress } from '../bindings/SyncProgress';
import type { Backend } from './backend';
import type { CommandName, RequestOf, ResponseOf } from './commands';
import { toBackendError } from './errors';

export class TauriBackend implements Backend {
  readonly transport = 'tauri' as const;

  async call<N extends CommandName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    try {
      return await invoke<ResponseOf<N>>(name, { request: request ?? {} });
    } catch (error) {
      throw toBackendError(error);
    }
  }

  /** The shell forwards the background scheduler's events as `sync-progress`. */
  async onSyncProgress(listener: (progress: SyncProgress) => void, connected?: () => void): Promise<() => void> {
    const unlisten = await listen<SyncProgress>('sync-progress', (event) => listener(event.payload));
    connected?.();
    return unlisten;
  }
}
