import type { Runner } from "../../../core/runner.ts";
import { describeUpstreamFailure, withoutSecrets } from "./describe-upstream-failure.ts";
import type { Upstream } from "./parse-upstream.ts";
import { isNullId, type RefUpdate } from "./ref-update.ts";
import type { GitChildEnv } from "./upstream-access.ts";

/** An accepted update and whether it may replace what upstream has (force allowed, not a fast-forward). */
export interface UpstreamUpdate extends RefUpdate {
  forced: boolean;
}

/** What upstream said: all landed, or the lines that explain why not. */
export type UpstreamPush = { ok: true } | { ok: false; messages: string[]; reason: "upstream-refused" | "upstream-unreachable" };

/** The objects of a push still in receive-pack's quarantine, and the mirror's own. */
export interface QuarantineObjects {
  objectDir: string;
  alternates: string;
}

/** By default, a push to upstream gets 10 minutes. */
const PUSH_TIMEOUT_MS = 10 * 60_000;

/**
 * Pushes the accepted updates to upstream with the gate's key or token, from the
 * quarantine the agent's objects still sit in (so nothing lands in the mirror unless
 * upstream takes it). A forced update or a delete carries `--force-with-lease` on the
 * old id, which is what lets it replace: exactly what the agent saw, never work that
 * reached upstream meanwhile. Several refs go `--atomic`: upstream takes all or none, as the mirror will.
 */
export async function pushUpstream(
  runner: Runner,
  mirrorPath: string,
  upstream: Upstream,
  access: GitChildEnv,
  updates: readonly UpstreamUpdate[],
  objects: QuarantineObjects,
  secrets: readonly string[],
): Promise<UpstreamPush> {
  const refspecs: string[] = [];
  const leases: string[] = [];
  for (const update of updates) {
    if (isNullId(update.new)) refspecs.push(`:${update.ref}`);
    // Never `+`: git lets a `+` refspec override its own lease (remote.c's
    // set_ref_status_for_push, git 2.39), so a stale lease would still overwrite.
    else refspecs.push(`${update.new}:${update.ref}`);
    if (update.forced || isNullId(update.new)) leases.push(`--force-with-lease=${update.ref}:${isNullId(update.old) ? "" : update.old}`);
  }
  const push = (atomic: boolean) =>
    runner.run(["git", "push", "--porcelain", ...(atomic ? ["--atomic"] : []), ...leases, upstream.url, ...refspecs], {
      env: { ...access.env, GIT_OBJECT_DIRECTORY: objects.objectDir, GIT_ALTERNATE_OBJECT_DIRECTORIES: objects.alternates },
      secretEnv: access.secretEnv,
      cwd: mirrorPath,
      check: false,
      timeoutMs: PUSH_TIMEOUT_MS,
    });
  let result = await push(updates.length > 1);
  // An upstream without atomic pushes still takes them one by one; a partial landing
  // leaves the mirror behind upstream (the next fetch catches up), never ahead.
  if (result.exitCode !== 0 && /does not support --atomic/.test(result.stderr)) result = await push(false);
  if (result.exitCode === 0) return { ok: true };

  const rejected = result.stdout
    .split("\n")
    .filter((line) => line.startsWith("!\t"))
    .map((line) => {
      const [, spec = "", summary = ""] = line.split("\t");
      return withoutSecrets(`upstream refused ${spec.split(":").pop()}: ${summary}`, secrets);
    });
  const said = result.stderr
    .split("\n")
    .filter((line) => line.startsWith("remote: ") && line.trim() !== "remote:")
    // What the upstream says goes to the agent: an upstream that echoes the gate's
    // credential (a hook printing what it was sent) must not hand it over (a hunt, this round).
    .map((line) => withoutSecrets(`upstream ${line}`, secrets));
  if (rejected.length === 0 && said.length === 0) {
    // Nothing from upstream itself: it was not reached (or not logged in to).
    return { ok: false, reason: "upstream-unreachable", messages: [describeUpstreamFailure(upstream.url, result.stderr, result.timedOut, secrets).replace(/^bottle gate: /, "")] };
  }
  return { ok: false, reason: "upstream-refused", messages: [...said, ...rejected] };
}
