import type { Egress } from "../../manifest/egress-schema.ts";
import type { KubeNames } from "./kube-names.ts";
import type { KubeTarget } from "./kube-target.ts";

/**
 * Where one value of a Secret comes from. Values are read at launch only: a rendered
 * object (and so `bottle plan`) names the key, never the value.
 */
export type SecretSource =
  /** A host environment variable (route credentials, forwarded agent env). */
  | { key: string; env: string }
  /** A host file (a git deploy key), read by the CLI, mounted into the gate only. */
  | { key: string; file: string }
  /** A literal agent env value from the manifest (kept off the pod spec, like docker's env-file). */
  | { key: string; literal: string };

/** Everything the renderers need, resolved once from the start spec. No secret values. */
export interface KubernetesBottle {
  identity: string;
  /** The CLI's state root: its hash is the owner label, so cleanup reaps only its own. */
  owner: string;
  namespace: string;
  names: KubeNames;
  target: KubeTarget;
  agent: {
    image: string;
    /** The uid the agent runs as (non-root); its group is the same number. */
    uid: number;
    /** The agent user's home, a claim of its own so `~/.claude` survives a stop. */
    home: string;
    /** Set by bottle, not secret (proxies, route URLs, telemetry off); may use `$(VAR)`. */
    env: Record<string, string>;
    /** Literal and forwarded agent env, into the agent's own Secret. */
    secretEnv: SecretSource[];
  };
  gate: {
    image: string;
    port: number;
    /** The gate's config (`bottle gate --config`); credentials stay `${NAME}` references. */
    config: { listen: string; egress: Egress };
    /** Route credentials (env) and git keys (files), into the gate's Secret. */
    secrets: SecretSource[];
  };
  resources: { cpus?: number | undefined; memory?: string | undefined };
}
