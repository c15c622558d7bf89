import { homedir } from "node:os";
import { join } from "node:path";

type Env = Record<string, string | undefined>;

function xdg(env: Env, name: string, fallback: string): string {
  const value = env[name];
  // The XDG spec says relative paths are invalid and must be ignored.
  return value !== undefined && value.startsWith("/") ? value : join(env.HOME ?? homedir(), fallback);
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
    /** Per-bottle state: metadata.json and one folder per gate service. */
    bottleState: (identity: string) => join(state, identity),
    /** The gate's audit log (JSON lines, 0600), kept in the bottle's state so it outlives the gate. */
    gateAuditLog: (identity: string) => join(state, identity, "gate", "audit.jsonl"),
    /** smolmachines artifacts keyed by the first 16 hex digits of the agent image ID. */
    smolmachinesCache: (imageKey: string) => join(cache, "smolmachines", imageKey),
  };
}

export type BottlePaths = ReturnType<typeof bottlePaths>;
