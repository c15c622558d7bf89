import { AUDIT_LOG_NAME } from "../../core/paths.ts";
import { BottleError } from "../../core/errors.ts";
// The agent's env follows the same rules as every backend's (the neutral agent module).
import { agentEnv } from "../agent/agent-env.ts";
import type { Settings } from "../../core/settings.ts";
import { superviseSettings } from "../../manifest/supervise-schema.ts";
import { AGENT_TRUST_ENV } from "../../gate/tls/agent-trust.ts";
import { gateTls, inspectsTls } from "../../manifest/tls-schema.ts";
import { agentGitEnv, GATE_GIT_MOUNTS, type GitGatePlan } from "../../gate/services/git/plan-git-gate.ts";
import { REQUESTS_MOUNT, SUPERVISE_URL_ENV } from "../../gate/services/supervise/supervise-plan.ts";
import { SUPERVISE_PREFIX, SUPERVISE_TOKEN_ENV } from "../../gate/services/supervise/supervise-config.ts";
import type { GateConfig } from "../gate-runtime/gate-config.ts";
import type { StartSpec } from "../types.ts";
import type { KubernetesBottle, SecretSource } from "./kube-bottle.ts";
import { kubeNames, serviceHostVariable } from "./kube-names.ts";
import { kubeTarget } from "./kube-target.ts";

/** The gate's port in its pod (each pod has its own network namespace). */
export const KUBE_GATE_PORT = 8080;
/** The gate's control port in its pod: `/healthz`, supervise, git, the CA certificate. */
export const KUBE_CONTROL_PORT = 8081;

/** Where the gate's state claim is mounted: its audit log, supervise requests, git mirrors. */
export const GATE_STATE_DIR = "/var/lib/bottle";
/**
 * Where the gate's git keys are mounted in its pod (one file per repo, from its
 * Secret): docker's folder for them, and not inside the config's read-only ConfigMap
 * volume, where the runtime would have to make the mount point.
 */
export const GATE_KEYS_DIR = GATE_GIT_MOUNTS.keys;
/** Where the agent's trust bundle (the image's roots plus the gate's CA) is written at launch, with TLS inspection. */
export const AGENT_TRUST_DIR = "/var/run/bottle-trust";

/** What the start spec does not say: resolved by `prepare` (images, namespace, owner, git). */
export interface KubernetesInputOptions {
  owner: string;
  /** The namespace, when the manifest, a flag and the kubeconfig all leave it open: `default`. */
  namespace: string;
  images: { agent: string; gate: string };
  settings: Settings;
  /** By default, the default agent image's user: uid 1000, home /home/agent. */
  agentUser?: { uid: number; home: string };
  /** The git gate's repos as `planGitGate` resolved them (host keys pinned); by default none. */
  git?: GitGatePlan;
  /** A person is at the CLI's terminal: supervise requests may wait for them. By default, no one. */
  attended?: boolean;
}

/** A git repo's key as a Secret key: `git-<repo>` (repo names are unique per bottle). */
export function gitKeyName(repo: string): string {
  return `git-${repo}`;
}

/**
 * The git gate's repos with the paths of the gate's pod: a key is a file of the gate's
 * Secret; a local upstream (a folder of this host) cannot reach a cluster, and is
 * refused here rather than failing in the gate.
 */
function kubeGitRepos(git: GitGatePlan, bottleName: string): { repos: GitGatePlan["repos"]; keys: SecretSource[] } {
  const keys: SecretSource[] = [];
  const repos = git.repos.map((repo) => {
    if (repo.upstream.startsWith(GATE_GIT_MOUNTS.local)) {
      throw new BottleError(`bottles.${bottleName}.git "${repo.name}": a local upstream cannot reach a Kubernetes cluster`, {
        hint: "name an ssh or https upstream the cluster can reach, or use the docker backend",
      });
    }
    if (repo.key === undefined) return repo;
    const host = git.mounts.find((mount) => mount.guest === repo.key)!.host;
    keys.push({ key: gitKeyName(repo.name), file: host });
    return { ...repo, key: `${GATE_KEYS_DIR}/${gitKeyName(repo.name)}` };
  });
  return { repos, keys };
}

/**
 * Resolves a start spec into what the renderers take. The agent names the gate through
 * the Service's variable (`$(…_SERVICE_HOST)`), which the kubelet expands when the pod
 * starts; the agent's literal and forwarded env and the gate's credentials become
 * Secret sources, read only at launch. The gate's config is the docker gate's: the
 * audit log, supervise requests and git mirrors on its state claim, keys from its Secret.
 */
export function kubernetesInput(spec: StartSpec, options: KubernetesInputOptions): KubernetesBottle {
  const names = kubeNames(spec.identity);
  const target = kubeTarget(spec.bottle.runtime, spec.bottle.kubernetes, spec.manifestDir, options.settings);
  const gateHost = `$(${serviceHostVariable(names.service)})`;
  const git = options.git ?? { repos: [], mounts: [], secretNames: [], views: [] };
  const { repos, keys } = kubeGitRepos(git, spec.bottleName);
  const supervise = superviseSettings(spec.bottle.supervise);
  // Inspection unless the manifest turns it off; the gate's config says so explicitly (a gate without `tls` inspects nothing).
  const inspect = inspectsTls(spec.bottle.egress);
  const trustBundle = inspect ? `${AGENT_TRUST_DIR}/ca-certificates.crt` : undefined;
  const fixed: Record<string, string> = {
    ...agentEnv(spec, gateHost, KUBE_GATE_PORT),
    ...agentGitEnv(git, `http://${gateHost}:${KUBE_CONTROL_PORT}`),
    // The system bundle is root's: the agent's clients trust a bundle of its own instead.
    ...(trustBundle === undefined ? {} : Object.fromEntries(Object.keys(AGENT_TRUST_ENV).map((name) => [name, trustBundle]))),
  };
  const superviseUrl = `http://${gateHost}:${KUBE_CONTROL_PORT}${SUPERVISE_PREFIX}`;
  if (supervise.enabled) fixed[SUPERVISE_URL_ENV] = superviseUrl;
  const minted: SecretSource[] = supervise.enabled ? [{ key: SUPERVISE_TOKEN_ENV, minted: true }] : [];
  const secretEnv: SecretSource[] = [
    ...Object.entries(spec.env.literal).map(([key, literal]) => ({ key, literal })),
    ...spec.env.forwarded.map(({ key, from }) => ({ key, env: from })),
    ...minted,
  ];
  // A literal could hold `$(X)`, which the kubelet would expand in `env`: literals travel
  // through the Secret (`envFrom` values are never expanded); bottle's own hold only the
  // gate's variable.
  const gateSources: SecretSource[] = [
    ...spec.routeSecrets.map((name) => ({ key: name, env: name })),
    // An https repo's token is `${NAME}`: the gate reads NAME from its environment.
    ...git.secretNames.map((name) => ({ key: name, env: name })),
    ...keys,
    ...minted,
  ];
  // A variable a route and a repo both use is one Secret key.
  const gateSecrets = gateSources.filter((source, index) => gateSources.findIndex((other) => other.key === source.key) === index);
  const config: GateConfig = {
    listen: `0.0.0.0:${KUBE_GATE_PORT}`,
    control: `0.0.0.0:${KUBE_CONTROL_PORT}`,
    egress: { ...spec.bottle.egress, tls: gateTls(spec.bottle.egress) },
    audit: `${GATE_STATE_DIR}/${AUDIT_LOG_NAME}`,
    ...(supervise.enabled
      ? {
          supervise: {
            requests: REQUESTS_MOUNT,
            token_env: SUPERVISE_TOKEN_ENV,
            attended: options.attended === true || supervise.whenUnattended === "wait",
            wait_seconds: 45,
            expire_after_seconds: supervise.expireAfterSeconds,
          },
        }
      : {}),
    ...(repos.length === 0 ? {} : { state: GATE_GIT_MOUNTS.state, git: repos }),
  };
  const user = options.agentUser ?? { uid: 1000, home: "/home/agent" };
  return {
    identity: spec.identity,
    owner: options.owner,
    namespace: target.namespace ?? options.namespace,
    names,
    target,
    agent: {
      image: options.images.agent,
      uid: user.uid,
      home: user.home,
      env: fixed,
      secretEnv,
      trustBundle,
      supervise: supervise.enabled ? { url: superviseUrl, tokenKey: SUPERVISE_TOKEN_ENV } : undefined,
    },
    gate: { image: options.images.gate, port: KUBE_GATE_PORT, controlPort: KUBE_CONTROL_PORT, config, secrets: gateSecrets },
    resources: { cpus: spec.bottle.resources.cpus, memory: spec.bottle.resources.memory },
  };
}
