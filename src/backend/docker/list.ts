import { CLI_DIED_NOTE } from "../../core/live-marker.ts";
import type { Backend, BottleSummary } from "../types.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { surveyBottles } from "./survey.ts";
import { workspaceSizeAtStop } from "./workspace-size-at-stop.ts";

/**
 * Docker bottles of this owner: running (its agent container up) or stopped. One
 * whose CLI died is stopped too, with a note: its work is kept for `resume`. One
 * engine query (containers) and the state folder, where a stopped one's workspace size
 * was recorded as it stopped.
 */
export const list: Backend<DockerDetails>["list"] = async (deps) => {
  const found = await surveyBottles(deps, undefined, { containersOnly: true });
  return Promise.all(found.map(async (bottle): Promise<BottleSummary> => {
    const agentUp = bottle.objects.some((object) => object.role === "agent" && object.state === "running");
    const running = bottle.liveness === "live" && agentUp;
    const note = bottle.liveness === "dead" ? CLI_DIED_NOTE : bottle.marker?.note;
    const atStop = running ? undefined : await workspaceSizeAtStop(deps.paths.bottleState(bottle.identity));
    return {
      identity: bottle.identity,
      agent: bottle.metadata?.agent ?? bottle.identity.replace(/-[a-z2-7]{8}$/, ""),
      backend: "docker",
      status: running ? "running" : "stopped",
      createdAt: bottle.metadata?.createdAt ?? "",
      ...(running || note === undefined ? {} : { note }),
      ...(atStop === undefined ? {} : { workspaceAtStop: atStop }),
    };
  }));
};
