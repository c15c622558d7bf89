import { CLI_DIED_NOTE, writeLiveMarker } from "../../core/live-marker.ts";
import { reapUnlessLive } from "../lifecycle/reap-unless-live.ts";
import type { Backend } from "../types.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { reapBottle } from "./reap.ts";
import { surveyBottles } from "./survey.ts";

/** Reaps docker bottles found by label query and state folder (see `reapUnlessLive`). */
export const cleanup: Backend<DockerDetails>["cleanup"] = async (deps, options) =>
  reapUnlessLive("docker", await surveyBottles(deps, options.identity), options, async (bottle, work) => {
    const removed = await reapBottle(deps, bottle, { work, dryRun: options.dryRun ?? false });
    // A dead bottle whose running parts went is stopped now, and says why.
    if (work === "keep" && !options.dryRun && bottle.hasState) {
      await writeLiveMarker(deps.paths.bottleState(bottle.identity), "stopped", process.pid, CLI_DIED_NOTE);
    }
    return removed;
  });
