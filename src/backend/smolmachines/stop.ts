import { BottleError } from "../../core/errors.ts";
import { writeLiveMarker } from "../../core/live-marker.ts";
import type { Backend } from "../types.ts";
import { reapSmolBottle } from "./reap.ts";
import type { SmolDetails } from "./smol-plan.ts";
import { surveySmolBottles } from "./survey.ts";

/** Stops a bottle: its machine and gate go, its state and work stay, marked stopped. */
export const stop: Backend<SmolDetails>["stop"] = async (identity, deps) => {
  const [found] = await surveySmolBottles(deps, identity);
  if (found === undefined) {
    throw new BottleError(`no smolmachines bottle ${identity}`, { hint: "`bottle list` shows the bottles there are" });
  }
  const alreadyStopped = found.liveness === "stopped" && found.machine === undefined && found.gate === undefined;
  const removed = await reapSmolBottle(deps, found, { work: "keep" });
  if (found.hasState) await writeLiveMarker(deps.paths.bottleState(identity), "stopped");
  return { removed, alreadyStopped };
};
