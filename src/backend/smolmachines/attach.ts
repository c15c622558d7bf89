import { BottleError } from "../../core/errors.ts";
import type { Backend, BackendDeps } from "../types.ts";
import { listMachines } from "./machine-list.ts";
import { guestExec } from "./machine-commands.ts";
import { type SmolDetails, smolStateFiles, WORKSPACE } from "./smol-plan.ts";
import { readJson } from "../../core/state.ts";

/** A bottle's smolmachines plan from its state folder; a clear error when there is none. */
export async function readSmolDetails(identity: string, deps: BackendDeps): Promise<SmolDetails> {
  const details = await readJson<SmolDetails>(smolStateFiles(deps.paths.bottleState(identity)).details);
  if (details === undefined) throw new BottleError(`no smolmachines bottle ${identity}`, { hint: "`bottle list` shows the bottles there are" });
  return details;
}

/** Opens another session on a running bottle's agent (`smolvm machine exec -i -t`). */
export const attach: Backend["attach"] = async (identity, deps) => {
  const details = await readSmolDetails(identity, deps);
  const machine = (await listMachines(deps.runner)).find((m) => m.name === details.machine);
  if (machine?.state !== "running") {
    throw new BottleError(`${identity} is not running`, { hint: "start a new bottle with `bottle start`" });
  }
  if (details.command.length === 0) throw new BottleError(`${identity} has no recorded agent command`, { hint: "it did not finish launching; `bottle cleanup` removes it" });
  const argv = guestExec(details.machine, details.command, { interactive: true, tty: Boolean(process.stdin.isTTY), workdir: WORKSPACE });
  const result = await deps.runner.run(argv, { stdio: "inherit", stdin: "inherit", check: false, signal: deps.signal });
  return result.exitCode;
};
