import { AUDIT_LOG_NAME, auditLogPath, bottleFiles } from "../../core/paths.ts";
import { ensurePrivateDir, writeJson, writePrivateFile } from "../../core/state.ts";
import type { Egress } from "../../manifest/egress-schema.ts";
import { existsSync } from "node:fs";
import { requestsDir } from "../../gate/services/supervise/bottle-requests.ts";
import type { SuperviseConfig } from "../../gate/services/supervise/supervise-config.ts";
import { REQUESTS_MOUNT } from "../../gate/services/supervise/supervise-plan.ts";

/** The port the gate listens on inside its container (each container has its own). */
export const GATE_PORT = 8080;

/** The gate's control port inside its container (`Bun.serve`: `/healthz`, the supervise MCP server under `/mcp`). */
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
  /** `HOST:PORT` of the control port. */
  control: string;
  /** The supervise MCP server, when the bottle enables it. */
  supervise?: SuperviseConfig;
}

/**
 * The gate's config for a bottle. Route credentials stay `${NAME}` references: the
 * file never holds a secret, the gate reads the values from its own environment.
 */
export function gateConfig(egress: Egress, port: number = GATE_PORT, supervise?: SuperviseConfig): GateConfig {
  return {
    listen: `0.0.0.0:${port}`,
    control: `0.0.0.0:${GATE_CONTROL_PORT}`,
    egress,
    audit: `${GATE_AUDIT_MOUNT}/${AUDIT_LOG_NAME}`,
    ...(supervise === undefined ? {} : { supervise }),
  };
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
export function gateMounts(stateDir: string, options: { supervise?: boolean } = {}): GateMount[] {
  const files = bottleFiles(stateDir);
  return [
    { host: files.gateConfig, guest: GATE_CONFIG_MOUNT, readOnly: true },
    { host: files.auditDir, guest: GATE_AUDIT_MOUNT, readOnly: false },
    // Supervise: the gate writes requests there, the CLI their decisions.
    ...(options.supervise === true ? [{ host: requestsDir(stateDir), guest: REQUESTS_MOUNT, readOnly: false }] : []),
  ];
}

/** `--volume` arguments for `docker run` of the gate. */
export function gateVolumeArgs(mounts: readonly GateMount[]): string[] {
  return mounts.flatMap(({ host, guest, readOnly }) => ["--volume", `${host}:${guest}${readOnly ? ":ro" : ""}`]);
}

/**
 * Writes the gate's config and makes its audit log (0600, in a 0700 folder; the gate
 * runs as this host user, so it can append) and, with supervise, its requests folder.
 * An existing log (and requests, with their approvals) is kept: a resumed bottle's
 * audit goes on in the same file, and its session approvals still apply.
 */
export async function writeGateFiles(stateDir: string, egress: Egress, port: number = GATE_PORT, supervise?: SuperviseConfig): Promise<void> {
  const files = bottleFiles(stateDir);
  await ensurePrivateDir(files.auditDir);
  // Made here, 0700 and ours: a folder docker creates for a missing mount is root's.
  if (supervise !== undefined) await ensurePrivateDir(requestsDir(stateDir));
  const log = auditLogPath(stateDir);
  await Promise.all([writeJson(files.gateConfig, gateConfig(egress, port, supervise)), existsSync(log) ? Promise.resolve() : writePrivateFile(log, "")]);
}
