import { auditLogPath } from "../../core/paths.ts";
import { writePrivateFile } from "../../core/state.ts";
import { GATE_BINARY } from "../gate-runtime/probe-gate.ts";
import { execCaptured } from "./exec-in-pod.ts";
import type { KubeClient } from "./kube-client.ts";
import { GATE_CONFIG_DIR } from "./render-gate.ts";

/** The argv, in the gate's container, that prints its audit log (`bottle gate audit`). */
export function gateAuditArgv(follow: boolean): string[] {
  return [GATE_BINARY, "gate", "audit", "--config", `${GATE_CONFIG_DIR}/gate.json`, ...(follow ? ["--follow"] : [])];
}

/**
 * Copies the gate's audit log from its state claim into the bottle's state folder
 * (0600), over the exec API, before its pod goes: `bottle logs --gate` then reads it
 * after `stop`, as with docker. The claim keeps the whole log, so each copy is the
 * whole log. Never throws (a gate that is gone or never started has nothing to give):
 * teardown must go on.
 */
export async function saveGateAudit(client: KubeClient, gatePod: string, stateDir: string): Promise<void> {
  try {
    const read = await execCaptured(client, gatePod, "gate", gateAuditArgv(false));
    if (read.exitCode === 0 && read.stdout !== "") await writePrivateFile(auditLogPath(stateDir), read.stdout);
  } catch {
    // No gate to ask: the last copy stays.
  }
}
