import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./errors.ts";
import { NAME_PATTERN } from "./identity.ts";

type Env = Record<string, string | undefined>;

function xdg(env: Env, name: string, fallback: string): string {
  const value = env[name];
  // The XDG spec says relative paths are invalid and must be ignored.
  return value !== undefined && value.startsWith("/") ? value : join(env.HOME ?? homedir(), fallback);
}

/**
 * A bottle identity checked before it becomes part of a path: `../x` or `a/b` from the
 * command line must never name a folder outside the state root.
 */
export function checkedIdentity(identity: string): string {
  if (!isIdentityName(identity)) {
    throw new UsageError(`not a bottle identity: ${JSON.stringify(identity)}`, "`bottle list` shows the bottles there are");
  }
  return identity;
}

/** True when a name could be a bottle identity (a state folder of one); anything else there is not ours. */
export function isIdentityName(name: string): boolean {
  return NAME_PATTERN.test(name) && name.length <= 128;
}

/** The one place that knows where bottle keeps things on the host. */
export function bottlePaths(env: Env = process.env) {
  const state = join(xdg(env, "XDG_STATE_HOME", ".local/state"), "bottle");
  const cache = join(xdg(env, "XDG_CACHE_HOME", ".cache"), "bottle");
  const config = join(xdg(env, "XDG_CONFIG_HOME", ".config"), "bottle");
  return {
    state,
    cache,
    config,
    /** `$XDG_CONFIG_HOME/bottle/bottle.yaml`, the last manifest looked for before the built-in one. */
    userManifest: join(config, "bottle.yaml"),
    /** Per-bottle state: metadata.json and one folder per gate service. The identity is checked first. */
    bottleState: (identity: string) => join(state, checkedIdentity(identity)),
    /** The gate's audit log (JSON lines, 0600), kept in the bottle's state so it outlives the gate (see `auditLogPath`). */
    gateAuditLog: (identity: string) => auditLogPath(join(state, checkedIdentity(identity))),
    /** smolmachines artifacts keyed by the first 16 hex digits of the agent image ID. */
    smolmachinesCache: (imageKey: string) => join(cache, "smolmachines", imageKey),
    /** The compiled gate binaries (from source), keyed by the sources. */
    gateBinaries: join(cache, "gate"),
    /** The folder the embedded default Dockerfile is written into as a build context. */
    defaultAgentContext: join(cache, "agent-default"),
  };
}

export type BottlePaths = ReturnType<typeof bottlePaths>;

/**
 * The files of one bottle inside its state folder, the same for every backend. The
 * folder outlives the bottle's running parts: it is removed only when a person asks
 * (`bottle rm`, `cleanup --all --yes`, `start --rm`).
 */
export function bottleFiles(stateDir: string) {
  return {
    /** `BottleMetadata`: identity, backend, agent, creation time, the spec it runs. */
    metadata: join(stateDir, "metadata.json"),
    /** Who keeps it alive (see live-marker.ts). */
    live: join(stateDir, "live.json"),
    /** The backend's resolved plan details (`docker.json`, `smolmachines.json`…). */
    details: (backend: string) => join(stateDir, `${backend}.json`),
    /** The agent's command and user as launch found them, for attach. */
    agent: join(stateDir, "agent.json"),
    /** Literal agent env for `--env-file` (0600). */
    envFile: join(stateDir, "agent.env"),
    /** The gate's config, mounted read-only into the gate. */
    gateConfig: join(stateDir, "gate", "config.json"),
    /** The workspace's size as measured when the bottle last stopped (see workspace-size-at-stop.ts). */
    workspaceSize: join(stateDir, "workspace-size.json"),
    /** The folder mounted read-write into the gate for its audit log. */
    auditDir: join(stateDir, "audit"),
    /** Host folders a microVM mounts: its workspace, skills and agent home. */
    workspace: join(stateDir, "workspace"),
    skills: join(stateDir, "skills"),
    home: join(stateDir, "home"),
  };
}

/** The audit log file name inside `auditDir` (and inside the gate's mount of it). */
export const AUDIT_LOG_NAME = "audit.jsonl";

/**
 * The gate's audit log of a bottle: JSON lines, 0600, in its state folder, so it is
 * there after the gate is gone (`bottle logs --gate` after `stop`).
 */
export function auditLogPath(stateDir: string): string {
  return join(bottleFiles(stateDir).auditDir, AUDIT_LOG_NAME);
}
