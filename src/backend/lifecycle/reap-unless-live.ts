import { BottleError } from "../../core/errors.ts";
import type { Liveness } from "../../core/live-marker.ts";
import type { CleanupOptions, CleanupReport } from "../types.ts";

/**
 * The cleanup policy every backend shares: reap every dead bottle (its CLI died),
 * stopped ones too with `includeStopped`, or the one named. A live bottle is never
 * reaped here: `bottle stop` is how a person ends one on purpose.
 */
export async function reapUnlessLive<T extends { identity: string; liveness: Liveness }>(
  backend: string,
  found: readonly T[],
  options: CleanupOptions,
  reap: (bottle: T) => Promise<CleanupReport["removed"]>,
): Promise<CleanupReport> {
  if (options.identity !== undefined && found.length === 0) {
    throw new BottleError(`no ${backend} bottle ${options.identity}`, { hint: "`bottle list` shows the bottles there are" });
  }
  const removed: CleanupReport["removed"] = [];
  for (const bottle of found) {
    if (bottle.liveness === "live") {
      if (options.identity !== undefined) {
        throw new BottleError(`${bottle.identity} is running`, { hint: `stop it first: \`bottle stop ${bottle.identity}\`` });
      }
      continue;
    }
    if (bottle.liveness === "stopped" && !options.includeStopped && options.identity === undefined) continue;
    removed.push(...(await reap(bottle)));
  }
  return { removed };
}
