import { BottleError } from "../../core/errors.ts";
import { writeLiveMarker } from "../../core/live-marker.ts";
import type { Backend } from "../types.ts";
import { reapSmolBottle } from "./reap.ts";
import { surveySmolBottles } from "./survey.ts";

/** Stops a bottle: its machine and gate go, its state and workspace stay, marked stopped. */
export const stop: Backend["stop"] = async (identity, deps) => {
  const [found] = await surveySmolBottles(deps, identity);
  if (found === undefined) {
    throw new BottleError(`no smolmachines bottle ${identity}`, { hint: "`bottle list` shows the bottles there are" });
  }
  const removed = await reapSmolBottle(deps, found, { keepState: true });
  if (found.hasState) await writeLiveMarker(deps.paths.bottleState(identity), "stopped");
  return { removed };
};
