import { existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import type { Runner } from "../../../core/runner.ts";
import { describeUpstreamFailure } from "./describe-upstream-failure.ts";
import type { Upstream } from "./parse-upstream.ts";
import { HERMETIC_GIT_ENV, type GitChildEnv } from "./upstream-access.ts";

/** The result of bringing a mirror up to date: expected failures are values. */
export type MirrorUpdate = { ok: true } | { ok: false; message: string };

/** What a mirror needs to reach its upstream; read anew each time, so a reload applies. */
export interface MirrorSource {
  upstream: Upstream;
  access(): GitChildEnv;
  /** Values cut from any message (the token). */
  secrets(): string[];
}

/** By default, a fetch within 3 s of the last successful update reuses it. */
const FRESH_MS = 3_000;
/** A fetch from upstream may take long for a big repo; ssh keepalives catch a dead one. */
const SYNC_TIMEOUT_MS = 30 * 60_000;

/** The refs a mirror keeps: branches and tags, never an upstream's `refs/pull/*` and the like. */
const REFSPECS = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/**
 * A bare mirror of one upstream in the gate's state. Updates are coalesced: callers
 * arriving while one runs share it, and one that succeeded less than a few seconds ago
 * is reused. Updates and pushes take turns ({@link Mirror.exclusive}), so a fetch from
 * upstream never moves a ref under a push that is deciding or landing.
 */
export class Mirror {
  readonly path: string;
  readonly #runner: Runner;
  #source: MirrorSource;
  readonly #freshMs: number;
  #inflight: Promise<MirrorUpdate> | undefined;
  #freshUntil = 0;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(runner: Runner, path: string, source: MirrorSource, freshMs = FRESH_MS) {
    this.#runner = runner;
    this.path = path;
    this.#source = source;
    this.#freshMs = freshMs;
  }

  /** A reloaded config's upstream access (same URL): the next update uses it. */
  retarget(source: MirrorSource): void {
    this.#source = source;
  }

  /** Runs `work` when no update or other push holds the mirror. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(work, work);
    this.#turn = run.catch(() => {});
    return run;
  }

  /** True once the mirror exists on disk (an earlier run's mirror counts). */
  get exists(): boolean {
    return existsSync(`${this.path}/HEAD`);
  }

  /** Brings the mirror up to date with upstream, or says why it could not. */
  update(): Promise<MirrorUpdate> {
    if (performance.now() < this.#freshUntil) return Promise.resolve({ ok: true });
    this.#inflight ??= this.exclusive(() => this.#sync()).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  /** Forgets the last update, so the next fetch asks upstream again (after a push lands). */
  stale(): void {
    this.#freshUntil = 0;
  }

  async #sync(): Promise<MirrorUpdate> {
    const { upstream } = this.#source;
    const access = this.#source.access();
    const git = (args: string[], cwd: string) =>
      this.#runner.run(["git", ...args], { ...access, cwd, check: false, timeoutMs: SYNC_TIMEOUT_MS });
    const fail = (result: { stderr: string; timedOut: boolean }): MirrorUpdate => ({
      ok: false,
      message: describeUpstreamFailure(upstream.url, result.stderr, result.timedOut, this.#source.secrets()),
    });

    let target = this.path;
    const creating = !this.exists;
    if (creating) {
      // Made aside and moved in at the end: a gate killed mid-clone leaves no half mirror.
      target = `${this.path}.incoming-${process.pid}-${Date.now()}`;
      const init = await this.#runner.run(["git", "init", "--bare", "--quiet", target], { env: HERMETIC_GIT_ENV, check: false });
      if (init.exitCode !== 0) return { ok: false, message: `bottle gate: cannot create the mirror: ${init.stderr.trim()}` };
      const settings = [
        ["receive.fsckObjects", "true"],
        ["uploadpack.allowFilter", "true"],
        ["core.logAllRefUpdates", "false"],
        // Keep every fetched or pushed pack as a pack: git's default unpacks fewer than 100
        // objects into loose ones, which each clone from the mirror then compresses anew.
        ["transfer.unpackLimit", "1"],
      ];
      for (const [key, value] of settings) await this.#runner.run(["git", "config", key!, value!], { env: HERMETIC_GIT_ENV, cwd: target });
      // The agent's clone checks out what upstream's HEAD names.
      const head = await git(["ls-remote", "--symref", upstream.url, "HEAD"], target);
      if (head.exitCode !== 0) {
        await rm(target, { recursive: true, force: true });
        return fail(head);
      }
      const branch = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(head.stdout)?.[1];
      if (branch !== undefined) await this.#runner.run(["git", "symbolic-ref", "HEAD", branch], { env: HERMETIC_GIT_ENV, cwd: target });
    }
    // Set here too, for a mirror an earlier gate made without it.
    const fetch = await git(["-c", "fetch.unpackLimit=1", "fetch", "--quiet", "--prune", "--no-write-fetch-head", upstream.url, ...REFSPECS], target);
    if (fetch.exitCode !== 0) {
      if (creating) await rm(target, { recursive: true, force: true });
      return fail(fetch);
    }
    if (creating) await rename(target, this.path);
    this.#freshUntil = performance.now() + this.#freshMs;
    return { ok: true };
  }
}
