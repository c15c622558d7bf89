import { BottleError } from "../../core/errors.ts";
import type { Backend } from "../types.ts";
import { readSmolDetails } from "./attach.ts";
import { guestExec } from "./machine-commands.ts";
import { listMachines } from "./machine-list.ts";
import { WORKSPACE } from "./smol-plan.ts";

/** By default, bash where the guest has it, else sh. */
const SHELL_SCRIPT = "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi";

/** A shell (or a command) in a running microVM, with the agent's env file sourced, in the workspace. */
export const shell: Backend["shell"] = async (identity, deps, options) => {
  const details = await readSmolDetails(identity, deps);
  const machine = (await listMachines(deps.runner)).find((m) => m.name === details.machine);
  if (machine?.state !== "running") {
    throw new BottleError(`${identity} is not running`, { hint: `bring it back with \`bottle resume ${identity} --detach\`` });
  }
  const tty = options.tty ?? Boolean(process.stdin.isTTY);
  const argv = guestExec(details.machine, options.command ?? ["sh", "-c", SHELL_SCRIPT], { interactive: true, tty, workdir: WORKSPACE });
  const result = await deps.runner.run(argv, { stdio: "inherit", stdin: "inherit", check: false, signal: deps.signal });
  return result.exitCode;
};
