import type { Backend, BottleSummary } from "../types.ts";
import { surveySmolBottles } from "./survey.ts";

/** smolmachines bottles of this owner: running (its machine up), stopped, or orphaned (its CLI died). */
export const list: Backend["list"] = async (deps) => {
  const found = await surveySmolBottles(deps);
  return found.map((bottle): BottleSummary => {
    const up = bottle.machine?.state === "running";
    const status: BottleSummary["status"] =
      bottle.liveness === "dead" ? "orphaned" : bottle.liveness === "stopped" || !up ? "stopped" : "running";
    return {
      identity: bottle.identity,
      agent: bottle.metadata?.agent ?? bottle.identity.replace(/-[a-z2-7]{8}$/, ""),
      backend: "smolmachines",
      status,
      createdAt: bottle.metadata?.createdAt ?? "",
    };
  });
};
