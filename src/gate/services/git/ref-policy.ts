import { isNullId, type RefUpdate } from "./ref-update.ts";

/** What a repo lets the agent push; by default nothing (read-only). */
export interface PushPolicy {
  /** Branch globs (`bottle/*`; `*` also matches `/`, as in git refspecs). */
  push: readonly string[];
  force: boolean;
  delete: boolean;
  tags: boolean;
}

/** What the gate knows of an update beyond its three ids. */
export interface RefFacts {
  /** `new` descends from `old` (meaningless for a create or a delete). */
  fastForward: boolean;
}

/** The gate's word on one ref update; a refusal says why and what is allowed. */
export type RefVerdict =
  | { ok: true }
  | { ok: false; reason: "not-pushable" | "not-a-branch" | "bad-ref-name" | "delete" | "force" | "tag"; message: string };

/**
 * True when `ref` is a name git itself would take (`git check-ref-format`): receive-pack
 * checks only after the pre-receive hook, so the gate checks first. A glob's `*` spans
 * `/`, and `refs/heads/bottle/../main` must not pass for a `bottle/*` branch; nor may
 * a name hide in control characters or an invisible format character.
 */
export function isValidRefName(ref: string): boolean {
  if (ref.length > 1024 || !ref.startsWith("refs/") || ref.endsWith("/") || ref.endsWith(".") || ref.includes("..") || ref.includes("//") || ref.includes("@{")) return false;
  // Control characters and git's forbidden ASCII; invisible Unicode (bidi and zero-width) too.
  if (/[\u0000-\u0020\u007f~^:?*[\\]|[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/.test(ref)) return false;
  return ref.split("/").every((part) => part !== "" && !part.startsWith(".") && !part.endsWith(".lock") && part !== "@");
}

/** True when `name` matches `glob`: `*` any run of characters (`/` included), `?` one. */
export function matchGlob(glob: string, name: string): boolean {
  const pattern = glob.replace(/^refs\/heads\//, "");
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`).test(name);
}

/** The push globs as the agent reads them in a refusal. */
export function describeAllowed(policy: PushPolicy): string {
  return policy.push.length === 0 ? "none (the repo is read-only for the agent)" : policy.push.join(", ");
}

/**
 * Decides one ref update against a repo's policy. Branches must match a `push` glob;
 * deletes, non-fast-forward updates and tags are refused unless the policy turns
 * them on. Anything outside `refs/heads/` and `refs/tags/` is refused.
 */
export function decideRefUpdate(update: RefUpdate, policy: PushPolicy, repo: string, facts: RefFacts): RefVerdict {
  const { ref } = update;
  const deleting = isNullId(update.new);
  const moving = !isNullId(update.old) && !deleting;
  if (!isValidRefName(ref)) return { ok: false, reason: "bad-ref-name", message: `${JSON.stringify(ref)} is not a ref name git takes; refused` };
  if (ref.startsWith("refs/tags/")) {
    if (!policy.tags) return { ok: false, reason: "tag", message: `${ref}: tag pushes are off for ${repo} (tags: false)` };
    if (deleting && !policy.delete) return refuseDelete(ref, repo);
    if (moving && !policy.force) {
      return { ok: false, reason: "force", message: `${ref}: moving an existing tag is a force-push, off for ${repo} (force: false)` };
    }
    return { ok: true };
  }
  if (!ref.startsWith("refs/heads/")) {
    return { ok: false, reason: "not-a-branch", message: `${ref} is not pushable: only branches (refs/heads/…) and tags; allowed: ${describeAllowed(policy)}` };
  }
  const branch = ref.slice("refs/heads/".length);
  if (!policy.push.some((glob) => matchGlob(glob, branch))) {
    return { ok: false, reason: "not-pushable", message: `${ref} is not pushable; allowed: ${describeAllowed(policy)}` };
  }
  if (deleting && !policy.delete) return refuseDelete(ref, repo);
  if (moving && !facts.fastForward && !policy.force) {
    return { ok: false, reason: "force", message: `${ref}: non-fast-forward update (force-push) refused: off for ${repo} (force: false); pull and merge or rebase first` };
  }
  return { ok: true };
}

function refuseDelete(ref: string, repo: string): RefVerdict {
  return { ok: false, reason: "delete", message: `deleting ${ref} is refused: deletes are off for ${repo} (delete: false)` };
}
