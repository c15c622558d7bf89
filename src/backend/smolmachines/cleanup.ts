import { BottleError } from "../../core/errors.ts";
import type { Backend, CleanupReport } from "../types.ts";
import { reapSmolBottle } from "./reap.ts";
import { surveySmolBottles } from "./survey.ts";

/**
 * Reaps smolmachines bottles: every dead one (its CLI died), stopped ones too with
 * `includeStopped`, or the one named. A live bottle is never reaped here: `bottle stop`
 * ends one on purpose.
 */
export const cleanup: Backend["cleanup"] = async (deps, options) => {
  const found = await surveySmolBottles(deps, options.identity);
  if (options.identity !== undefined && found.length === 0) {
    throw new BottleError(`no smolmachines bottle ${options.identity}`, { hint: "`bottle list` shows the bottles there are" });
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
    removed.push(...(await reapSmolBottle(deps, bottle, { keepState: false, dryRun: options.dryRun ?? false })));
  }
  return { removed };
};
