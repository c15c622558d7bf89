import { BottleError } from "../../core/errors.ts";
import { bottleFiles } from "../../core/paths.ts";
import { readJson } from "../../core/state.ts";
import type { AgentRecord, Backend, BackendDeps } from "../types.ts";
import { guestExec } from "./machine-commands.ts";
import { listMachines } from "./machine-list.ts";
import { type SmolDetails, WORKSPACE } from "./smol-plan.ts";

/** A bottle's smolmachines plan from its state folder; a clear error when there is none. */
export async function readSmolDetails(identity: string, deps: BackendDeps): Promise<SmolDetails> {
  const details = await readJson<SmolDetails>(bottleFiles(deps.paths.bottleState(identity)).details("smolmachines"));
  if (details === undefined) throw new BottleError(`no smolmachines bottle ${identity}`, { hint: "`bottle list` shows the bottles there are" });
  return details;
}

/** Opens another session on a running bottle's agent (`smolvm machine exec -i -t`). */
export const attach: Backend<SmolDetails>["attach"] = async (identity, deps) => {
  const details = await readSmolDetails(identity, deps);
  const [machines, record] = await Promise.all([listMachines(deps.runner), readJson<AgentRecord>(bottleFiles(deps.paths.bottleState(identity)).agent)]);
  if (machines.find((m) => m.name === details.machine)?.state !== "running" || record === undefined) {
    throw new BottleError(`${identity} is not running`, { hint: `bring it back with \`bottle resume ${identity}\`` });
  }
  const argv = guestExec(details.machine, record.command, { interactive: true, tty: Boolean(process.stdin.isTTY), workdir: WORKSPACE });
  const result = await deps.runner.run(argv, { stdio: "inherit", stdin: "inherit", check: false, signal: deps.signal });
  return result.exitCode;
};
