import { reapUnlessLive } from "../shared/reap-unless-live.ts";
import type { Backend } from "../types.ts";
import { reapSmolBottle } from "./reap.ts";
import { surveySmolBottles } from "./survey.ts";

/** Reaps smolmachines bottles found by machine labels and state folder (see `reapUnlessLive`). */
export const cleanup: Backend["cleanup"] = async (deps, options) =>
  reapUnlessLive("smolmachines", await surveySmolBottles(deps, options.identity), options, (bottle) =>
    reapSmolBottle(deps, bottle, { keepState: false, dryRun: options.dryRun ?? false }),
  );
