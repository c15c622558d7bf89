import { removeDir } from "../../core/state.ts";
import type { BackendDeps, CleanupReport } from "../types.ts";
import type { FoundSmolBottle } from "./survey.ts";

/** Stops and deletes a bottle's machine and removes its gate; with `keepState`, its state and workspace stay. */
export async function reapSmolBottle(
  deps: BackendDeps,
  found: FoundSmolBottle,
  options: { keepState: boolean; dryRun?: boolean },
): Promise<CleanupReport["removed"]> {
  const removed: CleanupReport["removed"] = [];
  if (found.machine) removed.push({ kind: "machine", name: found.machine.name });
  if (found.gate) removed.push({ kind: "container", name: found.gate });
  if (!options.keepState && found.hasState) removed.push({ kind: "state", name: deps.paths.bottleState(found.identity) });
  if (options.dryRun) return removed;
  if (found.machine) {
    await deps.runner.run(["smolvm", "machine", "stop", "--name", found.machine.name], { check: false });
    await deps.runner.run(["smolvm", "machine", "delete", "--name", found.machine.name, "-f"]);
  }
  if (found.gate) await deps.runner.run(["docker", "rm", "--force", found.gate]);
  if (!options.keepState) {
    await removeDir(deps.paths.bottleState(found.identity));
  }
  return removed;
}
