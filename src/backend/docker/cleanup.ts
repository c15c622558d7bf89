import { reapUnlessLive } from "../lifecycle/reap-unless-live.ts";
import type { Backend } from "../types.ts";
import { reapBottle } from "./reap.ts";
import { surveyBottles } from "./survey.ts";

/** Reaps docker bottles found by label query and state folder (see `reapUnlessLive`). */
export const cleanup: Backend["cleanup"] = async (deps, options) =>
  reapUnlessLive("docker", await surveyBottles(deps, options.identity), options, (bottle) =>
    reapBottle(deps, bottle, { keepWorkspace: false, dryRun: options.dryRun ?? false }),
  );
