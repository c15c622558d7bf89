import type { RemovedObject } from "../../backend/types.ts";
import { allBackends } from "../../backend/select.ts";
import { backendDeps } from "../backend-deps.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";

/**
 * `bottle cleanup [--all [--yes]] [--json]`. By default it removes only the running
 * parts (containers, networks, machines, gates) of bottles whose CLI died: their work
 * stays, they show as stopped and `resume` brings them back, so no `--yes` is asked.
 * `--all` deletes stopped bottles whole, workspaces and homes included: without
 * `--yes` it only lists what it would delete, with sizes.
 */
export async function run(context: CommandContext): Promise<number> {
  const deps = backendDeps(context);
  const all = context.flags.all === true;
  const dryRun = all && context.flags.yes !== true;
  const reports = await Promise.all(allBackends().map((backend) => backend.cleanup(deps, { dryRun, includeStopped: all })));
  const removed: RemovedObject[] = reports.flatMap((report) => report.removed);
  if (context.flags.json === true) {
    writeJsonOut(context.stdout, { dryRun, all, removed });
    return 0;
  }
  if (removed.length === 0) {
    context.stderr.write(all ? "nothing to delete: no stopped bottles\n" : "nothing to clean up (`bottle cleanup --all` lists stopped bottles to delete)\n");
    return 0;
  }
  for (const { kind, name, size } of removed) {
    context.stdout.write(`${dryRun ? "would delete" : "removed"} ${kind} ${name}${size === undefined ? "" : ` (${size})`}\n`);
  }
  if (dryRun) context.stderr.write("nothing was deleted: `bottle cleanup --all --yes` deletes these, work included\n");
  else if (!all) context.stderr.write("their workspaces and homes are kept: `bottle resume ID` brings one back, `bottle cleanup --all` lists them to delete\n");
  return 0;
}
