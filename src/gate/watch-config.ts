import { statSync, watch, type FSWatcher } from "node:fs";
import { dirname } from "node:path";

/** What identifies one version of the file without reading it. */
function fingerprint(file: string): string {
  try {
    const info = statSync(file);
    return `${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch {
    return "missing";
  }
}

/**
 * Calls `onChange` when the config file changes. Watches the file's directory, not the
 * file: editors and bind-mount updates often replace the file by rename, which a watch
 * on the old inode never sees. Any event in the directory triggers a stat, and only a
 * changed fingerprint (inode, size, mtime) counts: Bun 1.3.14 can coalesce a burst of
 * directory events (the audit log next door) and report another file's name. A slow
 * poll backs the watcher up where inotify is missing or full. Returns a stop function.
 */
export function watchConfig(file: string, onChange: () => void, options: { debounceMs?: number; pollMs?: number } = {}): () => void {
  let last = fingerprint(file);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const now = fingerprint(file);
    if (now === last || now === "missing") return;
    last = now;
    onChange();
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(check, options.debounceMs ?? 200);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(file), soon);
    watcher.on("error", () => watcher?.close());
  } catch {
    // No inotify here: the poll below still notices.
  }
  const poll = setInterval(check, options.pollMs ?? 2_000);
  poll.unref();
  return () => {
    clearTimeout(timer);
    clearInterval(poll);
    watcher?.close();
  };
}
