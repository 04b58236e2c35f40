// Native file pickers. The desktop shell has them (Tauri's dialog plugin); browser mode has none,
// since a web page cannot learn a file's path on the machine, so paths are typed there. Pages ask
// `app.files` and show a "Browse…" button only when it is there.

export interface FileFilter {
  /** Shown in the dialog's filter list: "CSV". */
  name: string;
  /** Without the dot: `csv`. */
  extensions: string[];
}

export interface FileDialogs {
  /** Asks for an existing file; null when the person cancels. */
  open(options: { title: string; filters?: FileFilter[] }): Promise<string | null>;
  /** Asks where to write a file; null when the person cancels. */
  save(options: { title: string; defaultPath?: string; filters?: FileFilter[] }): Promise<string | null>;
}
