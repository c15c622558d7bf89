import { AUDIT_LOG_NAME, auditLogPath, bottleFiles } from "../../core/paths.ts";
import { ensurePrivateDir, writeJson, writePrivateFile } from "../../core/state.ts";
import type { Egress } from "../../manifest/egress-schema.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { GATE_GIT_MOUNTS, type GitGatePlan } from "../../gate/services/git/plan-git-gate.ts";
import type { GateGitRepo } from "../../gate/services/git/git-config-schema.ts";

/** The port the gate listens on inside its container (each container has its own). */
export const GATE_PORT = 8080;

/** The gate's control port (`/healthz`, the git gate's `/git/`) inside its container. */
export const GATE_CONTROL_PORT = 8081;

/** Where the gate's config is mounted inside its container. */
export const GATE_CONFIG_MOUNT = "/etc/bottle/gate.json";

/** Where the bottle's audit folder is mounted (read-write) inside the gate. */
export const GATE_AUDIT_MOUNT = "/var/log/bottle";

/** What `bottle gate --config` reads (see the gate's config schema). */
export interface GateConfig {
  listen: string;
  egress: Egress;
  /** The audit log inside the gate: a file in the bottle's state folder, so it outlives the gate. */
  audit: string;
  /** With git repos: the control port, the gate's state folder (mirrors) and the repos. */
  control?: string;
  state?: string;
  git?: GateGitRepo[];
}

/**
 * The gate's config for a bottle. Route credentials stay `${NAME}` references: the
 * file never holds a secret, the gate reads the values from its own environment.
 */
export function gateConfig(egress: Egress, port: number = GATE_PORT, git?: GitGatePlan): GateConfig {
  const config: GateConfig = { listen: `0.0.0.0:${port}`, egress, audit: `${GATE_AUDIT_MOUNT}/${AUDIT_LOG_NAME}` };
  if (git !== undefined && git.repos.length > 0) Object.assign(config, { control: `0.0.0.0:${GATE_CONTROL_PORT}`, state: GATE_GIT_MOUNTS.state, git: git.repos });
  return config;
}

/** The gate's own state folder on the host (the git gate's mirrors), kept with the bottle's state. */
export function gateStateDir(stateDir: string): string {
  return join(stateDir, "gate-state");
}

/** One host folder or file the gate container mounts. */
export interface GateMount {
  host: string;
  guest: string;
  readOnly: boolean;
}

/**
 * Everything the gate mounts from the bottle's state folder: its config (read-only)
 * and its audit folder. The seam for gate services that keep state of their own (the
 * git gate's mirrors, a TLS CA): add their mounts here, and every backend gets them.
 */
export function gateMounts(stateDir: string, git?: GitGatePlan): GateMount[] {
  const files = bottleFiles(stateDir);
  const mounts = [
    { host: files.gateConfig, guest: GATE_CONFIG_MOUNT, readOnly: true },
    { host: files.auditDir, guest: GATE_AUDIT_MOUNT, readOnly: false },
  ];
  // The git gate: its mirrors' folder, and each repo's key (read-only) or local upstream.
  if (git !== undefined && git.repos.length > 0) mounts.push({ host: gateStateDir(stateDir), guest: GATE_GIT_MOUNTS.state, readOnly: false }, ...git.mounts);
  return mounts;
}

/** `--volume` arguments for `docker run` of the gate. */
export function gateVolumeArgs(mounts: readonly GateMount[]): string[] {
  return mounts.flatMap(({ host, guest, readOnly }) => ["--volume", `${host}:${guest}${readOnly ? ":ro" : ""}`]);
}

/**
 * Writes the gate's config and makes its audit log (0600, in a 0700 folder; the gate
 * runs as this host user, so it can append). An existing log is kept: a resumed
 * bottle's audit goes on in the same file.
 */
export async function writeGateFiles(stateDir: string, egress: Egress, port: number = GATE_PORT, git?: GitGatePlan): Promise<void> {
  const files = bottleFiles(stateDir);
  await ensurePrivateDir(files.auditDir);
  if (git !== undefined && git.repos.length > 0) await ensurePrivateDir(gateStateDir(stateDir));
  const log = auditLogPath(stateDir);
  await Promise.all([writeJson(files.gateConfig, gateConfig(egress, port, git)), existsSync(log) ? Promise.resolve() : writePrivateFile(log, "")]);
}
