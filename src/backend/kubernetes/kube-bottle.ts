import type { GateConfig } from "../gate-runtime/gate-config.ts";
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
  | { key: string; literal: string }
  /** A value minted at each launch (the supervise bearer token), the same in every Secret that names it. */
  | { key: string; minted: true };

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
    /**
     * TLS inspection: launch installs the gate's CA into a bundle of the agent's own
     * (the pod cannot write the system one: it runs as its user, capabilities dropped),
     * which the agent's trust variables name.
     */
    trustBundle: string | undefined;
    /** Supervise: the MCP server's URL (`$(…)` expanded by the kubelet) for Claude Code's config; its token is in the agent's Secret. */
    supervise: { url: string; tokenKey: string } | undefined;
  };
  gate: {
    image: string;
    port: number;
    /** The control port: `/healthz`, supervise under `/mcp`, git under `/git/`, the CA under `/tls/`. */
    controlPort: number;
    /** The gate's config (`bottle gate --config`); credentials stay `${NAME}` references, paths are the gate pod's. */
    config: GateConfig;
    /** Route credentials (env) and git keys (files), into the gate's Secret. */
    secrets: SecretSource[];
  };
  resources: { cpus?: number | undefined; memory?: string | undefined };
}
