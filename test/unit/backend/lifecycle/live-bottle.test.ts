import { describe, expect, test } from "bun:test";
import { resumeArgs } from "../../../../src/backend/agent/agent-home.ts";
import { liveBottle } from "../../../../src/backend/lifecycle/live-bottle.ts";
import type { LaunchedAgent, Plan } from "../../../../src/backend/types.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

function bottleFor(resume: boolean, command: string[], hasHistory: boolean) {
  const { runner, calls } = recordingRunner();
  const spec = testSpec({ identity: "claude-abcdefgh", agentName: "claude", agent: { image: "x:1", command, prompt: "first prompt" } });
  const plan: Plan = { backend: "test", spec, stateDir: "/nonexistent", resume, commands: [], details: {} };
  const agent: LaunchedAgent = { command, resumeArgs: resumeArgs(command, hasHistory), exec: (argv) => ["exec", ...argv], objects: { containers: [], networks: [], volumes: [] } };
  const bottle = liveBottle({ plan, deps: { runner, paths: bottlePaths({ HOME: "/h" }), env: {}, settings: {}, log: () => {} }, stack: new AsyncDisposableStack(), agent, keep: { work: true } });
  return { bottle, calls };
}

describe("a resumed agent continues", () => {
  test("Claude Code resumes with --continue when its kept home has a conversation", async () => {
    const { bottle, calls } = bottleFor(true, ["claude", "--dangerously-skip-permissions"], true);
    await bottle.attach();
    expect(calls[0]?.argv).toEqual(["exec", "claude", "--dangerously-skip-permissions", "--continue"]);
  });

  test("without a conversation (claude --continue would fail) or for another agent, no --continue", async () => {
    expect(resumeArgs(["claude"], false)).toEqual([]);
    expect(resumeArgs(["/usr/local/bin/claude"], true)).toEqual(["--continue"]);
    expect(resumeArgs(["sh"], true)).toEqual([]);
  });

  test("a fresh start gets the manifest's first prompt instead", async () => {
    const { bottle, calls } = bottleFor(false, ["claude"], true);
    await bottle.attach();
    expect(calls[0]?.argv).toEqual(["exec", "claude", "first prompt"]);
  });

  test("disposing twice tears down once", async () => {
    const { runner } = recordingRunner();
    let teardowns = 0;
    const stack = new AsyncDisposableStack();
    stack.defer(async () => void teardowns++);
    const spec = testSpec({ identity: "a-aaaaaaaa", agent: { image: "x:1" } });
    const bottle = liveBottle({
      plan: { backend: "test", spec, stateDir: "/nonexistent", resume: false, commands: [], details: {} },
      deps: { runner, paths: bottlePaths({ HOME: "/h" }), env: {}, settings: {}, log: () => {} },
      stack,
      agent: { command: ["sh"], resumeArgs: [], exec: (argv) => argv, objects: { containers: [], networks: [], volumes: [] } },
      keep: { work: true },
    });
    await Promise.all([bottle[Symbol.asyncDispose](), bottle[Symbol.asyncDispose]()]);
    expect(teardowns).toBe(1);
  });
});
