import { BottleError } from "../../core/errors.ts";
import type { Liveness } from "../../core/live-marker.ts";
import type { CleanupOptions, CleanupReport, RemovedObject } from "../types.ts";

/**
 * The cleanup policy every backend shares. By default only the running parts of dead
 * bottles (their CLI died) go: their work stays, and they show as stopped. With
 * `includeStopped` (`cleanup --all`, `rm`), stopped and dead bottles are deleted
 * whole. A live bottle is never reaped here: `bottle stop` is how a person ends one.
 */
export async function reapUnlessLive<T extends { identity: string; liveness: Liveness }>(
  backend: string,
  found: readonly T[],
  options: CleanupOptions,
  reap: (bottle: T, work: "keep" | "remove") => Promise<RemovedObject[]>,
): Promise<CleanupReport> {
  if (options.identity !== undefined && found.length === 0) {
    throw new BottleError(`no ${backend} bottle ${options.identity}`, { hint: "`bottle list` shows the bottles there are" });
  }
  const removed: RemovedObject[] = [];
  for (const bottle of found) {
    if (bottle.liveness === "live") {
      if (options.identity !== undefined) {
        throw new BottleError(`${bottle.identity} is running`, { hint: `stop it first: \`bottle stop ${bottle.identity}\`` });
      }
      continue;
    }
    if (options.includeStopped) removed.push(...(await reap(bottle, "remove")));
    else if (bottle.liveness === "dead") removed.push(...(await reap(bottle, "keep")));
  }
  return { removed };
}
