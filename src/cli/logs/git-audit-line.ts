import * as v from "valibot";
import { printable } from "../../core/printable.ts";
import { clock, type AuditLine } from "./audit-line.ts";

/** The git gate's fields of an audit line (see `src/gate/audit.ts`). */
const GitFieldsSchema = v.looseObject({
  service: v.literal("git"),
  repo: v.string(),
  bytes_down: v.optional(v.number(), 0),
  refs: v.optional(
    v.array(
      v.looseObject({
        ref: v.string(),
        old: v.string(),
        new: v.string(),
        decision: v.string(),
        reason: v.optional(v.string()),
      }),
    ),
  ),
});

/** The decision as a person reads it about a fetch or a push. */
const DECIDED: Record<string, string> = { allow: "allowed", block: "refused", warn: "allowed with a warning", error: "failed" };

/** `1a2b3c4..5d6e7f8`; a new ref `created 5d6e7f8`, a removed one `deleted 1a2b3c4`. */
function change(old: string, next: string): string {
  const short = (id: string) => id.slice(0, 7);
  if (/^0+$/.test(old)) return `created ${short(next)}`;
  if (/^0+$/.test(next)) return `deleted ${short(old)}`;
  return `${short(old)}..${short(next)}`;
}

/** What to do about a refused push, naming the manifest key that decides it. */
function advice(reason: string | undefined, bottle: string, repo: string): string | undefined {
  const key = `bottles.${bottle}.git (${repo})`;
  if (reason === "not-pushable" || reason === "not-a-branch") return `${key} push: lists the branches the agent may push`;
  if (reason === "read-only") return `${key} has no push: globs, so nothing is pushable`;
  if (reason === "force" || reason === "delete" || reason === "tag") return `${key} ${reason === "tag" ? "tags" : reason}: true allows it`;
  if (reason?.startsWith("dlp:")) return `the DLP scan found ${reason.slice(4)} in the pushed commits`;
  return undefined;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A git gate audit line as a person reads it, or undefined for any other line. A push
 * is a line per ref: `12:03:04 push app refs/heads/bottle/x 1a2b3c4..5d6e7f8 allowed`,
 * a refusal with its reason and what decides it. A fetch is its ref listing and its
 * pack: `12:03:04 fetch app refs allowed`, `12:03:04 fetch app pack 1.2 MiB allowed`.
 * Ref names come from the agent: control characters are shown, never sent.
 */
export function formatGitLines(line: AuditLine, bottle: string): string[] | undefined {
  const parsed = v.safeParse(GitFieldsSchema, line);
  if (!parsed.success) return undefined;
  const { repo, refs } = parsed.output;
  const push = line.path.includes("receive-pack");
  const verb = push ? "push" : "fetch";
  const decided = (decision: string, reason: string | undefined) => {
    const hint = decision === "block" ? advice(reason, bottle, repo) : undefined;
    return `${DECIDED[decision] ?? decision}${reason === undefined ? "" : ` ${reason}`}${hint === undefined ? "" : ` — ${hint}`}`;
  };
  const start = `${clock(line.time)} ${verb} ${repo}`;
  if (refs !== undefined && refs.length > 0) {
    return refs.map((ref) => printable(`${start} ${ref.ref} ${change(ref.old, ref.new)} ${decided(ref.decision, ref.reason ?? (ref.decision === line.decision ? line.reason : undefined))}`));
  }
  // The advertisement (`info/refs`) lists the refs; the POST carries the pack.
  const what = line.path.includes("/info/refs") ? "refs" : push ? "pack" : `pack ${size(parsed.output.bytes_down)}`;
  return [printable(`${start} ${what} ${decided(line.decision, line.reason)}`)];
}
