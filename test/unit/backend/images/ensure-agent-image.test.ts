import { describe, expect, test } from "bun:test";
import { ensureAgentImage } from "../../../../src/backend/images/ensure-agent-image.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

describe("ensureAgentImage", () => {
  test("Ctrl-C during the build is 130 and 'cancelled', not '`docker build` failed'", async () => {
    const controller = new AbortController();
    const { runner } = recordingRunner([
      { match: /^docker image inspect/, exitCode: 1 },
      // The build is killed by the abort: the runner reports the failed child.
      { match: (argv) => argv[1] === "build" && (controller.abort(), true), exitCode: 143, stderr: "killed" },
    ]);
    const plan = { ref: "bottle-agent-x:1", build: { dockerfile: "/nonexistent/Dockerfile", context: "/nonexistent", args: {} } };
    const error = await ensureAgentImage(plan, runner, () => {}, controller.signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BottleError);
    expect((error as BottleError).exitCode).toBe(130);
    expect((error as BottleError).message).toContain("cancelled");
    expect((error as BottleError).message).not.toContain("docker build");
  });

  test("a build that fails by itself keeps its own error", async () => {
    const { runner } = recordingRunner([
      { match: /^docker image inspect/, exitCode: 1 },
      { match: /^docker build/, exitCode: 1, stderr: "failed to solve: no such file" },
    ]);
    const plan = { ref: "bottle-agent-x:1", build: { dockerfile: "/nonexistent/Dockerfile", context: "/nonexistent", args: {} } };
    const error = await ensureAgentImage(plan, runner, () => {}, new AbortController().signal).catch((caught: unknown) => caught);
    expect((error as BottleError).exitCode).toBe(1);
    expect((error as BottleError).message).toContain("failed to solve");
  });
});
