import { existsSync } from "node:fs";
import { UsageError } from "../../core/errors.ts";
import { backendDeps } from "../backend-deps.ts";
import { oneIdWord, resolveBottleId } from "../bottle-ids.ts";
import type { CommandContext } from "../context.ts";
import { formatAuditLine, parseAuditLine, printable } from "../logs/audit-line.ts";
import { readLines } from "../logs/follow-lines.ts";
import { formatGitLines } from "../logs/git-audit-line.ts";

/**
 * `bottle logs ID [--gate [--blocked] [--json]] [--follow]`: the log on stdout, notes on
 * stderr, so it pipes (`bottle logs --gate ID | grep block`). `--gate` reads the gate's
 * audit log from the bottle's state folder, where it outlives the gate: one line per
 * decision as a person reads it (a git push a line per ref), or the JSON lines as
 * written with `--json`;
 * `--blocked` keeps only refusals. Without `--gate`, the agent's logs from its backend.
 */
export async function run(context: CommandContext): Promise<number> {
  const gate = context.flags.gate === true;
  const follow = context.flags.follow === true;
  if (!gate && (context.flags.blocked === true || context.flags.json === true)) {
    throw new UsageError("--blocked and --json read the gate's audit log", "add --gate");
  }
  const deps = backendDeps(context);
  const bottle = await resolveBottleId(deps, oneIdWord(context.positionals, "logs"));
  const audit = deps.paths.gateAuditLog(bottle.identity);
  if (!gate || !existsSync(audit)) {
    // A gate from before the audit file (its lines went to its own log): the backend's log.
    if (gate) context.stderr.write(`note: no audit file at ${audit}: showing the gate container's log\n`);
    return bottle.backend.logs(bottle.identity, deps, { gate, follow });
  }
  const bottleName = bottle.metadata?.spec.bottleName ?? "default";
  const blocked = context.flags.blocked === true;
  const json = context.flags.json === true;
  let shown = 0;
  await readLines(
    audit,
    (text) => {
      const line = parseAuditLine(text);
      if (blocked && line?.decision !== "block") return;
      shown += 1;
      if (json) context.stdout.write(`${text}\n`);
      else if (line === undefined) context.stdout.write(`${printable(text)}\n`);
      else context.stdout.write(`${(formatGitLines(line, bottleName) ?? [formatAuditLine(line, bottleName)]).join("\n")}\n`);
    },
    { follow, signal: deps.signal ?? context.signal },
  );
  // An empty answer is not a broken one: say so where it does not disturb a pipe.
  if (shown === 0 && !follow) context.stderr.write(`note: ${blocked ? "no refusals" : "no decisions"} in ${bottle.identity}'s audit log yet (one line per request through its gate)\n`);
  return 0;
}
