import { CLI_DIED_NOTE, writeLiveMarker } from "../../core/live-marker.ts";
import { reapUnlessLive } from "../lifecycle/reap-unless-live.ts";
import type { Backend } from "../types.ts";
import { reapOrphanRegistries } from "./orphan-registries.ts";
import { reapSmolBottle } from "./reap.ts";
import type { SmolDetails } from "./smol-plan.ts";
import { surveySmolBottles } from "./survey.ts";

/**
 * Reaps smolmachines bottles found by machine labels and state folder (see
 * `reapUnlessLive`) and, unless one bottle is named, the ephemeral registries a killed
 * CLI left running.
 */
export const cleanup: Backend<SmolDetails>["cleanup"] = async (deps, options) => {
  const report = await reapUnlessLive("smolmachines", await surveySmolBottles(deps, options.identity), options, async (bottle, work) => {
    const removed = await reapSmolBottle(deps, bottle, { work, dryRun: options.dryRun ?? false });
    if (work === "keep" && !options.dryRun && bottle.hasState) {
      await writeLiveMarker(deps.paths.bottleState(bottle.identity), "stopped", process.pid, CLI_DIED_NOTE);
    }
    return removed;
  });
  if (options.identity !== undefined) return report;
  return { removed: [...report.removed, ...(await reapOrphanRegistries(deps, { dryRun: options.dryRun ?? false }))] };
};
