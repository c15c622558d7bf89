import { posix } from "node:path";

/** A copy's source split as `tar -C DIR -cf - BASE` takes it. */
export interface CopySource {
  /** The folder tar changes into. */
  dir: string;
  /** What tar packs there: the last path part, or `.` for a folder's contents (`SRC/.`). */
  base: string;
}

/**
 * A path inside a bottle: absolute as given, or relative to its workspace (so
 * `bottle cp ID:src/app.ts .` means `/workspace/src/app.ts`). `/.` at the end is kept:
 * it means "the folder's contents", as with docker cp.
 */
export function bottlePath(path: string, workspace: string): string {
  const contents = path === "." || path.endsWith("/.");
  const absolute = posix.normalize(posix.isAbsolute(path) ? path : posix.join(workspace, path));
  const trimmed = absolute.length > 1 ? absolute.replace(/\/+$/, "") : absolute;
  return contents ? `${trimmed === "/" ? "" : trimmed}/.` : trimmed;
}

/** Splits a source path (`/a/b`, `/a/b/.`) for tar; `path` module rules of the side it is on. */
export function copySource(path: string, join: { dirname(p: string): string; basename(p: string): string } = posix): CopySource {
  if (path === "." || path.endsWith("/.")) return { dir: path.slice(0, -2) || "/", base: "." };
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return { dir: join.dirname(trimmed), base: join.basename(trimmed) };
}

/** True when a (normalized) bottle path is the workspace or inside it. */
export function insideWorkspace(path: string, workspace: string): boolean {
  const plain = path.endsWith("/.") ? path.slice(0, -2) : path;
  return plain === workspace || plain.startsWith(`${workspace}/`);
}
