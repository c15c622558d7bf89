import { existsSync } from "node:fs";
import { join } from "node:path";
import { LABEL } from "../../core/labels.ts";
import { liveness, readLiveMarker, type Liveness } from "../../core/live-marker.ts";
import { listDirs, readJson } from "../../core/state.ts";
import type { BackendDeps, BottleMetadata } from "../types.ts";
import { listMachines, type MachineRow } from "./machine-list.ts";
import { SMOL_OWNER_LABEL, type SmolDetails, smolStateFiles } from "./smol-plan.ts";

/** One smolmachines bottle as found in smolvm, the engine and the state folder. */
export interface FoundSmolBottle {
  identity: string;
  machine: MachineRow | undefined;
  /** The gate container's name, when one exists. */
  gate: string | undefined;
  liveness: Liveness;
  metadata: BottleMetadata | undefined;
  details: SmolDetails | undefined;
  hasState: boolean;
}

/**
 * Every smolmachines bottle of this owner: machines labelled with it (`machine ls
 * --json`), gate containers labelled with it, and state folders holding a smolmachines
 * plan. A label query throughout: a user's own machines are not ours to touch.
 */
export async function surveySmolBottles(deps: BackendDeps, identity?: string): Promise<FoundSmolBottle[]> {
  const owner = deps.paths.state;
  const [machines, gates] = await Promise.all([
    listMachines(deps.runner),
    deps.runner.run(
      ["docker", "ps", "--all", "--filter", `label=${SMOL_OWNER_LABEL}=${owner}`, "--format", `{{.Names}}\t{{.Label "${LABEL.identity}"}}`],
      { check: false },
    ),
  ]);
  const ours = machines.filter((m) => m.labels[LABEL.owner] === owner && m.labels[LABEL.identity] !== undefined);
  const gateRows = gates.stdout.split("\n").filter(Boolean).map((line) => line.split("\t") as [string, string]);
  const identities = new Set([...ours.map((m) => m.labels[LABEL.identity]!), ...gateRows.map(([, id]) => id)]);
  for (const dir of await listDirs(deps.paths.state)) {
    if (existsSync(smolStateFiles(deps.paths.bottleState(dir)).details)) identities.add(dir);
  }
  const wanted = [...identities].filter((id) => id !== "" && (identity === undefined || id === identity)).sort();
  return Promise.all(
    wanted.map(async (id): Promise<FoundSmolBottle> => {
      const stateDir = deps.paths.bottleState(id);
      return {
        identity: id,
        machine: ours.find((m) => m.labels[LABEL.identity] === id),
        gate: gateRows.find(([, gid]) => gid === id)?.[0],
        liveness: liveness(await readLiveMarker(stateDir)),
        metadata: await readJson<BottleMetadata>(join(stateDir, "metadata.json")),
        details: await readJson<SmolDetails>(smolStateFiles(stateDir).details),
        hasState: existsSync(stateDir),
      };
    }),
  );
}
