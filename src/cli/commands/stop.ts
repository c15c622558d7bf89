import { UsageError } from "../../core/errors.ts";
import { backendDeps } from "../backend-deps.ts";
import { allBottles, resolveBottleIds, type NamedBottle } from "../bottle-ids.ts";
import { selectBackend } from "../../backend/select.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";

/**
 * `bottle stop ID… [--all]`: removes bottles' containers and networks, keeps their
 * workspaces and homes for `resume`. `--all` stops every bottle that has running parts.
 */
export async function run(context: CommandContext): Promise<number> {
  const deps = backendDeps(context);
  const all = context.flags.all === true;
  if (all && context.positionals.length > 0) throw new UsageError("--all and IDs contradict each other", "pass IDs, or --all for every running bottle");
  if (!all && context.positionals.length === 0) throw new UsageError("`bottle stop` needs a bottle's ID, or --all", "`bottle list` shows them; a unique prefix will do");
  const bottles: NamedBottle[] = all
    ? (await allBottles(deps))
        .filter((bottle) => bottle.status !== "stopped")
        .map((bottle) => ({ identity: bottle.identity, backend: selectBackend(bottle.backend), metadata: undefined, status: bottle.status }))
    : await resolveBottleIds(deps, context.positionals);
  const reports = [];
  for (const { identity, backend } of bottles) {
    const report = await backend.stop(identity, deps);
    reports.push({ identity, ...report });
    if (context.flags.json === true) continue;
    if (report.alreadyStopped) context.stderr.write(`${identity} was already stopped (\`bottle resume ${identity}\` brings it back)\n`);
    else context.stderr.write(`stopped ${identity} (${report.removed.length} objects removed; \`bottle resume ${identity}\` brings it back)\n`);
  }
  if (context.flags.json === true) writeJsonOut(context.stdout, all || bottles.length !== 1 ? { stopped: reports } : reports[0]);
  else if (all && bottles.length === 0) context.stderr.write("no running bottles\n");
  return 0;
}
