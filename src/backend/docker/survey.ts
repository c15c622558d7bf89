import { existsSync } from "node:fs";
import { liveness, readLiveMarker, type LiveMarker, type Liveness } from "../../core/live-marker.ts";
import { bottleFiles } from "../../core/paths.ts";
import { bottleDirs, readJson } from "../../core/state.ts";
import type { BackendDeps, BottleMetadata } from "../types.ts";
import { apiEngineObjects } from "./engine-api.ts";
import { findEngineObjects, type EngineObject } from "./engine-objects.ts";
import { engineSocket } from "./engine-socket.ts";

/** One docker bottle as found on the engine and in the state folder. */
export interface FoundBottle {
  identity: string;
  objects: EngineObject[];
  liveness: Liveness;
  marker: LiveMarker | undefined;
  metadata: BottleMetadata | undefined;
  /** Its state folder exists. */
  hasState: boolean;
}

/**
 * The labelled engine objects of this owner: from the Engine API on its socket when the
 * engine is a local one the CLI would reach there (no docker CLI to start, the most of
 * `bottle list`'s time), else, or when the socket does not answer, from the docker CLI.
 */
async function engineObjects(deps: BackendDeps, identity: string | undefined, kinds: readonly EngineObject["kind"][]): Promise<EngineObject[]> {
  const socket = deps.socketGet === undefined ? undefined : engineSocket(deps.env);
  if (socket !== undefined) {
    try {
      return await apiEngineObjects(deps.socketGet!, socket, deps.paths.state, identity, kinds, deps.signal);
    } catch {
      // No socket, no permission, an answer bottle does not read: the CLI decides, and its error is the one people see.
    }
  }
  return findEngineObjects(deps.runner, deps.paths.state, identity, kinds);
}

/**
 * Every docker bottle of this owner: the union of labelled engine objects and state
 * folders holding a docker plan (`docker.json`), each with its liveness. Other
 * backends' state folders are not ours to judge. `containersOnly` (for `list`) asks
 * the engine one question instead of three.
 */
export async function surveyBottles(deps: BackendDeps, identity?: string, options: { containersOnly?: boolean } = {}): Promise<FoundBottle[]> {
  const [objects, dirs] = await Promise.all([
    engineObjects(deps, identity, options.containersOnly ? ["container"] : ["container", "network", "volume"]),
    identity === undefined ? bottleDirs(deps.paths.state) : Promise.resolve([identity]),
  ]);
  const identities = new Set(objects.map((object) => object.identity));
  for (const dir of dirs) {
    if (existsSync(bottleFiles(deps.paths.bottleState(dir)).details("docker"))) identities.add(dir);
  }
  return Promise.all(
    [...identities].sort().map(async (id): Promise<FoundBottle> => {
      const stateDir = deps.paths.bottleState(id);
      const marker = await readLiveMarker(stateDir);
      return {
        identity: id,
        objects: objects.filter((object) => object.identity === id),
        liveness: liveness(marker),
        marker,
        metadata: await readJson<BottleMetadata>(bottleFiles(stateDir).metadata),
        hasState: existsSync(stateDir),
      };
    }),
  );
}
