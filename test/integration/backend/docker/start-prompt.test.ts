import { afterAll, expect, test } from "bun:test";
import { describeEngine } from "../../../helpers/engine.ts";
import { bottle, cliWorld, owned, tearDownWorld, type CliWorld } from "./cli.ts";
import { busyboxImage } from "./fixtures.ts";

let world: CliWorld | undefined;
afterAll(async () => {
  if (world) await tearDownWorld(world);
}, 120_000);

describeEngine("bottle start --prompt on docker", () => {
  test("exits with the agent's code; with --json, stdout is one object and the agent's output goes to stderr", async () => {
    await busyboxImage();
    world = await cliWorld();
    const script = "cat /workspace/README.md; echo to-stderr >&2; exit 5";

    const plain = await bottle(world, ["start", "bbtest", "--cwd", "--prompt", script]);
    expect({ code: plain.exitCode, stdout: plain.stdout }).toEqual({ code: 5, stdout: "# a project\n" });
    expect(plain.stderr).toContain("to-stderr");
    // Its workspace outlives it, and stderr says how to resume or remove it.
    expect(plain.stderr).toMatch(/bottle bbtest-\w+ stopped; its workspace and home are kept: `bottle resume bbtest-\w+`/);

    const json = await bottle(world, ["start", "bbtest", "--cwd", "--prompt", script, "--json"]);
    expect(json.exitCode).toBe(5);
    const summary = JSON.parse(json.stdout) as { identity: string; containers: string[]; networks: string[] } & Record<string, unknown>;
    expect(summary).toMatchObject({ backend: "docker", agent: "bbtest", exitCode: 5 });
    expect(summary.identity).toMatch(/^bbtest-[a-z0-9]{8}$/);
    expect(summary.containers).toEqual([`${summary.identity}-gate`, `${summary.identity}-agent`]);
    expect(summary.networks).toEqual([`${summary.identity}-internal`, `${summary.identity}-egress`]);
    expect(json.stderr).toContain("# a project\n");
    expect(json.stderr).toContain("to-stderr");

    // Both ran to the end and were torn down: only their kept workspaces remain.
    expect((await owned(world)).every((line) => line.startsWith("volume "))).toBe(true);
  }, 300_000);
});
