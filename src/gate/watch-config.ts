import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

/**
 * Calls `onChange` when the config file changes. Watches the file's directory, not the
 * file: editors and `docker cp`/bind-mount updates often replace the file by rename,
 * which a watch on the old inode never sees. Bursts of events (write, then chmod)
 * collapse into one call. Returns a function that stops watching.
 */
export function watchConfig(file: string, onChange: () => void, debounceMs = 200): () => void {
  const name = basename(file);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== null && changed.toString() !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    watcher.on("error", () => watcher?.close());
  } catch {
    // No inotify (some sandboxes): SIGHUP still reloads.
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
