import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
// The agent's env follows the same rules as every backend's (the neutral agent module).
import { agentEnv } from "../agent/agent-env.ts";
import type { Settings } from "../../core/settings.ts";
import type { StartSpec } from "../types.ts";
import type { KubernetesBottle, SecretSource } from "./kube-bottle.ts";
import { kubeNames, serviceHostVariable } from "./kube-names.ts";
import { kubeTarget } from "./kube-target.ts";

/** The gate's port in its pod (each pod has its own network namespace). */
export const KUBE_GATE_PORT = 8080;

/** What the start spec does not say: resolved by `prepare` (images, namespace, owner). */
export interface KubernetesInputOptions {
  owner: string;
  /** The namespace, when the manifest, a flag and the kubeconfig all leave it open: `default`. */
  namespace: string;
  images: { agent: string; gate: string };
  settings: Settings;
  /** By default, the default agent image's user: uid 1000, home /home/agent. */
  agentUser?: { uid: number; home: string };
}

function expandHome(path: string, manifestDir: string): string {
  if (path === "~" || path.startsWith("~/")) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(manifestDir, path);
}

/** A git repo's key as a Secret key: `git-<repo>` (repo names are unique per bottle). */
export function gitKeyName(repo: string): string {
  return `git-${repo}`;
}

/**
 * Resolves a start spec into what the renderers take. The agent names the gate through
 * the Service's variable (`$(…_SERVICE_HOST)`), which the kubelet expands when the pod
 * starts; the agent's literal and forwarded env and the gate's credentials become
 * Secret sources, read only at launch.
 */
export function kubernetesInput(spec: StartSpec, options: KubernetesInputOptions): KubernetesBottle {
  const names = kubeNames(spec.identity);
  const target = kubeTarget(spec.bottle.runtime, spec.bottle.kubernetes, spec.manifestDir, options.settings);
  const fixed = agentEnv(spec, `$(${serviceHostVariable(names.service)})`, KUBE_GATE_PORT);
  const secretEnv: SecretSource[] = [
    ...Object.entries(spec.env.literal).map(([key, literal]) => ({ key, literal })),
    ...spec.env.forwarded.map(({ key, from }) => ({ key, env: from })),
  ];
  // A literal could hold `$(X)`, which the kubelet would expand in `env`: literals travel
  // through the Secret (`envFrom` values are never expanded); bottle's own hold only the
  // gate's variable.
  const gateSources: SecretSource[] = [
    ...spec.routeSecrets.map((name) => ({ key: name, env: name })),
    // An https repo's token is `${NAME}`: the gate reads NAME from its environment.
    ...spec.bottle.git.flatMap((repo) => (repo.token === undefined ? [] : [{ key: repo.token.slice(2, -1), env: repo.token.slice(2, -1) }])),
    ...spec.bottle.git.flatMap((repo) => (repo.key === undefined ? [] : [{ key: gitKeyName(repo.name), file: expandHome(repo.key, spec.manifestDir) }])),
  ];
  // A variable a route and a repo both use is one Secret key.
  const gateSecrets = gateSources.filter((source, index) => gateSources.findIndex((other) => other.key === source.key) === index);
  const user = options.agentUser ?? { uid: 1000, home: "/home/agent" };
  return {
    identity: spec.identity,
    owner: options.owner,
    namespace: target.namespace ?? options.namespace,
    names,
    target,
    agent: { image: options.images.agent, uid: user.uid, home: user.home, env: fixed, secretEnv },
    gate: {
      image: options.images.gate,
      port: KUBE_GATE_PORT,
      config: { listen: `0.0.0.0:${KUBE_GATE_PORT}`, egress: spec.bottle.egress },
      secrets: gateSecrets,
    },
    resources: { cpus: spec.bottle.resources.cpus, memory: spec.bottle.resources.memory },
  };
}
