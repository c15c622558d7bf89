import { join } from "node:path";
import { printable } from "../../core/printable.ts";
import { allBackends } from "../../backend/select.ts";
import type { BottleMetadata, BottleSummary } from "../../backend/types.ts";
import { readJson } from "../../core/state.ts";
import { backendDeps } from "../backend-deps.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";
import { formatSize } from "../../core/folder-size.ts";
import { markBlocked } from "../supervise/mark-blocked.ts";

/** A short age: `42s`, `5m`, `3h`, `2d`. */
export function age(createdAt: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(createdAt)) / 1000));
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** A folder as people read it: under $HOME as `~/…`. */
function shortPath(path: string, home: string | undefined): string {
  return home !== undefined && home !== "" && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}

/** The SIZE cell: the live size with `--size`, else the size a stopped bottle had when it stopped, marked so. */
function sizeCell(bottle: BottleSummary, live: number | undefined, withSize: boolean): string {
  if (withSize) return live === undefined ? "-" : formatSize(live);
  return bottle.workspaceAtStop === undefined ? "-" : `${formatSize(bottle.workspaceAtStop.bytes)} at stop`;
}

/**
 * `bottle list [--size] [--json]`: every bottle of every backend, with its status, age,
 * the folder `--cwd` copied into it and, for a stopped bottle, its workspace's size as
 * measured when it stopped (`12MB at stop`). `--size` shows every workspace's size as
 * it is now, which costs an engine call of its own that walks every volume (as
 * `docker ps --size` is opt-in for the same reason).
 */
export async function run(context: CommandContext): Promise<number> {
  const deps = backendDeps(context);
  const withSize = context.flags.size === true;
  const [lists, sizeLists] = await Promise.all([
    Promise.all(allBackends().map((backend) => backend.list(deps))),
    withSize ? Promise.all(allBackends().map((backend) => backend.workspaceSizes(deps))) : Promise.resolve([]),
  ]);
  const bottles: BottleSummary[] = markBlocked(lists.flat(), deps.paths);
  const sizes: Record<string, number> = Object.assign({}, ...sizeLists);
  const sources = await Promise.all(
    bottles.map(async (bottle) => {
      const spec = (await readJson<BottleMetadata>(join(deps.paths.bottleState(bottle.identity), "metadata.json")))?.spec;
      // `copyFrom`: a bottle recorded before `origin` existed, never resumed since.
      return spec?.origin?.folder ?? spec?.copyFrom ?? null;
    }),
  );
  if (context.flags.json === true) {
    writeJsonOut(
      context.stdout,
      bottles.map((bottle, index) => ({
        ...bottle,
        age: age(bottle.createdAt),
        source: sources[index],
        ...(withSize ? { workspaceBytes: sizes[bottle.identity] ?? null } : {}),
      })),
    );
    return 0;
  }
  if (bottles.length === 0) {
    context.stderr.write("no bottles\n");
    return 0;
  }
  // NOTE and SIZE only when some bottle has one (a CLI that died, a size), so the usual table stays narrow.
  const notes = bottles.some((b) => b.note !== undefined);
  const sized = withSize || bottles.some((b) => b.workspaceAtStop !== undefined);
  const header = ["IDENTITY", "AGENT", "BACKEND", "STATUS", "AGE", ...(sized ? ["SIZE"] : []), "SOURCE", ...(notes ? ["NOTE"] : [])];
  const rows = [
    header,
    ...bottles.map((b, index) => {
      const source = sources[index];
      return [
        b.identity, b.agent, b.backend, b.status, age(b.createdAt),
        ...(sized ? [sizeCell(b, sizes[b.identity], withSize)] : []),
        source === null || source === undefined ? "-" : shortPath(source, context.env.HOME),
        // A note can quote the agent (a blocked capability's justification): shown, never obeyed.
        ...(notes ? [printable(b.note ?? "")] : []),
      ];
    }),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) context.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()}\n`);
  return 0;
}
