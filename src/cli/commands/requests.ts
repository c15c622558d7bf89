import { bottlePaths } from "../../core/paths.ts";
import { allRequests } from "../../gate/services/supervise/bottle-requests.ts";
import { printable } from "../../core/printable.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";
import { requestSubject } from "../supervise/decide-request.ts";
import { requestMirror } from "../supervise/mirror-requests.ts";
import { age } from "./list.ts";

/** `bottle requests [--json]`: what agents are waiting on, across bottles, oldest first. */
export async function run(context: CommandContext): Promise<number> {
  await requestMirror(context).syncAll();
  const now = Date.now();
  const pending = allRequests(bottlePaths(context.env), now).filter((found) => found.view.status === "pending");
  if (context.flags.json === true) {
    writeJsonOut(
      context.stdout,
      pending.map(({ identity, view }) => ({ bottle: identity, ...view.request, status: view.status })),
    );
    return 0;
  }
  if (pending.length === 0) {
    context.stderr.write("no pending requests\n");
    return 0;
  }
  const rows = [
    ["ID", "BOTTLE", "ASKS FOR", "AGE", "JUSTIFICATION"],
    ...pending.map(({ identity, view }) => [
      view.request.id,
      identity,
      requestSubject(view),
      age(view.request.time, now),
      printable(view.request.justification.replace(/\s+/g, " ").slice(0, 60)),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) context.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()}\n`);
  context.stderr.write("approve with `bottle approve ID [--save]`, refuse with `bottle deny ID [--reason TEXT]`\n");
  return 0;
}
