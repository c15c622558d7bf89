import { CLI_DIED_NOTE, writeLiveMarker } from "../../core/live-marker.ts";
import { folderBytes, formatSize } from "../../core/folder-size.ts";
import { removeDir } from "../../core/state.ts";
import type { BackendDeps, RemovedObject } from "../types.ts";
import { removeEngineObjects } from "./engine-objects.ts";
import { saveGateAudit } from "./gate-files.ts";
import { surveyBottles, type FoundBottle } from "./survey.ts";
import { volumeSizes } from "./volume-sizes.ts";
import { recordWorkspaceSize } from "./workspace-size-at-stop.ts";

/**
 * Removes a bottle's engine objects. `work: "keep"` removes only its running parts
 * (containers, networks): its volumes and state stay for `resume`. `work: "remove"`
 * deletes everything, which only a person's explicit ask may do. A dry run reports
 * what would go, with sizes.
 */
export async function reapBottle(
  deps: BackendDeps,
  found: FoundBottle,
  options: { work: "keep" | "remove"; dryRun?: boolean },
): Promise<RemovedObject[]> {
  const remove = options.work === "remove";
  const objects = found.objects.filter((object) => remove || object.kind !== "volume");
  const removed: RemovedObject[] = objects.map(({ kind, name }) => ({ kind, name }));
  const stateDir = deps.paths.bottleState(found.identity);
  if (remove && found.hasState) removed.push({ kind: "state", name: stateDir });
  if (options.dryRun) {
    if (!remove) return removed;
    const sizes = removed.some((object) => object.kind === "volume") ? await volumeSizes(deps) : new Map<string, string>();
    return Promise.all(
      removed.map(async (object) => {
        const size = object.kind === "state" ? formatSize(await folderBytes(object.name)) : sizes.get(object.name);
        return size === undefined ? object : { ...object, size };
      }),
    );
  }
  // A remote engine's gate keeps its audit log in a volume: copy it to the state folder first.
  // A running agent's workspace size goes there too (`bottle list` shows it for a stopped bottle).
  if (!remove) {
    await Promise.all(
      objects
        .filter((object) => object.kind === "container")
        .map((container) =>
          container.role === "gate"
            ? saveGateAudit(deps.runner, container.name, stateDir)
            : container.role === "agent" && container.state === "running" && found.hasState
              ? recordWorkspaceSize(deps.runner, container.name, stateDir)
              : undefined,
        ),
    );
  }
  await removeEngineObjects(deps.runner, objects);
  if (remove) await removeDir(stateDir);
  return removed;
}

/**
 * Every start calls this first: bottles whose CLI died (their live marker names a
 * process that is gone) lose their running parts, never their work. They become
 * `stopped`, with a note saying why, and `resume` brings them back. A resumed
 * bottle's own leftovers (after a `kill -9`) go the same way.
 */
export async function reapDead(deps: BackendDeps, resuming?: string): Promise<RemovedObject[]> {
  const removed: RemovedObject[] = [];
  for (const found of await surveyBottles(deps)) {
    const running = found.objects.some((object) => object.kind !== "volume");
    if (found.identity === resuming) {
      removed.push(...(await reapBottle(deps, found, { work: "keep" })));
    } else if (found.liveness === "dead" && (running || found.marker?.note === undefined)) {
      if (running) deps.log(`stopping ${found.identity}: its CLI died (its work is kept: \`bottle resume ${found.identity}\`)`);
      removed.push(...(await reapBottle(deps, found, { work: "keep" })));
      if (found.hasState) await writeLiveMarker(deps.paths.bottleState(found.identity), "stopped", process.pid, CLI_DIED_NOTE);
    }
  }
  return removed;
}
