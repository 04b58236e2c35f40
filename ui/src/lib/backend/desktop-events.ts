// The desktop shell's native menu talks to the page through two events: `menu` (File ▸ Import…
// opens the Import page, Sync ▸ Connections the Connections page) and `portfolio-opened` (File ▸ Open or New switched the file: start over
// on the new one). Browser mode has no native menu, so nothing listens there.

import { listen } from '@tauri-apps/api/event';

export interface DesktopEventHandlers {
  /** Go to a page, e.g. `import`. */
  go: (page: string) => void;
  /** Reload everything for a newly opened portfolio file. */
  reopen: () => void;
}

/** Menu item ids the shell sends, and the page each opens. */
export const MENU_PAGES: Record<string, string> = { 'file.import': 'import', 'sync.connections': 'connections' };

export async function listenToDesktopShell(handlers: DesktopEventHandlers): Promise<void> {
  await listen<string>('menu', (event) => {
    const page = MENU_PAGES[event.payload];
    if (page) handlers.go(page);
  });
  await listen('portfolio-opened', () => handlers.reopen());
}
