import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackendDeps } from "../../../src/backend/types.ts";
import { checkIdWord, resolveBottleId, resolveBottleIds } from "../../../src/cli/bottle-ids.ts";
import { BottleError, UsageError } from "../../../src/core/errors.ts";
import { bottlePaths } from "../../../src/core/paths.ts";
import { recordingRunner } from "../../helpers/recording-runner.ts";

/** A state folder holding stopped docker bottles of these identities (agent: the part before the last dash). */
function world(identities: string[]) {
  const root = mkdtempSync(join(tmpdir(), "bottle-ids-"));
  const env = { XDG_STATE_HOME: root };
  const paths = bottlePaths(env);
  for (const identity of identities) {
    const dir = paths.bottleState(identity);
    mkdirSync(dir, { recursive: true });
    const agent = identity.slice(0, identity.lastIndexOf("-"));
    writeFileSync(join(dir, "metadata.json"), JSON.stringify({ identity, backend: "docker", agent, createdAt: new Date().toISOString(), spec: {} }));
    writeFileSync(join(dir, "docker.json"), "{}");
    writeFileSync(join(dir, "live.json"), JSON.stringify({ mode: "stopped", pid: 1, pidStart: null, updatedAt: "" }));
  }
  const { runner, calls } = recordingRunner([{ match: /^smolvm machine ls/, stdout: "[]" }]);
  const deps: BackendDeps = { runner, paths, env, settings: {}, log: () => {} };
  return { deps, calls };
}

describe("checkIdWord", () => {
  test.each(["../etc", "a/b", "", ".hidden", "UPPER", "a b", "x".repeat(101)])("refuses %p before it touches a path", (word) => {
    expect(() => checkIdWord(word)).toThrow(UsageError);
  });
  test("takes an identity", () => {
    expect(checkIdWord("claude-6r5kq2ab")).toBe("claude-6r5kq2ab");
  });
});

describe("resolveBottleId", () => {
  const ids = ["claude-6r5kq2ab", "claude-6r7aaaaa", "claude-review", "shell-zzzzzzzz"];

  test("a whole identity with state is found without asking the engine", async () => {
    const { deps, calls } = world(ids);
    expect((await resolveBottleId(deps, "claude-review")).identity).toBe("claude-review");
    expect(calls).toEqual([]);
  });

  test("a unique prefix of the suffix or of the identity", async () => {
    const { deps } = world(ids);
    expect((await resolveBottleId(deps, "6r5k")).identity).toBe("claude-6r5kq2ab");
    expect((await resolveBottleId(deps, "rev")).identity).toBe("claude-review");
    expect((await resolveBottleId(deps, "shell")).identity).toBe("shell-zzzzzzzz");
    expect((await resolveBottleId(deps, "claude-6r7")).identity).toBe("claude-6r7aaaaa");
  });

  test("an ambiguous prefix is a usage error listing the matches", async () => {
    const { deps } = world(ids);
    const error = await resolveBottleId(deps, "6r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe("6r matches 2 bottles: claude-6r5kq2ab, claude-6r7aaaaa");
  });

  test("no match is an error naming the word", async () => {
    const { deps } = world(ids);
    const error = await resolveBottleId(deps, "nothing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BottleError);
    expect((error as BottleError).exitCode).toBe(1);
    expect((error as Error).message).toBe("no bottle nothing");
  });

  test("several words: each resolved, the same bottle once, every word checked first", async () => {
    const { deps } = world(ids);
    expect((await resolveBottleIds(deps, ["6r5k", "claude-6r5kq2ab", "rev"])).map((b) => b.identity)).toEqual(["claude-6r5kq2ab", "claude-review"]);
    await expect(resolveBottleIds(deps, ["rev", "../x"])).rejects.toThrow("not a bottle ID");
  });
});
