import { reapUnlessLive } from "../lifecycle/reap-unless-live.ts";
import type { Backend } from "../types.ts";
import { reapOrphanRegistries } from "./orphan-registries.ts";
import { reapSmolBottle } from "./reap.ts";
import { surveySmolBottles } from "./survey.ts";

/**
 * Reaps smolmachines bottles found by machine labels and state folder (see
 * `reapUnlessLive`) and, unless one bottle is named, the ephemeral registries a killed
 * CLI left running.
 */
export const cleanup: Backend["cleanup"] = async (deps, options) => {
  const report = await reapUnlessLive("smolmachines", await surveySmolBottles(deps, options.identity), options, (bottle) =>
    reapSmolBottle(deps, bottle, { keepState: false, dryRun: options.dryRun ?? false }),
  );
  if (options.identity !== undefined) return report;
  return { removed: [...report.removed, ...(await reapOrphanRegistries(deps, { dryRun: options.dryRun ?? false }))] };
};
