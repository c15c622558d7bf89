import { AUDIT_LOG_NAME, auditLogPath, bottleFiles } from "../../core/paths.ts";
import { ensurePrivateDir, writeJson, writePrivateFile } from "../../core/state.ts";
import type { Egress } from "../../manifest/egress-schema.ts";
import { existsSync } from "node:fs";
import { requestsDir } from "../../gate/services/supervise/bottle-requests.ts";
import type { SuperviseConfig } from "../../gate/services/supervise/supervise-config.ts";
import { REQUESTS_MOUNT } from "../../gate/services/supervise/supervise-plan.ts";
import { join } from "node:path";
import { GATE_GIT_MOUNTS, type GitGatePlan } from "../../gate/services/git/plan-git-gate.ts";
import type { GateGitRepo } from "../../gate/services/git/git-config-schema.ts";

/** The port the gate listens on inside its container (each container has its own). */
export const GATE_PORT = 8080;

/** The gate's control port inside its container (`Bun.serve`: `/healthz`, the supervise MCP server under `/mcp`, the git gate under `/git/`). */
export const GATE_CONTROL_PORT = 8081;

/** Where the gate's config is mounted inside its container. */
export const GATE_CONFIG_MOUNT = "/etc/bottle/gate.json";

/**
 * The most memory the gate's container may use (docker's units; Kubernetes takes it
 * through `memoryQuantity`). The gate idles at ~65 MiB and peaks near 300 MiB (1,500
 * stalled bodies, a 32 MiB `git log -p` of a push): the limit keeps one hostile bottle's
 * gate from taking the host's memory, with room to spare for a bottle that works.
 */
export const GATE_MEMORY = "1g";

/** The most processes and threads the gate's container may run: Bun's threads, up to 8 git children and their helpers (git-slots.ts), ssh. */
export const GATE_PIDS = 512;

/** `docker run` flags that cap the gate's container; swap as large as the memory: a gate over its limit is stopped, not slowed. */
export const GATE_CONTAINER_LIMITS = ["--memory", GATE_MEMORY, "--memory-swap", GATE_MEMORY, "--pids-limit", String(GATE_PIDS)];

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
  /** With git repos: the gate's state folder (mirrors) and the repos. */
  state?: string;
  git?: GateGitRepo[];
}

/**
 * The gate's config for a bottle. Route credentials stay `${NAME}` references: the
 * file never holds a secret, the gate reads the values from its own environment.
 */
export function gateConfig(egress: Egress, port: number = GATE_PORT, supervise?: SuperviseConfig, git?: GitGatePlan): GateConfig {
  return {
    listen: `0.0.0.0:${port}`,
    control: `0.0.0.0:${GATE_CONTROL_PORT}`,
    egress,
    audit: `${GATE_AUDIT_MOUNT}/${AUDIT_LOG_NAME}`,
    ...(supervise === undefined ? {} : { supervise }),
    ...(git === undefined || git.repos.length === 0 ? {} : { state: GATE_GIT_MOUNTS.state, git: git.repos }),
  };
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
export function gateMounts(stateDir: string, options: { supervise?: boolean; git?: GitGatePlan } = {}): GateMount[] {
  const files = bottleFiles(stateDir);
  const git = options.git !== undefined && options.git.repos.length > 0 ? options.git : undefined;
  return [
    { host: files.gateConfig, guest: GATE_CONFIG_MOUNT, readOnly: true },
    { host: files.auditDir, guest: GATE_AUDIT_MOUNT, readOnly: false },
    // Supervise: the gate writes requests there, the CLI their decisions.
    ...(options.supervise === true ? [{ host: requestsDir(stateDir), guest: REQUESTS_MOUNT, readOnly: false }] : []),
    // The git gate: its mirrors' folder, and each repo's key (read-only) or local upstream.
    ...(git === undefined ? [] : [{ host: gateStateDir(stateDir), guest: GATE_GIT_MOUNTS.state, readOnly: false }, ...git.mounts]),
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
export async function writeGateFiles(stateDir: string, egress: Egress, port: number = GATE_PORT, supervise?: SuperviseConfig, git?: GitGatePlan): Promise<void> {
  const files = bottleFiles(stateDir);
  await ensurePrivateDir(files.auditDir);
  // Made here, 0700 and ours: a folder docker creates for a missing mount is root's.
  if (supervise !== undefined) await ensurePrivateDir(requestsDir(stateDir));
  if (git !== undefined && git.repos.length > 0) await ensurePrivateDir(gateStateDir(stateDir));
  const log = auditLogPath(stateDir);
  await Promise.all([writeJson(files.gateConfig, gateConfig(egress, port, supervise, git)), existsSync(log) ? Promise.resolve() : writePrivateFile(log, "")]);
}
