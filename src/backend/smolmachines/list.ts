import { CLI_DIED_NOTE } from "../../core/live-marker.ts";
import type { Backend, BottleSummary } from "../types.ts";
import type { SmolDetails } from "./smol-plan.ts";
import { existsSync } from "node:fs";
import { bottleFiles } from "../../core/paths.ts";
import { bottleDirs } from "../../core/state.ts";
import type { BackendDeps } from "../types.ts";

/** True when some state folder holds a smolmachines plan. */
async function hasSmolState(deps: BackendDeps): Promise<boolean> {
  return (await bottleDirs(deps.paths.state)).some((dir) => existsSync(bottleFiles(deps.paths.bottleState(dir)).details("smolmachines")));
}

/** smolmachines bottles of this owner: running (its machine up) or stopped; one whose CLI died is stopped, with a note. */
export const list: Backend<SmolDetails>["list"] = async (deps) => {
  // A host without smolvm and without a microVM bottle's state has none to show: ask nothing.
  if (deps.runner.which?.("smolvm") === null && !(await hasSmolState(deps))) return [];
  // Loaded only now: the survey reads smolvm's JSON through a schema a docker-only host never needs.
  const { surveySmolBottles } = await import("./survey.ts");
  const found = await surveySmolBottles(deps);
  return found.map((bottle): BottleSummary => {
    const running = bottle.liveness === "live" && bottle.machine?.state === "running";
    const note = bottle.liveness === "dead" ? CLI_DIED_NOTE : bottle.marker?.note;
    return {
      identity: bottle.identity,
      agent: bottle.metadata?.agent ?? bottle.identity.replace(/-[a-z2-7]{8}$/, ""),
      backend: "smolmachines",
      status: running ? "running" : "stopped",
      createdAt: bottle.metadata?.createdAt ?? "",
      ...(running || note === undefined ? {} : { note }),
    };
  });
};
