import { existsSync } from "node:fs";
import type { Runner, RunningProcess } from "../../../core/runner.ts";
import type { Upstream } from "./parse-upstream.ts";
import { HERMETIC_GIT_ENV, sshOptions, type UpstreamCredentials } from "./upstream-access.ts";

/** By default, a shared connection ends a minute after it was last asked for. */
const IDLE_MS = 60_000;

/** Where ssh connects: `[user@]host`, with `-p` off port 22. */
function destination(upstream: Extract<Upstream, { kind: "ssh" }>): string[] {
  const target = upstream.user === undefined ? upstream.host : `${upstream.user}@${upstream.host}`;
  return [...(upstream.port === undefined ? [] : ["-p", String(upstream.port)]), target];
}

/**
 * One repo's shared ssh connection to its upstream: an `ssh -M -N` master the gate
 * runs as its own child, whose control socket the repo's gits use
 * (`ControlMaster=no`: use it if it is there, else connect alone). The gate opens it
 * as a push begins, so the key exchange and login happen while the agent builds and
 * sends its pack, and the push upstream in the pre-receive hook only opens a session
 * on it; fetches ride it while it is up. It is not ssh's own `ControlPersist`, which forks the
 * master away: in the gate container the gate is PID 1 and would collect a zombie
 * per connection. It retires after a minute unasked (taking no new sessions, ending
 * when its last one does), ends when the link dies (keepalives), or with the gate.
 */
export class SshConnection {
  readonly controlPath: string;
  readonly #runner: Runner;
  readonly #upstream: Extract<Upstream, { kind: "ssh" }>;
  readonly #credentials: UpstreamCredentials;
  readonly #idleMs: number;
  #master: RunningProcess | undefined;
  /** Retired masters still carrying sessions: the gate's close ends them too. */
  readonly #retiring = new Set<RunningProcess>();
  #opening: Promise<void> | undefined;
  #idle: Timer | undefined;

  constructor(runner: Runner, upstream: Extract<Upstream, { kind: "ssh" }>, credentials: UpstreamCredentials & { controlPath: string }, idleMs = IDLE_MS) {
    this.#runner = runner;
    this.#upstream = upstream;
    this.#credentials = credentials;
    this.controlPath = credentials.controlPath;
    this.#idleMs = idleMs;
  }

  /**
   * Resolves once the master is logged in (its socket is there) or has failed; a
   * failure is only a slower git, which connects by itself and reports what went wrong.
   */
  open(): Promise<void> {
    this.#touch();
    if (this.#master !== undefined && existsSync(this.controlPath)) return Promise.resolve();
    this.#opening ??= this.#start().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  /** Resolves when an opening under way is done (at once when none is): never starts one. */
  settled(): Promise<void> {
    return this.#opening ?? Promise.resolve();
  }

  /** Ends the master (and any retired one) now. */
  async close(): Promise<void> {
    clearTimeout(this.#idle);
    const masters = [...this.#retiring, ...(this.#master === undefined ? [] : [this.#master])];
    this.#master = undefined;
    for (const master of masters) master.kill("SIGTERM");
    await Promise.all(masters.map((master) => master.exited.catch(() => undefined)));
  }

  /**
   * Idle: the master stops taking new sessions (`-O stop`) and ends by itself once the
   * ones it carries are done; a fetch still riding it is never cut. The next open
   * starts a new one.
   */
  async #retire(): Promise<void> {
    const master = this.#master;
    if (master === undefined || this.#opening !== undefined) return;
    this.#master = undefined;
    this.#retiring.add(master);
    void master.exited.finally(() => this.#retiring.delete(master));
    const stopped = await this.#runner.run(["ssh", "-F", "/dev/null", "-o", `ControlPath=${this.controlPath}`, "-O", "stop", "gate"], { env: HERMETIC_GIT_ENV, check: false, timeoutMs: 5_000 });
    if (stopped.exitCode !== 0) master.kill("SIGTERM");
  }

  #touch(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => void this.#retire(), this.#idleMs);
    // An idle connection never keeps the gate (or a test) running.
    this.#idle.unref();
  }

  async #start(): Promise<void> {
    // A master without its socket is stuck: it goes. Retired ones finish their sessions.
    const stale = this.#master;
    this.#master = undefined;
    stale?.kill("SIGTERM");
    await stale?.exited.catch(() => undefined);
    // No idle clock while logging in: a login slower than the idle time (~0.3–0.5 s
    // here against a 300 ms test idle) had the idle retire kill the master before its
    // socket was up, since `-O stop` cannot reach a master without one.
    clearTimeout(this.#idle);
    const master = this.#runner.start(["ssh", ...sshOptions(this.#credentials, true), "-N", ...destination(this.#upstream)], { env: HERMETIC_GIT_ENV, check: false });
    this.#master = master;
    let ended = false;
    void master.exited.then(() => {
      ended = true;
      if (this.#master === master) this.#master = undefined;
    });
    const until = performance.now() + ((this.#credentials.connectTimeoutSeconds ?? 10) + 5) * 1000;
    while (!ended && !existsSync(this.controlPath) && performance.now() < until) await Bun.sleep(10);
    // Idle counts from when it is up, not from when the login began.
    this.#touch();
  }
}
