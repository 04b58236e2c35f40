// The desktop shell's file pickers, through @tauri-apps/plugin-dialog. The shell registers the
// plugin and allows only `dialog:allow-open` and `dialog:allow-save` (src-tauri/capabilities).

import { open, save } from '@tauri-apps/plugin-dialog';
import type { FileDialogs } from './files';
import { toBackendError } from './errors';

export class TauriFileDialogs implements FileDialogs {
  async open(options: Parameters<FileDialogs['open']>[0]): Promise<string | null> {
    try {
      return await open({ title: options.title, filters: options.filters, multiple: false, directory: false });
    } catch (error) {
      throw toBackendError(error, 'io');
    }
  }

  async save(options: Parameters<FileDialogs['save']>[0]): Promise<string | null> {
    try {
      return await save({ title: options.title, defaultPath: options.defaultPath, filters: options.filters });
    } catch (error) {
      throw toBackendError(error, 'io');
    }
  }
}
