import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { BottleError } from "../../../core/errors.ts";
import type { Runner } from "../../../core/runner.ts";
import type { GitRepo } from "../../../manifest/schema.ts";
import type { GateGitRepo } from "./git-config-schema.ts";
import { parseUpstream, type Upstream } from "./parse-upstream.ts";
import { lookupHostKeys, pinHostKeys } from "./pin-host-keys.ts";

/** Where the gate container sees what the git gate mounts from the host. */
export const GATE_GIT_MOUNTS = { keys: "/run/bottle/git", local: "/srv/bottle/git", state: "/var/lib/bottle/gate" } as const;

/** One host file or folder the gate mounts for a repo. */
export interface GitGateMount {
  host: string;
  guest: string;
  readOnly: boolean;
}

/** A repo as `bottle plan` shows it: where it goes and what the agent may push. */
export interface GitRepoView {
  name: string;
  upstream: string;
  push: string[];
  force: boolean;
  delete: boolean;
  tags: boolean;
  /** Where the pinned host key came from (`host_key`, `~/.ssh/known_hosts`), for ssh. */
  hostKeyFrom?: string;
}

/** What a backend needs to run the git gate for a bottle. No secret values. */
export interface GitGatePlan {
  /** The gate config's `git` entries, with paths as the gate sees them. */
  repos: GateGitRepo[];
  mounts: GitGateMount[];
  /** Host variables the gate needs (`token: ${NAME}`), forwarded to the gate only. */
  secretNames: string[];
  views: GitRepoView[];
}

/** Options for {@link planGitGate}. */
export interface PlanGitGateOptions {
  runner: Runner;
  /** The manifest's folder: relative `key` and local upstream paths are its. */
  manifestDir: string;
  /** By default, `$HOME` or the user's home: `~` and `~/.ssh/known_hosts`. */
  home?: string;
}

/**
 * Resolves a bottle's `git` repos for the gate, at plan time: keys and local
 * upstreams become mounts (the key read-only, never copied), each ssh upstream's host
 * key is pinned (from `host_key`, else the user's `~/.ssh/known_hosts`; none found is
 * an error now, not a refused connection later), and tokens stay names.
 */
export async function planGitGate(repos: readonly GitRepo[], options: PlanGitGateOptions): Promise<GitGatePlan> {
  const home = options.home ?? process.env.HOME ?? homedir();
  const path = (text: string) => {
    const expanded = text === "~" || text.startsWith("~/") ? join(home, text.slice(1)) : text;
    return isAbsolute(expanded) ? expanded : join(options.manifestDir, expanded);
  };
  const plan: GitGatePlan = { repos: [], mounts: [], secretNames: [], views: [] };
  for (const repo of repos) {
    const fail = (message: string, hint?: string) => new BottleError(`git repo ${repo.name}: ${message}`, hint === undefined ? {} : { hint });
    const relative = /^\.{1,2}\//.test(repo.upstream);
    const parsed = parseUpstream(relative ? path(repo.upstream) : repo.upstream);
    if (!parsed.ok) throw fail(parsed.message);
    const upstream: Upstream = parsed.upstream;
    const entry: GateGitRepo = { name: repo.name, upstream: repo.upstream, push: [...repo.push], force: repo.force, delete: repo.delete, tags: repo.tags };
    const view: GitRepoView = { name: repo.name, upstream: repo.upstream, push: [...repo.push], force: repo.force, delete: repo.delete, tags: repo.tags };
    if (upstream.kind === "local") {
      if (!existsSync(join(upstream.path, "HEAD")) && !existsSync(join(upstream.path, ".git"))) throw fail(`no git repository at ${upstream.path}`);
      const guest = `${GATE_GIT_MOUNTS.local}/${repo.name}.git`;
      plan.mounts.push({ host: upstream.path, guest, readOnly: false });
      entry.upstream = guest;
    }
    if (upstream.kind === "ssh") {
      let hostKeys = repo.host_key;
      view.hostKeyFrom = "host_key";
      if (hostKeys === undefined) {
        const knownHosts = join(home, ".ssh", "known_hosts");
        hostKeys = existsSync(knownHosts) ? await lookupHostKeys(options.runner, knownHosts, upstream) : "";
        view.hostKeyFrom = "~/.ssh/known_hosts";
        if (hostKeys === "") {
          throw fail(`no host key for ${upstream.host}: set host_key, or add the host to ~/.ssh/known_hosts`, `ssh-keyscan ${upstream.port === undefined ? "" : `-p ${upstream.port} `}${upstream.host} shows its keys; check them before trusting them`);
        }
      }
      const pinned = pinHostKeys(upstream, hostKeys);
      if (!pinned.ok) throw fail(`host_key: ${pinned.message}`);
      entry.known_hosts = pinned.knownHosts;
      if (repo.key !== undefined) {
        const key = path(repo.key);
        if (!existsSync(key)) throw fail(`the key ${key} does not exist`);
        if ((statSync(key).mode & 0o077) !== 0) throw fail(`the key ${key} is readable by others; ssh refuses it`, `chmod 600 ${key}`);
        const guest = `${GATE_GIT_MOUNTS.keys}/${repo.name}.key`;
        plan.mounts.push({ host: key, guest, readOnly: true });
        entry.key = guest;
      }
    } else if (repo.key !== undefined || repo.host_key !== undefined) {
      throw fail("key and host_key are for ssh upstreams");
    }
    if (repo.token !== undefined) {
      if (upstream.kind !== "https") throw fail("token is for https upstreams");
      entry.token = repo.token;
      plan.secretNames.push(/^\$\{(\w+)\}$/.exec(repo.token)![1]!);
    }
    plan.repos.push(entry);
    plan.views.push(view);
  }
  plan.secretNames = [...new Set(plan.secretNames)];
  return plan;
}

/**
 * The agent's git settings, as `GIT_CONFIG_*` environment (no file to write in the
 * agent, and nothing secret): each upstream, with and without `.git`, is rewritten to
 * the gate (`url.<gate>/git/<name>.git.insteadOf`), so `git clone <upstream>` and an
 * `origin` copied in with `--cwd` both go through the gate.
 */
export function agentGitEnv(plan: GitGatePlan, gateBase: string): Record<string, string> {
  const pairs: [string, string][] = [];
  for (const repo of plan.views) {
    const target = `${gateBase}/git/${repo.name}.git`;
    const bare = repo.upstream.replace(/\.git$/, "");
    for (const from of new Set([repo.upstream, bare])) pairs.push([`url.${target}.insteadOf`, from]);
  }
  if (pairs.length === 0) return {};
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}
