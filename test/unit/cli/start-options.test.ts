import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackendDeps, StartSpec } from "../../../src/backend/types.ts";
import { copiedHead, namedIdentity } from "../../../src/cli/start-options.ts";
import { bottlePaths } from "../../../src/core/paths.ts";
import { processRunner } from "../../../src/core/runner.ts";
import { recordingRunner } from "../../helpers/recording-runner.ts";

const spec = { agentName: "claude" } as StartSpec;

function deps(): BackendDeps {
  const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), "bottle-name-")) };
  return { runner: recordingRunner([{ match: /^smolvm/, stdout: "[]" }]).runner, paths: bottlePaths(env), env, settings: {}, log: () => {} };
}

describe("namedIdentity (start --name)", () => {
  test("is <agent>-<name>", async () => {
    expect(await namedIdentity(spec, "review", deps())).toBe("claude-review");
  });
  test.each(["Review", "a/b", "../x", "", "-x", "x".repeat(41)])("refuses %p", async (name) => {
    await expect(namedIdentity(spec, name, deps())).rejects.toThrow("is not a valid name");
  });
  test("a taken identity is a usage error", async () => {
    const d = deps();
    mkdirSync(d.paths.bottleState("claude-review"), { recursive: true });
    const error = (await namedIdentity(spec, "review", d).catch((e: unknown) => e)) as Error & { exitCode: number };
    expect(error.message).toBe("a bottle claude-review already exists");
    expect(error.exitCode).toBe(2);
  });
});

describe("copiedHead", () => {
  const git = (dir: string, ...args: string[]) => processRunner.run(["git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...args]);

  test("a repository's top folder: its HEAD commit; a subfolder, no commit yet, or no repository: none", async () => {
    const repo = mkdtempSync(join(tmpdir(), "bottle-head-"));
    await git(repo, "init", "-q");
    expect(await copiedHead(processRunner, repo)).toBeUndefined();
    mkdirSync(join(repo, "sub"));
    writeFileSync(join(repo, "sub", "f"), "x");
    await git(repo, "add", "-A");
    await git(repo, "commit", "-q", "-m", "one");
    const head = (await git(repo, "rev-parse", "HEAD")).stdout.trim();
    expect(await copiedHead(processRunner, repo)).toBe(head);
    expect(await copiedHead(processRunner, join(repo, "sub"))).toBeUndefined();
    expect(await copiedHead(processRunner, mkdtempSync(join(tmpdir(), "bottle-nogit-")))).toBeUndefined();
    expect(await copiedHead(processRunner, undefined)).toBeUndefined();
  });
});
