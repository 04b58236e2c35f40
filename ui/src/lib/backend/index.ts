import type { Backend } from './backend';
import type { FileDialogs } from './files';
import { HttpBackend } from './http';

export type { Backend } from './backend';
export type { FileDialogs, FileFilter } from './files';
export * from './errors';
export type * from './commands';

/** True inside the desktop shell, where Tauri injects its IPC bridge. */
export function inDesktopShell(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/**
 * Picks the transport once at start-up. The Tauri module is loaded only in the desktop shell, so
 * browser mode never evaluates it.
 */
export async function connectBackend(): Promise<Backend> {
  if (inDesktopShell()) {
    const { TauriBackend } = await import('./tauri');
    return new TauriBackend();
  }
  return new HttpBackend();
}

/** The native file pickers: the desktop shell's, or null in browser mode, where paths are typed. */
export async function connectFileDialogs(): Promise<FileDialogs | null> {
  if (!inDesktopShell()) return null;
  const { TauriFileDialogs } = await import('./tauri-files');
  return new TauriFileDialogs();
}
