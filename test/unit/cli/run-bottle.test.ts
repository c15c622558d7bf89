import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../../src/cli/main.ts";
import { recordingRunner } from "../../helpers/recording-runner.ts";
import { collector, TWO_AGENTS, workdir } from "./context.ts";

describe("start and resume hand-over flags", () => {
  test.each([["start", "shell"], ["resume", "shell-aaaaaaaa"]])("`%s --prompt --detach` is a usage error that starts nothing", async (command, arg) => {
    const { cwd, env } = workdir(TWO_AGENTS);
    if (command === "resume") {
      // A stored bottle to resume, so the flags are what is refused.
      const dir = join(env.XDG_STATE_HOME!, "bottle", arg);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "metadata.json"), JSON.stringify({ identity: arg, backend: "docker", agent: "shell", createdAt: "", spec: {} }));
    }
    const stdout = collector();
    const stderr = collector();
    const { runner, calls } = recordingRunner();
    const code = await main([command, arg, "--prompt", "hi", "--detach"], { ...env, GH_TOKEN: "x" }, { cwd, stdout, stderr, runner, interactive: false });
    expect(code).toBe(2);
    expect(stderr.text()).toContain("--prompt and --detach contradict each other");
    expect(calls.filter(({ argv }) => /^docker (run|create|network create|volume create|build)\b/.test(argv.join(" ")))).toEqual([]);
  });
});
