import type { CleanupReport } from "../../backend/types.ts";
import { UsageError } from "../../core/errors.ts";
import { backendDeps } from "../backend-deps.ts";
import { resolveBottleIds } from "../bottle-ids.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";

/**
 * `bottle rm ID… [--force]`: deletes bottles whole — running parts, workspace, agent
 * home and state. The one command (with `cleanup --all --yes` and `start --rm`) that
 * deletes work, so only on this explicit ask; a running bottle needs `--force`. Every
 * ID is resolved before anything is removed: a typo removes nothing.
 */
export async function run(context: CommandContext): Promise<number> {
  if (context.positionals.length === 0) throw new UsageError("`bottle rm` needs at least one bottle's ID", "`bottle list` shows them");
  const deps = backendDeps(context);
  const bottles = await resolveBottleIds(deps, context.positionals);
  const running = bottles.filter((bottle) => bottle.status === "running");
  if (running.length > 0 && context.flags.force !== true) {
    const ids = running.map((bottle) => bottle.identity).join(" ");
    throw new UsageError(`${ids} ${running.length === 1 ? "is" : "are"} running: nothing was removed`, `\`bottle stop ${ids}\` first, or \`bottle rm --force ${ids}\` to delete ${running.length === 1 ? "it" : "them"} running, workspace and all`);
  }
  const results: { identity: string; removed: CleanupReport["removed"] }[] = [];
  for (const bottle of bottles) {
    const report = await bottle.backend.remove(bottle.identity, deps, { force: context.flags.force === true });
    results.push({ identity: bottle.identity, removed: report.removed });
    if (context.flags.json !== true) context.stderr.write(`removed ${bottle.identity} (its workspace, home and state are gone)\n`);
  }
  if (context.flags.json === true) writeJsonOut(context.stdout, { removed: results });
  return 0;
}
