import { existsSync } from "node:fs";
import { LABEL } from "../../core/labels.ts";
import { liveness, readLiveMarker, type LiveMarker, type Liveness } from "../../core/live-marker.ts";
import { bottleFiles } from "../../core/paths.ts";
import { bottleDirs, readJson } from "../../core/state.ts";
import type { BackendDeps, BottleMetadata } from "../types.ts";
import { listMachines, type MachineRow } from "./machine-list.ts";

/** One smolmachines bottle as found in smolvm, the engine and the state folder. */
export interface FoundSmolBottle {
  identity: string;
  machine: MachineRow | undefined;
  /** The gate container's name, when one exists. */
  gate: string | undefined;
  liveness: Liveness;
  marker: LiveMarker | undefined;
  metadata: BottleMetadata | undefined;
  hasState: boolean;
}

/**
 * Every smolmachines bottle of this owner: machines labelled with it (`machine ls
 * --json`, asked only when smolvm is installed), gate containers labelled with it,
 * and state folders holding a smolmachines plan. A label query throughout: a user's
 * own machines are not ours to touch.
 */
export async function surveySmolBottles(deps: BackendDeps, identity?: string): Promise<FoundSmolBottle[]> {
  const owner = deps.paths.state;
  const [machines, gates, dirs] = await Promise.all([
    listMachines(deps.runner),
    deps.runner.run(
      ["docker", "ps", "--all", "--filter", `label=${LABEL.smolmachinesOwner}=${owner}`, "--filter", `label=${LABEL.role}=gate`, "--format", `{{.Names}}\t{{.Label "${LABEL.identity}"}}`],
      { check: false },
    ).catch(() => ({ stdout: "" })),
    bottleDirs(deps.paths.state),
  ]);
  const ours = machines.filter((m) => m.labels[LABEL.owner] === owner && m.labels[LABEL.identity] !== undefined);
  const gateRows = gates.stdout.split("\n").filter(Boolean).map((line) => line.split("\t") as [string, string]);
  const identities = new Set([...ours.map((m) => m.labels[LABEL.identity]!), ...gateRows.map(([, id]) => id)]);
  for (const dir of dirs) {
    if (existsSync(bottleFiles(deps.paths.bottleState(dir)).details("smolmachines"))) identities.add(dir);
  }
  const wanted = [...identities].filter((id) => id !== "" && (identity === undefined || id === identity)).sort();
  return Promise.all(
    wanted.map(async (id): Promise<FoundSmolBottle> => {
      const stateDir = deps.paths.bottleState(id);
      const marker = await readLiveMarker(stateDir);
      return {
        identity: id,
        machine: ours.find((m) => m.labels[LABEL.identity] === id),
        gate: gateRows.find(([, gid]) => gid === id)?.[0],
        liveness: liveness(marker),
        marker,
        metadata: await readJson<BottleMetadata>(bottleFiles(stateDir).metadata),
        hasState: existsSync(stateDir),
      };
    }),
  );
}

