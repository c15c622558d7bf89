import type { Backend, BottleSummary } from "../types.ts";
import { surveyBottles } from "./survey.ts";

/** Docker bottles of this owner: running (its agent container up), stopped, or orphaned. */
export const list: Backend["list"] = async (deps) => {
  const found = await surveyBottles(deps);
  return found.map((bottle): BottleSummary => {
    const agentUp = bottle.objects.some((object) => object.role === "agent" && object.state === "running");
    const status: BottleSummary["status"] =
      bottle.liveness === "dead" ? "orphaned" : bottle.liveness === "stopped" || !agentUp ? "stopped" : "running";
    return {
      identity: bottle.identity,
      agent: bottle.metadata?.agent ?? bottle.identity.replace(/-[a-z2-7]{8}$/, ""),
      backend: "docker",
      status,
      createdAt: bottle.metadata?.createdAt ?? "",
    };
  });
};
