import type { Upstream } from "./parse-upstream.ts";

/** How the gate reaches one upstream: the key, the pinned host keys, the token. */
export interface UpstreamCredentials {
  /** The ssh private key's path (the gate's own file, mode 0600). */
  keyFile?: string;
  /** The known_hosts file pinned for this upstream (written 0600 by the gate). */
  knownHostsFile: string;
  /** The https token's value, read from the gate's environment. */
  token?: string;
  /** Extra CA certificates (a PEM file) for an https upstream; by default, the system store. */
  caFile?: string;
  /** By default, 10 s: how long ssh waits to connect and finish its handshake. */
  connectTimeoutSeconds?: number;
  /**
   * The control socket of this repo's shared ssh connection, in a folder only the gate
   * can open; by default none (a connection per git). See {@link upstreamGitEnv}.
   */
  controlPath?: string;
}

/** The environment a git child gets: plain settings, and secrets apart so they stay off logs. */
export interface GitChildEnv {
  env: Record<string, string>;
  secretEnv: Record<string, string>;
}

/**
 * The environment every git the gate runs gets, upstream or not: no system or user
 * config (a developer's `insteadOf` or credential helper must not leak in), never a
 * prompt (a prompt would hang the agent's request), messages in English.
 */
export const HERMETIC_GIT_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_ASKPASS: "",
  SSH_ASKPASS: "",
  LC_ALL: "C",
};

/**
 * The options every ssh to an upstream runs with (see {@link upstreamGitEnv}): git's,
 * which use a shared connection when there is one, and the shared connection's own
 * (`master`, see ssh-connection.ts).
 */
export function sshOptions(credentials: UpstreamCredentials, master = false): string[] {
  return [
    "-F", "/dev/null",
    "-o", "BatchMode=yes",
    "-o", "IdentitiesOnly=yes",
    "-o", "IdentityAgent=none",
    "-o", "StrictHostKeyChecking=yes",
    "-o", `UserKnownHostsFile=${credentials.knownHostsFile}`,
    "-o", "GlobalKnownHostsFile=/dev/null",
    "-o", "UpdateHostKeys=no",
    "-o", `ConnectTimeout=${credentials.connectTimeoutSeconds ?? 10}`,
    // A shared connection is reused, so a dead one must be noticed soon: 2 × 5 s.
    "-o", "ServerAliveInterval=5",
    "-o", "ServerAliveCountMax=2",
    ...(credentials.controlPath === undefined ? [] : ["-o", `ControlMaster=${master ? "yes" : "no"}`, "-o", `ControlPath=${credentials.controlPath}`]),
    ...(credentials.keyFile === undefined ? ["-o", "PubkeyAuthentication=no"] : ["-i", credentials.keyFile]),
  ];
}

/** Quotes a word for the shell git runs `GIT_SSH_COMMAND` through. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The environment for a git that talks to `upstream`. ssh never asks (`BatchMode`),
 * offers only the gate's key (`IdentitiesOnly`, no agent), and trusts only the pinned
 * host keys (`StrictHostKeyChecking=yes` against the gate's own known_hosts), within a
 * connect timeout, so an unreachable or impostor host fails fast with a message. With
 * a control path, the gits of one repo ride its shared ssh connection when it is open
 * (see ssh-connection.ts), instead of a key exchange and login each. The socket is per
 * repo (its name hashes the key and the pinned host keys), so one repo's login never
 * serves another's, and a dead link is noticed within 10 s (keepalives every 5 s). An
 * https token goes in an `Authorization` header through git's `GIT_CONFIG_*`
 * variables, so it is never on argv or in a file; credential helpers are off.
 */
export function upstreamGitEnv(upstream: Upstream, credentials: UpstreamCredentials): GitChildEnv {
  const env: Record<string, string> = { ...HERMETIC_GIT_ENV };
  const secretEnv: Record<string, string> = {};
  const config: [string, string, boolean][] = [["credential.helper", "", false]];
  if (upstream.kind === "ssh") {
    const options = sshOptions(credentials);
    env.GIT_SSH_COMMAND = ["ssh", ...options].map((word, index) => (index === 0 ? word : shellQuote(word))).join(" ");
    env.GIT_SSH_VARIANT = "ssh";
  }
  if (upstream.kind === "https") {
    // A transfer slower than 1 KiB/s for 30 s is a dead upstream, not a slow one.
    config.push(["http.lowSpeedLimit", "1024", false], ["http.lowSpeedTime", "30", false]);
    // The variable, not `http.sslCAInfo`: a GIT_SSL_CAINFO the gate inherited would beat the config.
    if (credentials.caFile !== undefined) env.GIT_SSL_CAINFO = credentials.caFile;
    if (credentials.token !== undefined) {
      // `user:password` is sent as given; a bare token as GitHub's `x-access-token:`,
      // which GitHub, GitLab (any user name) and Gitea all take for HTTP basic auth.
      const pair = credentials.token.includes(":") ? credentials.token : `x-access-token:${credentials.token}`;
      config.push(["http.extraHeader", `Authorization: Basic ${Buffer.from(pair).toString("base64")}`, true]);
    }
  }
  config.forEach(([key, value, secret], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    (secret ? secretEnv : env)[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  env.GIT_CONFIG_COUNT = String(config.length);
  return { env, secretEnv };
}
