import { existsSync } from "node:fs";
import { join } from "node:path";
import { liveness, readLiveMarker, type Liveness } from "../../core/live-marker.ts";
import { listDirs, readJson } from "../../core/state.ts";
import type { BackendDeps, BottleMetadata } from "../types.ts";
import { findEngineObjects, type EngineObject } from "./engine-objects.ts";

/** One docker bottle as found on the engine and in the state folder. */
export interface FoundBottle {
  identity: string;
  objects: EngineObject[];
  liveness: Liveness;
  metadata: BottleMetadata | undefined;
  /** Its state folder exists. */
  hasState: boolean;
}

/**
 * Every docker bottle of this owner: the union of labelled engine objects and state
 * folders holding a docker plan (`docker.json`), each with its liveness. Other
 * backends' state folders are not ours to judge.
 */
export async function surveyBottles(deps: BackendDeps, identity?: string): Promise<FoundBottle[]> {
  const objects = await findEngineObjects(deps.runner, deps.paths.state, identity);
  const identities = new Set(objects.map((object) => object.identity));
  for (const dir of identity === undefined ? await listDirs(deps.paths.state) : [identity]) {
    if (existsSync(join(deps.paths.bottleState(dir), "docker.json"))) identities.add(dir);
  }
  return Promise.all(
    [...identities].sort().map(async (id): Promise<FoundBottle> => {
      const stateDir = deps.paths.bottleState(id);
      return {
        identity: id,
        objects: objects.filter((object) => object.identity === id),
        liveness: liveness(await readLiveMarker(stateDir)),
        metadata: await readJson<BottleMetadata>(join(stateDir, "metadata.json")),
        hasState: existsSync(stateDir),
      };
    }),
  );
}
