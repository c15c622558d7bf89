import type { CleanupReport } from "../../backend/types.ts";
import { backendNames, selectBackend } from "../../backend/select.ts";
import { backendDeps } from "../backend-deps.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";

/**
 * `bottle cleanup [--yes] [--all] [--json]`: finds what dead bottles left (by label
 * query and state folder) and, with `--yes`, removes it; without, only reports it.
 * `--all` includes stopped bottles, whose workspaces are otherwise kept for `resume`.
 */
export async function run(context: CommandContext): Promise<number> {
  const deps = backendDeps(context);
  const dryRun = context.flags.yes !== true;
  const removed: CleanupReport["removed"] = [];
  for (const name of backendNames()) {
    const report = await selectBackend(name).cleanup(deps, { dryRun, includeStopped: context.flags.all === true });
    removed.push(...report.removed);
  }
  if (context.flags.json === true) {
    writeJsonOut(context.stdout, { dryRun, removed });
    return 0;
  }
  if (removed.length === 0) context.stderr.write("nothing to clean up\n");
  for (const { kind, name } of removed) context.stdout.write(`${dryRun ? "would remove" : "removed"} ${kind} ${name}\n`);
  if (dryRun && removed.length > 0) context.stderr.write(`run \`bottle cleanup${context.flags.all === true ? " --all" : ""} --yes\` to remove them\n`);
  return 0;
}
