import { afterAll, expect, test } from "bun:test";
import { list } from "../../../../src/backend/docker/list.ts";
import { surveyBottles } from "../../../../src/backend/docker/survey.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { processRunner, type Runner } from "../../../../src/core/runner.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { socketGet } from "../../../../src/core/socket-get.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { bottle, cliWorld, tearDownWorld, type CliWorld } from "./cli.ts";
import { busyboxImage } from "./fixtures.ts";

let world: CliWorld | undefined;
afterAll(async () => {
  if (world) await tearDownWorld(world);
}, 120_000);

/** The world's deps in this process: with the engine's socket, or (none) through the docker CLI only. */
function deps(withSocket: boolean, runner: Runner = processRunner): BackendDeps {
  const env = { ...process.env, ...world!.env };
  return { runner, paths: bottlePaths(env), env, settings: readSettings(env), log: () => {}, ...(withSocket ? { socketGet } : {}) };
}

/** A runner that counts the docker processes it starts. */
function counting(): { runner: Runner; argv: string[][] } {
  const argv: string[][] = [];
  return {
    argv,
    runner: { ...processRunner, run: (command, options) => (argv.push([...command]), processRunner.run(command, options)) },
  };
}

type Listed = { identity: string; status: string; workspaceBytes?: number | null; workspaceAtStop?: { bytes: number; at: string } };

describeEngine("bottle list through the engine's API and through the docker CLI", () => {
  test("the same rows and objects either way; a stopped bottle shows the size it had when it stopped", async () => {
    await busyboxImage();
    world = await cliWorld();
    const running = await bottle(world, ["start", "bbtest", "--detach", "--name", "running", "--cwd"]);
    expect({ code: running.exitCode, stderr: running.exitCode === 0 ? "" : running.stderr }).toEqual({ code: 0, stderr: "" });
    expect((await bottle(world, ["start", "bbtest", "--detach", "--name", "stopped", "--cwd"])).exitCode).toBe(0);
    // `bottle stop` from another process (reap), and an attached run's own teardown (the lifecycle's unwind).
    expect((await bottle(world, ["shell", "bbtest-stopped", "--", "sh", "-c", "printf 1234567 > /workspace/more"])).exitCode).toBe(0);
    expect((await bottle(world, ["stop", "bbtest-stopped"])).exitCode).toBe(0);
    expect((await bottle(world, ["start", "bbtest", "--name", "prompted", "--prompt", "printf abc > /workspace/x"])).exitCode).toBe(0);

    const viaApi = counting();
    const viaCli = counting();
    const [apiRows, cliRows] = await Promise.all([list(deps(true, viaApi.runner)), list(deps(false, viaCli.runner))]);
    expect(apiRows.map((row) => [row.identity, row.status])).toEqual([
      ["bbtest-prompted", "stopped"],
      ["bbtest-running", "running"],
      ["bbtest-stopped", "stopped"],
    ]);
    expect(apiRows).toEqual(cliRows);
    expect(viaApi.argv).toEqual([]);
    expect(viaCli.argv.map((argv) => argv.slice(0, 2).join(" "))).toEqual(["docker ps"]);

    // Networks and volumes too (stop, rm and cleanup survey all three).
    const objects = async (withSocket: boolean) =>
      (await surveyBottles(deps(withSocket))).flatMap((found) => found.objects.map((o) => `${o.kind} ${o.name} ${o.identity} ${o.role} ${o.state}`)).toSorted();
    const [apiObjects, cliObjects] = await Promise.all([objects(true), objects(false)]);
    expect(apiObjects).toEqual(cliObjects);
    expect(apiObjects.filter((line) => line.startsWith("network ")).length).toBe(2);
    expect(apiObjects.filter((line) => line.startsWith("volume ")).length).toBe(6);

    // The size at stop is the engine's own measure of the volume, as `--size` asks it now.
    const plain = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as Listed[];
    const live = JSON.parse((await bottle(world, ["list", "--size", "--json"])).stdout) as Listed[];
    const entry = (rows: Listed[], identity: string) => rows.find((row) => row.identity === identity)!;
    // README.md and src/uncommitted.txt (12 + 17 bytes), plus what the agent wrote.
    expect(entry(plain, "bbtest-stopped").workspaceAtStop?.bytes).toBe(29 + 7);
    expect(entry(plain, "bbtest-prompted").workspaceAtStop?.bytes).toBe(3);
    expect(entry(plain, "bbtest-running").workspaceAtStop).toBeUndefined();
    for (const identity of ["bbtest-stopped", "bbtest-prompted"]) expect(entry(live, identity).workspaceBytes).toBe(entry(plain, identity).workspaceAtStop!.bytes);
    const table = (await bottle(world, ["list"])).stdout;
    expect(table).toMatch(/^IDENTITY\s+AGENT\s+BACKEND\s+STATUS\s+AGE\s+SIZE\s+SOURCE\n/);
    expect(table).toMatch(/^bbtest-stopped\s+bbtest\s+docker\s+stopped\s+\d+[smhd]\s+36B at stop\s+\S+$/m);
    expect(table).toMatch(/^bbtest-running\s+bbtest\s+docker\s+running\s+\d+[smhd]\s+-\s+\S+$/m);
  }, 300_000);
});
