import { BottleError } from "../../core/errors.ts";
import { writeLiveMarker } from "../../core/live-marker.ts";
import type { Backend } from "../types.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { reapBottle } from "./reap.ts";
import { surveyBottles } from "./survey.ts";

/**
 * Stops a bottle: removes its containers and networks, keeps its volumes and state,
 * and marks it stopped so `resume` can bring it back and `cleanup` leaves it. A bottle
 * with no running parts left was already stopped, and says so.
 */
export const stop: Backend<DockerDetails>["stop"] = async (identity, deps) => {
  const [found] = await surveyBottles(deps, identity);
  if (found === undefined || (!found.hasState && found.objects.length === 0)) {
    throw new BottleError(`no docker bottle ${identity}`, { hint: "`bottle list` shows the bottles there are" });
  }
  const alreadyStopped = found.liveness === "stopped" && found.objects.every((object) => object.kind === "volume");
  const removed = await reapBottle(deps, found, { work: "keep" });
  if (found.hasState) await writeLiveMarker(deps.paths.bottleState(identity), "stopped");
  return { removed, alreadyStopped };
};
