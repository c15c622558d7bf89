import type { GitRefAudit } from "../../audit.ts";
import type { Runner } from "../../../core/runner.ts";
import type { Scanner } from "../../dlp/create-scanner.ts";
import { ADDED_LINES_LOG_ARGS, OCTOPUS_LOG_ARGS, parseAddedLines } from "./added-lines.ts";
import type { Mirror } from "./mirror.ts";
import type { Upstream } from "./parse-upstream.ts";
import { pushUpstream, type QuarantineObjects, type UpstreamUpdate } from "./push-upstream.ts";
import { readPushedObjects } from "./pushed-objects.ts";
import { decideRefUpdate, type PushPolicy } from "./ref-policy.ts";
import { isNullId, type RefUpdate } from "./ref-update.ts";
import { describeFinding, scanAddedLines } from "./scan-added-lines.ts";
import type { SshConnection } from "./ssh-connection.ts";
import { HERMETIC_GIT_ENV, type GitChildEnv } from "./upstream-access.ts";

/** One repo as a push decision reads it. */
export interface PushRepo {
  name: string;
  policy: PushPolicy;
  mirror: Mirror;
  upstream: Upstream;
  access(): GitChildEnv;
  secrets(): string[];
  scanner: Scanner;
  dlpAction: "block" | "warn" | "off";
  /** An ssh upstream's shared connection. */
  connection?: SshConnection;
  /** By default, 256 MiB: a push adding more file bytes is refused unchecked. */
  maxCheckedBytes?: number;
  /** By default, {@link MAX_LOG_BYTES}: more text of changes than this is refused unchecked. */
  maxLogBytes?: number;
}

/** The gate's answer to a pre-receive hook: accept or not, what to tell the agent, what to audit. */
export interface PushDecision {
  accept: boolean;
  /** Lines for the agent's terminal (the hook prints them as `remote: bottle: …`). */
  messages: string[];
  refs: GitRefAudit[];
  /** The first refusal's reason (`not-pushable`, `dlp:aws-access-key`, `upstream-refused`…). */
  reason?: string;
}

/**
 * Why `update` may not land: its new object is a blob or a tree (or a tag of one),
 * not a commit or a tag of a commit. The DLP check reads commits' changes (`git log
 * -p`), so a tag naming a blob carried a file upstream unread, and a blob pushed to
 * a branch left its bytes in the upstream's object store even when the upstream then
 * refused the ref (a hunt for leaks, this round). Undefined: it names a commit.
 */
async function namedObject(git: (args: string[]) => Promise<{ exitCode: number; stdout: string }>, update: RefUpdate): Promise<string | undefined> {
  if ((await git(["rev-parse", "--verify", "--quiet", `${update.new}^{commit}`])).exitCode === 0) return undefined;
  const type = (await git(["cat-file", "-t", update.new])).stdout.trim() || "object git cannot read";
  return `${update.ref} would name a ${type}, not a commit: the gate takes commits and annotated tags of commits only`;
}

/**
 * By default, the pushed commits' changes as `git log -p` prints them are read up to
 * 32 MiB, and a push with more is refused (`too-large`): the output is held whole and
 * scanned at once, and one 256 KiB blob named in 400 paths of one tree (a 2 KB pack,
 * which the pushed-files bound counts once) printed 100 MiB and took the gate from 52
 * to 888 MiB with its event loop stalled 2.1 s (a hunt for leaks, this round). Read
 * whole, 63 MiB still cost 562 MiB and 1.9 s: the bound is what keeps it small until
 * the log is read as a stream.
 */
export const MAX_LOG_BYTES = 32 * 1024 * 1024;

/** By default, reading the pushed commits gets 2 minutes. */
const READ_TIMEOUT_MS = 2 * 60_000;

/**
 * Decides a push as a whole, as a pre-receive hook must: every ref update against the
 * repo's policy, then the lines the pushed commits add (`<new>… --not --all`: only
 * what the mirror does not have yet), their paths, the ref names and the pushed
 * commits' and tags' headers through the DLP scanner, then upstream. A push is all or
 * nothing: one refused ref refuses all of it, and nothing goes upstream.
 */
export async function decidePush(runner: Runner, repo: PushRepo, updates: readonly RefUpdate[], objects: QuarantineObjects): Promise<PushDecision> {
  const env = { ...HERMETIC_GIT_ENV, GIT_OBJECT_DIRECTORY: objects.objectDir, GIT_ALTERNATE_OBJECT_DIRECTORIES: objects.alternates };
  const git = (args: string[], maxStdoutBytes?: number) =>
    runner.run(["git", ...args], { env, cwd: repo.mirror.path, check: false, timeoutMs: READ_TIMEOUT_MS, ...(maxStdoutBytes === undefined ? {} : { maxStdoutBytes }) });

  const refs: GitRefAudit[] = [];
  const messages: string[] = [];
  const accepted: UpstreamUpdate[] = [];
  let reason: string | undefined;
  for (const update of updates) {
    const moving = !isNullId(update.old) && !isNullId(update.new);
    const fastForward = moving && (await git(["merge-base", "--is-ancestor", update.old, update.new])).exitCode === 0;
    const verdict = decideRefUpdate(update, repo.policy, repo.name, { fastForward });
    const named = verdict.ok && !isNullId(update.new) ? await namedObject(git, update) : undefined;
    if (named !== undefined) {
      refs.push({ ...update, decision: "block", reason: "not-a-commit" });
      messages.push(named);
      reason ??= "not-a-commit";
    } else if (verdict.ok) {
      refs.push({ ...update, decision: "allow" });
      accepted.push({ ...update, forced: moving && !fastForward });
    } else {
      refs.push({ ...update, decision: "block", reason: verdict.reason });
      messages.push(verdict.message);
      reason ??= verdict.reason;
    }
  }
  // A ref's name reaches upstream too, and the audit line: one holding a secret is refused, and never written out.
  if (repo.dlpAction !== "off") {
    for (const [index, update] of updates.entries()) {
      const kinds = repo.scanner.scanBody(new TextEncoder().encode(update.ref), "text/plain").map((finding) => finding.kind);
      if (kinds.length === 0) continue;
      const ref = refs[index]!;
      ref.ref = repo.scanner.redact(update.ref);
      if (repo.dlpAction === "warn") {
        messages.push(`warning: secret in the name of ${ref.ref}: ${kinds[0]} (dlp action is warn: pushed anyway)`);
        continue;
      }
      const at = accepted.findIndex((candidate) => candidate.ref === update.ref);
      if (at >= 0) accepted.splice(at, 1);
      Object.assign(ref, { decision: "block", reason: `dlp:${kinds[0]!.split(" ")[0]}` });
      messages.push(`secret in the name of ${ref.ref}: ${kinds[0]}; choose another name`);
      reason ??= ref.reason;
    }
  }
  const refuse = (why: string, lines: string[], decision: GitRefAudit["decision"] = "block"): PushDecision => {
    for (const ref of refs) if (ref.decision === "allow") Object.assign(ref, { decision, reason: why });
    return { accept: false, messages: [...lines, "nothing was pushed: a push lands whole or not at all"], refs, reason: reason ?? why };
  };
  if (accepted.length < updates.length) return refuse("push-refused", messages);

  const news = accepted.filter((update) => !isNullId(update.new)).map((update) => update.new);
  if (repo.dlpAction !== "off" && news.length > 0) {
    // The quarantine alone (no alternates): what the agent sent, sized before it is read.
    const pushed = await readPushedObjects({
      runner,
      cwd: repo.mirror.path,
      env: { ...HERMETIC_GIT_ENV, GIT_OBJECT_DIRECTORY: objects.objectDir, GIT_ALTERNATE_OBJECT_DIRECTORIES: "" },
      timeoutMs: READ_TIMEOUT_MS,
    }, repo.maxCheckedBytes);
    if (!pushed.ok) return refuse(pushed.reason, [pushed.message], pushed.reason === "too-large" ? "block" : "error");
    const logBytes = repo.maxLogBytes ?? MAX_LOG_BYTES;
    const tooMuch = () =>
      refuse("too-large", [`the pushed commits' changes are over ${logBytes / 2 ** 20} MiB of text to check (a file named many times counts each time): push them in smaller parts`]);
    const log = await git([...ADDED_LINES_LOG_ARGS, ...news, "--not", "--all"], logBytes);
    if (log.overflowed === true) return tooMuch();
    if (log.exitCode !== 0) return refuse("unreadable-push", [`cannot read the pushed commits to check them: ${log.stderr.trim().split("\n").pop()}`], "error");
    const octopus = await git([...OCTOPUS_LOG_ARGS, ...news, "--not", "--all"], logBytes);
    if (octopus.overflowed === true) return tooMuch();
    if (octopus.exitCode !== 0) return refuse("unreadable-push", [`cannot read the pushed merges to check them: ${octopus.stderr.trim().split("\n").pop()}`], "error");
    const texts = [...parseAddedLines(log.stdout), ...parseAddedLines(octopus.stdout).filter((text) => text.file !== "(commit message)"), ...pushed.headers];
    // An annotated tag's message is text the agent wrote too, and `git log` never shows it.
    for (const update of accepted) {
      if (!update.ref.startsWith("refs/tags/") || isNullId(update.new)) continue;
      const tag = await git(["cat-file", "tag", update.new]);
      if (tag.exitCode !== 0) continue;
      const message = tag.stdout.slice(tag.stdout.indexOf("\n\n") + 2).split("\n");
      texts.push({ commit: update.new, file: `(tag message of ${update.ref})`, lines: message.map((text, index) => ({ line: index + 1, text })) });
    }
    const { findings, incomplete } = await scanAddedLines(texts, repo.scanner);
    if (incomplete.length > 0) {
      // What a scan stopped short of is unread, not clean: under block the push is
      // refused, as a request body whose scan stopped is.
      const first = incomplete[0]!;
      const line = `the gate could not finish checking ${first.file} (commit ${first.commit.slice(0, 12)}: ${first.why})${incomplete.length > 1 ? ` and ${incomplete.length - 1} more` : ""}`;
      if (repo.dlpAction === "block") return refuse("scan-incomplete", [line, "push it in smaller parts, or as files that are not one huge line"]);
      messages.push(`warning: ${line} (dlp action is warn: pushed anyway)`);
    }
    if (findings.length > 0) {
      const lines = findings.slice(0, 20).map((finding) => `secret in ${describeFinding(finding)}`);
      if (findings.length > 20) lines.push(`… and ${findings.length - 20} more`);
      if (repo.dlpAction === "block") {
        reason = `dlp:${findings[0]!.kind.split(" ")[0]}`;
        return refuse(reason, [...lines, "remove it from the commits (git commit --amend, git rebase -i) and push again"]);
      }
      messages.push(...lines.map((line) => `warning: ${line} (dlp action is warn: pushed anyway)`));
      for (const ref of refs) Object.assign(ref, { decision: "warn", reason: `dlp:${findings[0]!.kind.split(" ")[0]}` });
    }
  }

  // The shared connection the push's advertisement began opening: ride it when it is up.
  await repo.connection?.settled();
  const landed = await pushUpstream(runner, repo.mirror.path, repo.upstream, repo.access(), accepted, objects, repo.secrets());
  if (!landed.ok) {
    reason = landed.reason;
    // The held secrets in every form the scanner knows, beyond the exact ones cut there.
    return refuse(reason, landed.messages.map((line) => repo.scanner.redactHeld(line)), "error");
  }
  return { accept: true, messages, refs };
}
