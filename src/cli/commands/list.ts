import { allBackends } from "../../backend/select.ts";
import { backendDeps } from "../backend-deps.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";

/** A short age: `42s`, `5m`, `3h`, `2d`. */
export function age(createdAt: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(createdAt)) / 1000));
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** `bottle list [--json]`: every bottle of every backend (asked at once), with its status and age. */
export async function run(context: CommandContext): Promise<number> {
  const deps = backendDeps(context);
  const bottles = (await Promise.all(allBackends().map((backend) => backend.list(deps)))).flat();
  if (context.flags.json === true) {
    writeJsonOut(context.stdout, bottles.map((bottle) => ({ ...bottle, age: age(bottle.createdAt) })));
    return 0;
  }
  if (bottles.length === 0) {
    context.stderr.write("no bottles\n");
    return 0;
  }
  // The NOTE column only when some bottle has one (a CLI that died), so the usual table stays narrow.
  const notes = bottles.some((b) => b.note !== undefined);
  const rows = [
    ["IDENTITY", "AGENT", "BACKEND", "STATUS", "AGE", ...(notes ? ["NOTE"] : [])],
    ...bottles.map((b) => [b.identity, b.agent, b.backend, b.status, age(b.createdAt), ...(notes ? [b.note ?? ""] : [])]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) context.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()}\n`);
  return 0;
}
