import { describe, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logs } from "../../../../src/backend/docker/logs.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { writeJson } from "../../../../src/core/state.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

/** One stored docker bottle on a scripted engine, with what the backend logs for people. */
async function world(containerThere = true) {
  const root = await mkdtemp(join(tmpdir(), "bottle-logs-unit-"));
  const paths = bottlePaths({ XDG_STATE_HOME: join(root, "state"), HOME: root });
  await writeJson(join(paths.bottleState("sh-aaaaaaaa"), "docker.json"), { names: { agent: "sh-aaaaaaaa-agent", gate: "sh-aaaaaaaa-gate" } });
  const recorder = recordingRunner([{ match: /^docker container inspect/, exitCode: containerThere ? 0 : 1 }]);
  const lines: string[] = [];
  const deps: BackendDeps = { runner: recorder.runner, paths, env: {}, settings: {}, log: (line) => lines.push(line) };
  return { deps, lines, argvs: () => recorder.calls.map((call) => call.argv.join(" ")) };
}

describe("docker logs", () => {
  test("--gate streams the gate's log, with no note", async () => {
    const { deps, lines, argvs } = await world();
    expect(await logs("sh-aaaaaaaa", deps, { gate: true, follow: true })).toBe(0);
    expect(argvs().at(-1)).toBe("docker logs --follow sh-aaaaaaaa-gate");
    expect(lines).toEqual([]);
  });

  test("the agent's log says why it is nearly empty and points at the gate's", async () => {
    const { deps, lines, argvs } = await world();
    expect(await logs("sh-aaaaaaaa", deps, { gate: false, follow: false })).toBe(0);
    expect(argvs().at(-1)).toBe("docker logs sh-aaaaaaaa-agent");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("docker exec");
    expect(lines[0]).toContain("bottle logs --gate sh-aaaaaaaa");
  });

  test("a stopped bottle's logs are a clear error, not the engine's 'No such container'", async () => {
    const { deps, argvs } = await world(false);
    const error = (await logs("sh-aaaaaaaa", deps, { gate: true, follow: false }).catch((caught: Error) => caught)) as BottleError;
    expect(error).toBeInstanceOf(BottleError);
    expect(error.message).toContain("sh-aaaaaaaa is not running");
    expect(error.hint).toContain("bottle resume sh-aaaaaaaa");
    expect(argvs().some((argv) => argv.startsWith("docker logs"))).toBe(false);
  });

  test("an unknown bottle is a clear error", async () => {
    const { deps } = await world();
    const error = await logs("nobody-bbbbbbbb", deps, { gate: false, follow: false }).catch((caught: Error) => caught);
    expect((error as Error).message).toContain("no docker bottle nobody-bbbbbbbb");
  });
});
