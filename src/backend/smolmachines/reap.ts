import { CLI_DIED_NOTE, writeLiveMarker } from "../../core/live-marker.ts";
import { folderBytes, formatSize } from "../../core/folder-size.ts";
import { removeDir } from "../../core/state.ts";
import type { BackendDeps, RemovedObject } from "../types.ts";
import { reapOrphanRegistries } from "./orphan-registries.ts";
import { surveySmolBottles, type FoundSmolBottle } from "./survey.ts";

/**
 * Stops and deletes a bottle's machine and removes its gate. `work: "keep"` leaves its
 * state folder (workspace and home are in it) for `resume`; `"remove"` deletes it too.
 */
export async function reapSmolBottle(
  deps: BackendDeps,
  found: FoundSmolBottle,
  options: { work: "keep" | "remove"; dryRun?: boolean },
): Promise<RemovedObject[]> {
  const stateDir = deps.paths.bottleState(found.identity);
  const removed: RemovedObject[] = [];
  if (found.machine) removed.push({ kind: "machine", name: found.machine.name });
  if (found.gate) removed.push({ kind: "container", name: found.gate });
  if (options.work === "remove" && found.hasState) {
    removed.push({ kind: "state", name: stateDir, ...(options.dryRun ? { size: formatSize(await folderBytes(stateDir)) } : {}) });
  }
  if (options.dryRun) return removed;
  if (found.machine) {
    await deps.runner.run(["smolvm", "machine", "stop", "--name", found.machine.name], { check: false });
    await deps.runner.run(["smolvm", "machine", "delete", "--name", found.machine.name, "-f"]);
  }
  if (found.gate) await deps.runner.run(["docker", "rm", "--force", found.gate]);
  if (options.work === "remove") await removeDir(stateDir);
  return removed;
}

/**
 * Every start reaps first, as the docker backend does: the running parts of bottles
 * whose CLI died (they become stopped, their work kept), this identity's own leftovers
 * when it is resumed after a crash (its machine name would otherwise be taken), and
 * registries a killed run left.
 */
export async function reapBeforeLaunch(deps: BackendDeps, identity: string): Promise<void> {
  for (const { name } of await reapOrphanRegistries(deps)) deps.log(`removed the registry ${name} a killed run left`);
  for (const found of await surveySmolBottles(deps)) {
    const running = found.machine !== undefined || found.gate !== undefined;
    // The lifecycle already marked `identity` as this launch's: its own leftovers (a crash) go regardless.
    if (found.identity === identity) {
      await reapSmolBottle(deps, found, { work: "keep" });
    } else if (found.identity !== identity && found.liveness === "dead" && running) {
      deps.log(`stopping ${found.identity}: its CLI died (its work is kept: \`bottle resume ${found.identity}\`)`);
      await reapSmolBottle(deps, found, { work: "keep" });
      if (found.hasState) await writeLiveMarker(deps.paths.bottleState(found.identity), "stopped", process.pid, CLI_DIED_NOTE);
    }
  }
}
