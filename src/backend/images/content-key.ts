import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Folders that never matter to an image and can be huge. */
const SKIP = new Set([".git", "node_modules", "dist"]);

/**
 * A short content key for a build: the given strings plus the path, size and mtime of
 * every file under `dirs`. Stat-based rather than reading the bytes, so a warm start
 * costs a directory walk, not a hash of every file; touching a file rebuilds (the
 * engine's layer cache then makes that cheap).
 */
export function contentKey(parts: readonly string[], dirs: readonly string[] = []): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part}\0`);
  const walk = (root: string, dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIP.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(root, path);
      else {
        const stat = statSync(path, { throwIfNoEntry: false });
        if (stat) hash.update(`${relative(root, path)}\0${stat.size}\0${stat.mtimeMs}\0`);
      }
    }
  };
  for (const dir of dirs) walk(dir, dir);
  return hash.digest("hex").slice(0, 16);
}
