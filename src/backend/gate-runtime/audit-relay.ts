import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import * as v from "valibot";
import { liveness, readLiveMarker } from "../../core/live-marker.ts";
import { writeJson } from "../../core/state.ts";

/**
 * `<state>/<identity>/gate/audit-relay.json`: how this CLI reads the audit log of a
 * running gate whose files it cannot see (a remote engine's volume, a pod's claim): the
 * argv that runs `bottle gate audit` in the gate, which the backend that launched it
 * wrote. No file: the log is written into the state folder itself.
 */
export function auditRelayFile(stateDir: string): string {
  return join(stateDir, "gate", "audit-relay.json");
}

const AuditRelaySchema = v.strictObject({ argv: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1)) });

/** Records (or, with no argv, removes) how to read the gate's audit log; written at each launch. */
export async function writeAuditRelay(stateDir: string, argv: string[] | undefined): Promise<void> {
  if (argv === undefined) await rm(auditRelayFile(stateDir), { force: true });
  else await writeJson(auditRelayFile(stateDir), { argv });
}

/**
 * The argv that prints a running bottle's audit log from its gate (append `--follow`
 * to keep streaming), or undefined: a local log, or a bottle that is not running,
 * whose log was copied into the state folder when its gate went.
 */
export async function auditRelay(stateDir: string): Promise<string[] | undefined> {
  const relay = v.safeParse(AuditRelaySchema, JSON.parse(await readFile(auditRelayFile(stateDir), "utf8").catch(() => "null")));
  if (!relay.success) return undefined;
  return liveness(await readLiveMarker(stateDir)) === "live" ? relay.output.argv : undefined;
}
