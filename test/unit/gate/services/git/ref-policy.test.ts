import { describe, expect, test } from "bun:test";
import { decideRefUpdate, isValidRefName, matchGlob, type PushPolicy } from "../../../../../src/gate/services/git/ref-policy.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);
const ZERO = "0".repeat(40);
const policy = (changes: Partial<PushPolicy> = {}): PushPolicy => ({ push: ["bottle/*"], force: false, delete: false, tags: false, ...changes });
const ff = { fastForward: true };
const nonFf = { fastForward: false };

describe("matchGlob", () => {
  test("* matches any run, slashes included, as in git refspecs; ? one character", () => {
    expect(matchGlob("bottle/*", "bottle/fix")).toBe(true);
    expect(matchGlob("bottle/*", "bottle/a/b")).toBe(true);
    expect(matchGlob("bottle/*", "bottlex/fix")).toBe(false);
    expect(matchGlob("bottle/*", "main")).toBe(false);
    expect(matchGlob("v?", "v1")).toBe(true);
    expect(matchGlob("v?", "v10")).toBe(false);
  });

  test("regex characters are literal, and refs/heads/ in a glob is optional", () => {
    expect(matchGlob("a.b", "axb")).toBe(false);
    expect(matchGlob("a+(b)", "a+(b)")).toBe(true);
    expect(matchGlob("refs/heads/bottle/*", "bottle/x")).toBe(true);
  });
});

describe("decideRefUpdate", () => {
  test("a fast-forward or a new branch matching a glob is accepted", () => {
    expect(decideRefUpdate({ ref: "refs/heads/bottle/x", old: A, new: B }, policy(), "app", ff)).toEqual({ ok: true });
    expect(decideRefUpdate({ ref: "refs/heads/bottle/x", old: ZERO, new: B }, policy(), "app", nonFf)).toEqual({ ok: true });
  });

  test("a branch outside the globs names the policy", () => {
    const verdict = decideRefUpdate({ ref: "refs/heads/main", old: A, new: B }, policy(), "app", ff);
    expect(verdict).toEqual({ ok: false, reason: "not-pushable", message: "refs/heads/main is not pushable; allowed: bottle/*" });
  });

  test("with no globs, the repo is read-only and says so", () => {
    const verdict = decideRefUpdate({ ref: "refs/heads/x", old: A, new: B }, policy({ push: [] }), "app", ff);
    expect(verdict.ok ? "" : verdict.message).toContain("allowed: none (the repo is read-only");
  });

  test("a non-fast-forward is refused unless force is on", () => {
    const update = { ref: "refs/heads/bottle/x", old: A, new: B };
    expect(decideRefUpdate(update, policy(), "app", nonFf)).toMatchObject({ ok: false, reason: "force" });
    expect(decideRefUpdate(update, policy({ force: true }), "app", nonFf)).toEqual({ ok: true });
    // force never widens the branch globs
    expect(decideRefUpdate({ ...update, ref: "refs/heads/main" }, policy({ force: true }), "app", nonFf)).toMatchObject({ reason: "not-pushable" });
  });

  test("a delete is refused unless delete is on, and only for pushable branches", () => {
    const update = { ref: "refs/heads/bottle/x", old: A, new: ZERO };
    expect(decideRefUpdate(update, policy(), "app", nonFf)).toMatchObject({ ok: false, reason: "delete" });
    expect(decideRefUpdate(update, policy({ delete: true }), "app", nonFf)).toEqual({ ok: true });
    expect(decideRefUpdate({ ...update, ref: "refs/heads/main" }, policy({ delete: true }), "app", nonFf)).toMatchObject({ reason: "not-pushable" });
  });

  test("tags are refused unless tags is on; moving one needs force, deleting one needs delete", () => {
    const create = { ref: "refs/tags/v1", old: ZERO, new: B };
    expect(decideRefUpdate(create, policy(), "app", ff)).toMatchObject({ ok: false, reason: "tag", message: "refs/tags/v1: tag pushes are off for app (tags: false)" });
    expect(decideRefUpdate(create, policy({ tags: true }), "app", ff)).toEqual({ ok: true });
    expect(decideRefUpdate({ ...create, old: A }, policy({ tags: true }), "app", ff)).toMatchObject({ reason: "force" });
    expect(decideRefUpdate({ ...create, old: A, new: ZERO }, policy({ tags: true }), "app", ff)).toMatchObject({ reason: "delete" });
  });

  test("refs outside branches and tags are never pushable", () => {
    for (const ref of ["refs/notes/commits", "refs/meta/config", "refs/pull/1/head"]) {
      expect(decideRefUpdate({ ref, old: ZERO, new: B }, policy({ push: ["*"], tags: true, force: true }), "app", ff)).toMatchObject({ ok: false, reason: "not-a-branch" });
    }
  });
});

describe("isValidRefName", () => {
  test("takes what git check-ref-format takes, unicode included", () => {
    for (const ref of ["refs/heads/bottle/x", "refs/heads/bottle/fix-1.2", "refs/tags/v1.0", "refs/heads/bottle/café"]) expect(isValidRefName(ref)).toBe(true);
  });

  test("refuses dot segments, git's forbidden characters and invisible characters", () => {
    for (const ref of [
      "refs/heads/bottle/../main",
      "refs/heads/bottle/./x",
      "refs/heads/bottle//x",
      "refs/heads/bottle/.hidden",
      "refs/heads/bottle/x.lock",
      "refs/heads/bottle/x.",
      "refs/heads/bottle/x/",
      "refs/heads/bottle/x@{1}",
      "refs/heads/bottle/a b",
      "refs/heads/bottle/a~1",
      "refs/heads/bottle/a^",
      "refs/heads/bottle/a:b",
      "refs/heads/bottle/a*",
      "refs/heads/bottle/a\\b",
      "refs/heads/bottle/x\u0007",
      "refs/heads/bottle/x\u200b",
      "refs/heads/bottle/\u202emain",
      "heads/bottle/x",
    ]) {
      expect({ ref, ok: isValidRefName(ref) }).toEqual({ ref, ok: false });
    }
  });

  test("decideRefUpdate refuses a bad name before the glob would match it", () => {
    const verdict = decideRefUpdate({ ref: "refs/heads/bottle/../main", old: "0".repeat(40), new: "1".repeat(40) }, { push: ["bottle/*"], force: false, delete: false, tags: false }, "app", { fastForward: false });
    expect(verdict).toMatchObject({ ok: false, reason: "bad-ref-name" });
  });
});
