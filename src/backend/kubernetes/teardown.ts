import { removeDir } from "../../core/state.ts";
import type { BackendDeps, RemovedObject } from "../types.ts";
import { deleteObject } from "./apply-objects.ts";
import type { SavedKubeBottle } from "./saved-bottles.ts";
import { saveGateAudit } from "./save-gate-audit.ts";

/**
 * Deletes a bottle's objects from its cluster, pods first, once the gate's audit log is
 * copied back. `work: "keep"` leaves the
 * claims (workspace, agent home) and the state for `resume`; `"remove"` deletes them
 * too, which only a person's explicit ask may do. A dry run only reports.
 */
export async function tearDownKube(deps: BackendDeps, bottle: SavedKubeBottle, options: { work: "keep" | "remove"; dryRun?: boolean }): Promise<RemovedObject[]> {
  const keep = options.work === "keep";
  const objects = bottle.details.objects.filter((object) => !(keep && object.kind === "PersistentVolumeClaim"));
  const removed: RemovedObject[] = objects.map((object) => ({
    kind: object.kind === "Pod" ? "container" : object.kind === "PersistentVolumeClaim" ? "volume" : "network",
    name: `${object.kind}/${object.metadata.name}`,
  }));
  const stateDir = deps.paths.bottleState(bottle.identity);
  if (!keep) removed.push({ kind: "state", name: stateDir });
  if (options.dryRun) return removed;
  const client = await bottle.connect();
  // The audit log comes back from the gate's claim first (`logs --gate` reads it after).
  await saveGateAudit(client, bottle.details.bottle.names.gatePod, stateDir);
  // Pods go first (nothing runs unconfined after its policies go), then the rest at once.
  const pods = objects.filter((object) => object.kind === "Pod");
  await Promise.all(pods.map((pod) => deleteObject(client, pod)));
  await Promise.all(objects.filter((object) => object.kind !== "Pod").map((object) => deleteObject(client, object)));
  if (!keep) await removeDir(stateDir);
  return removed;
}
