import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BottleError } from "../../../core/errors.ts";
import type { Runner } from "../../../core/runner.ts";
import type { Scanner } from "../../dlp/create-scanner.ts";
import type { PushRepo } from "./decide-push.ts";
import type { GateGitRepo } from "./git-config-schema.ts";
import type { GitSlots } from "./git-slots.ts";
import { Mirror } from "./mirror.ts";
import { parseUpstream, type Upstream } from "./parse-upstream.ts";
import { pinHostKeys } from "./pin-host-keys.ts";
import { SshConnection } from "./ssh-connection.ts";
import { upstreamGitEnv, type UpstreamCredentials } from "./upstream-access.ts";

/** Settings of the git service that tests and deployments may change. */
export interface GitServiceOptions {
  /** By default, the process runner. */
  runner?: Runner;
  /** By default, this binary as `gate git-hook` (see hook-command.ts). */
  hookCommand?: string[];
  /** A PEM file of extra CAs for https upstreams; by default, the system store. */
  caFile?: string;
  /** By default, 10 s. */
  connectTimeoutSeconds?: number;
  /** By default, 1 GiB: the largest pack receive-pack takes (`receive.maxInputSize`). */
  maxPushBytes?: number;
  /** By default, 3 s: how long a mirror update is reused. */
  freshMs?: number;
  /** By default, 256 MiB: a push adding more file bytes is refused before its check reads them. */
  maxCheckedBytes?: number;
  /** Where shared ssh connections' sockets go (short: under ~100 bytes); by default a fresh 0700 temp folder. */
  controlDir?: string;
  /** By default, 8 git children at once and 32 requests waiting (git-slots.ts). */
  slots?: GitSlots;
}

/** One repo the service serves: its config, its mirror, and how to reach upstream. */
export interface RepoRuntime extends PushRepo {
  config: GateGitRepo;
  /** The held secret (the token), for DLP and for cutting from messages. */
  token: string | undefined;
}

/**
 * Makes a repo ready to serve: parses its upstream, pins its host keys into a 0600
 * known_hosts file in the state folder, reads its token from the gate's environment
 * (a missing one is an error naming it, never an anonymous fetch), and sets up its
 * mirror (created or caught up on the first request, or at start). An ssh upstream's
 * gits share one connection through a socket in `controlDir`, named for the URL, the
 * key and the pinned host keys: changed credentials get a connection of their own.
 */
export function buildRepoRuntime(
  config: GateGitRepo,
  stateDir: string,
  env: Record<string, string | undefined>,
  scanner: Scanner,
  dlpAction: PushRepo["dlpAction"],
  options: GitServiceOptions & { runner: Runner },
  previous?: RepoRuntime,
): RepoRuntime {
  const parsed = parseUpstream(config.upstream);
  if (!parsed.ok) throw new BottleError(`git repo ${config.name}: ${parsed.message}`);
  const upstream: Upstream = parsed.upstream;
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const knownHostsFile = join(stateDir, `${config.name}.known_hosts`);
  let controlPath: string | undefined;
  if (upstream.kind === "ssh") {
    const pinned = pinHostKeys(upstream, config.known_hosts ?? "");
    if (!pinned.ok) {
      throw new BottleError(`git repo ${config.name}: ${pinned.message}`, { hint: "set host_key in the manifest, or add the host to ~/.ssh/known_hosts" });
    }
    writeFileSync(knownHostsFile, pinned.knownHosts, { mode: 0o600 });
    if (options.controlDir !== undefined) {
      const identity = createHash("sha256").update(`${upstream.url}\0${config.key ?? ""}\0${pinned.knownHosts}`).digest("hex").slice(0, 16);
      controlPath = join(options.controlDir, `${config.name}-${identity}`);
    }
    if (config.key !== undefined && !existsSync(config.key)) {
      throw new BottleError(`git repo ${config.name}: the key ${config.key} is not there`, { hint: "mount the key into the gate, mode 0600" });
    }
  }
  let token: string | undefined;
  const tokenName = config.token === undefined ? undefined : /^\$\{(\w+)\}$/.exec(config.token)?.[1];
  if (tokenName !== undefined) {
    token = env[tokenName];
    if (token === undefined || token === "") {
      throw new BottleError(`git repo ${config.name} uses \${${tokenName}}, but ${tokenName} is not set in the gate's environment`, {
        hint: `pass ${tokenName} to the gate (docker run -e ${tokenName})`,
      });
    }
  }
  const credentials: UpstreamCredentials = { knownHostsFile };
  if (config.key !== undefined) credentials.keyFile = config.key;
  if (token !== undefined) credentials.token = token;
  if (options.caFile !== undefined) credentials.caFile = options.caFile;
  if (options.connectTimeoutSeconds !== undefined) credentials.connectTimeoutSeconds = options.connectTimeoutSeconds;
  if (controlPath !== undefined) credentials.controlPath = controlPath;
  const access = () => upstreamGitEnv(upstream, credentials);
  const secrets = () => (token === undefined ? [] : [token]);
  // A reload with the same upstream and credentials (the same socket) keeps the connection.
  let connection: SshConnection | undefined;
  if (upstream.kind === "ssh" && controlPath !== undefined) {
    connection = previous?.connection?.controlPath === controlPath ? previous.connection : new SshConnection(options.runner, upstream, { ...credentials, controlPath });
  }
  if (previous?.connection !== undefined && previous.connection !== connection) void previous.connection.close();
  // A reload keeps the mirror (and its turn-taking) when the upstream is the same:
  // two objects over one folder could move a ref under a push.
  let mirror: Mirror;
  if (previous !== undefined && previous.upstream.url === upstream.url) {
    mirror = previous.mirror;
    mirror.retarget({ upstream, access, secrets });
  } else mirror = new Mirror(options.runner, join(stateDir, `${config.name}.git`), { upstream, access, secrets }, options.freshMs);
  return {
    name: config.name,
    config,
    policy: { push: config.push, force: config.force, delete: config.delete, tags: config.tags },
    mirror,
    upstream,
    access,
    secrets,
    scanner,
    dlpAction,
    token,
    ...(connection === undefined ? {} : { connection }),
    ...(options.maxCheckedBytes === undefined ? {} : { maxCheckedBytes: options.maxCheckedBytes }),
  };
}
