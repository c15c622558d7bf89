import { existsSync } from "node:fs";
import { UsageError } from "../../core/errors.ts";
import { liveness, readLiveMarker } from "../../core/live-marker.ts";
import { backendDeps } from "../backend-deps.ts";
import { oneIdWord, resolveBottleId } from "../bottle-ids.ts";
import type { CommandContext } from "../context.ts";
import { printable } from "../../core/printable.ts";
import { formatAuditLine, parseAuditLine } from "../logs/audit-line.ts";
import { readLines } from "../logs/follow-lines.ts";
import { formatGitLines } from "../logs/git-audit-line.ts";
import { auditRelay } from "../../backend/gate-runtime/audit-relay.ts";
import { streamLines } from "../logs/stream-lines.ts";

/**
 * `bottle logs ID [--gate [--blocked] [--json]] [--follow]`: the log on stdout, notes on
 * stderr, so it pipes (`bottle logs --gate ID | grep block`). `--gate` reads the gate's
 * audit log from the bottle's state folder, where it outlives the gate (or, while a
 * gate whose files this host cannot see runs, from that gate by exec): one line per
 * decision as a person reads it (a git push a line per ref), or the JSON lines as
 * written with `--json`;
 * `--blocked` keeps only refusals. Without `--gate`, the agent's logs from its backend.
 */
export async function run(context: CommandContext): Promise<number> {
  const gate = context.flags.gate === true;
  const asked = context.flags.follow === true;
  if (!gate && (context.flags.blocked === true || context.flags.json === true)) {
    throw new UsageError("--blocked and --json read the gate's audit log", "add --gate");
  }
  const deps = backendDeps(context);
  const bottle = await resolveBottleId(deps, oneIdWord(context.positionals, "logs"));
  // Nothing more can be written to a stopped bottle's log: `--follow` would wait forever.
  const follow = asked && liveness(await readLiveMarker(deps.paths.bottleState(bottle.identity))) === "live";
  if (asked && !follow) context.stderr.write(`note: ${bottle.identity} is not running: its log so far, not followed\n`);
  const audit = deps.paths.gateAuditLog(bottle.identity);
  // A running gate whose log this host cannot see (a remote engine, a pod): read from the gate by exec.
  const relayed = gate ? await auditRelay(deps.paths.bottleState(bottle.identity)) : undefined;
  if (!gate || (!existsSync(audit) && relayed === undefined)) {
    // A gate from before the audit file (its lines went to its own log): the backend's log.
    if (gate) context.stderr.write(`note: no audit file at ${audit}: showing the gate container's log\n`);
    return bottle.backend.logs(bottle.identity, deps, { gate, follow });
  }
  const bottleName = bottle.metadata?.spec.bottleName ?? "default";
  const blocked = context.flags.blocked === true;
  const json = context.flags.json === true;
  let shown = 0;
  const onLine = (text: string) => {
    const line = parseAuditLine(text);
    if (blocked && line?.decision !== "block") return;
    shown += 1;
    if (json) context.stdout.write(`${text}\n`);
    else if (line === undefined) context.stdout.write(`${printable(text)}\n`);
    else context.stdout.write(`${(formatGitLines(line, bottleName) ?? [formatAuditLine(line, bottleName)]).join("\n")}\n`);
  };
  const read = relayed === undefined ? undefined : await streamLines(deps.runner, [...relayed, ...(follow ? ["--follow"] : [])], onLine, { signal: deps.signal ?? context.signal, holdStdin: follow });
  if (read !== undefined && read.exitCode !== 0 && !follow) {
    context.stderr.write(`note: could not read the running gate's audit log (${read.stderr.trim().split("\n").pop() ?? `exit ${read.exitCode}`})${existsSync(audit) ? ": showing the copy from its last stop" : ""}\n`);
  }
  if (read === undefined || (read.exitCode !== 0 && shown === 0 && existsSync(audit))) await readLines(audit, onLine, { follow, signal: deps.signal ?? context.signal });
  // An empty answer is not a broken one: say so where it does not disturb a pipe.
  if (shown === 0 && !follow) context.stderr.write(`note: ${blocked ? "no refusals" : "no decisions"} in ${bottle.identity}'s audit log yet (one line per request through its gate)\n`);
  return 0;
}
