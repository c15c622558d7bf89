import { removeDir } from "../../core/state.ts";
import type { BackendDeps, CleanupReport } from "../types.ts";
import { removeEngineObjects } from "./engine-objects.ts";
import { surveyBottles, type FoundBottle } from "./survey.ts";

/** Removes a bottle's engine objects (all, or all but its workspace) and, unless kept, its state. */
export async function reapBottle(
  deps: BackendDeps,
  found: FoundBottle,
  options: { keepWorkspace: boolean; dryRun?: boolean },
): Promise<CleanupReport["removed"]> {
  const objects = found.objects.filter((object) => !(options.keepWorkspace && object.kind === "volume"));
  const removed: CleanupReport["removed"] = objects.map(({ kind, name }) => ({ kind, name }));
  if (!options.keepWorkspace && found.hasState) removed.push({ kind: "state", name: deps.paths.bottleState(found.identity) });
  if (options.dryRun) return removed;
  await removeEngineObjects(deps.runner, objects);
  if (!options.keepWorkspace) await removeDir(deps.paths.bottleState(found.identity));
  return removed;
}

/**
 * Every start calls this first: removes bottles whose CLI died (their live marker names
 * a process that is gone). A resumed bottle's own leftovers go too, except its workspace.
 */
export async function reapDead(deps: BackendDeps, resuming?: string): Promise<CleanupReport["removed"]> {
  const removed: CleanupReport["removed"] = [];
  for (const found of await surveyBottles(deps)) {
    if (found.identity === resuming) {
      removed.push(...(await reapBottle(deps, found, { keepWorkspace: true })));
    } else if (found.liveness === "dead") {
      deps.log(`removing dead bottle ${found.identity}`);
      removed.push(...(await reapBottle(deps, found, { keepWorkspace: false })));
    }
  }
  return removed;
}
