import { existsSync } from "node:fs";
import { BottleError } from "../../core/errors.ts";
import { liveness, readLiveMarker, type LiveMarker, type Liveness } from "../../core/live-marker.ts";
import { bottleFiles } from "../../core/paths.ts";
import { listDirs, readJson } from "../../core/state.ts";
import type { BackendDeps, BottleMetadata } from "../types.ts";
import { connectKube, type KubeClient } from "./kube-client.ts";
import type { KubeDetails } from "./kube-plan.ts";

/** One Kubernetes bottle as its state folder records it. */
export interface SavedKubeBottle {
  identity: string;
  details: KubeDetails;
  metadata: BottleMetadata | undefined;
  marker: LiveMarker | undefined;
  liveness: Liveness;
  /** Connects to the bottle's own cluster and namespace (client-node is loaded then). */
  connect(): Promise<KubeClient>;
}

/**
 * Every Kubernetes bottle of this state folder (those whose plan, `kubernetes.json`, is
 * there), optionally one identity. Read from the state alone: `bottle list` never
 * waits on a cluster; the operations that change one connect to it.
 */
export async function savedKubeBottles(deps: BackendDeps, identity?: string): Promise<SavedKubeBottle[]> {
  const dirs = identity === undefined ? await listDirs(deps.paths.state) : [identity];
  const found = await Promise.all(
    dirs.map(async (id): Promise<SavedKubeBottle | undefined> => {
      const stateDir = deps.paths.bottleState(id);
      const files = bottleFiles(stateDir);
      if (!existsSync(files.details("kubernetes"))) return undefined;
      const details = await readJson<KubeDetails>(files.details("kubernetes"));
      if (details === undefined) return undefined;
      const marker = await readLiveMarker(stateDir);
      return {
        identity: id,
        details,
        metadata: await readJson<BottleMetadata>(files.metadata),
        marker,
        liveness: liveness(marker),
        connect: () => connectKube({ ...details.bottle.target, namespace: details.bottle.namespace }, deps.env),
      };
    }),
  );
  return found.filter((bottle): bottle is SavedKubeBottle => bottle !== undefined).sort((a, b) => a.identity.localeCompare(b.identity));
}

/** The one saved bottle `identity`, or an error saying there is none. */
export async function savedKubeBottle(deps: BackendDeps, identity: string): Promise<SavedKubeBottle> {
  const [found] = await savedKubeBottles(deps, identity);
  if (found === undefined) throw new BottleError(`no kubernetes bottle ${identity}`, { hint: "`bottle list` shows the bottles there are" });
  return found;
}
