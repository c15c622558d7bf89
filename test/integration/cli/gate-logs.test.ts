import { afterAll, expect, test } from "bun:test";
import { processRunner } from "../../../src/core/runner.ts";
import { describeEngine } from "../../helpers/engine.ts";
import { bottle, cliWorld, tearDownWorld, type CliWorld } from "../backend/docker/cli.ts";
import { busyboxImage } from "../backend/docker/fixtures.ts";

let world: CliWorld | undefined;
afterAll(async () => {
  if (world) await tearDownWorld(world);
}, 120_000);

describeEngine("bottle logs --gate through the real engine", () => {
  test("the audit on stdout as people read it, --blocked, --json, and still there after stop", async () => {
    await busyboxImage();
    world = await cliWorld('{ allow: ["allowed.test"] }');
    const id = (await bottle(world, ["start", "bbtest", "--detach"])).stdout.trim();
    // Through the gate: one refusal; the allowed name does not resolve, so the gate answers 502.
    await processRunner.run(["docker", "exec", `${id}-agent`, "sh", "-c", 'export http_proxy="$HTTP_PROXY"; wget -q -O- http://blocked.test/x; wget -q -O- http://allowed.test/y; true']);

    let human = "";
    for (let i = 0; i < 50 && !human.includes("allowed.test"); i++) {
      human = (await bottle(world, ["logs", "--gate", id])).stdout;
      await Bun.sleep(100);
    }
    expect(human).toMatch(/^\d\d:\d\d:\d\d 403 GET blocked\.test\/x not-allowed — allow it in bottles\.default\.egress\.allow$/m);
    expect(human).toMatch(/^\d\d:\d\d:\d\d 502 GET allowed\.test\/y /m);

    const blocked = await bottle(world, ["logs", "--gate", "--blocked", id]);
    expect({ code: blocked.exitCode, stderr: blocked.stderr }).toEqual({ code: 0, stderr: "" });
    expect(blocked.stdout.trim().split("\n")).toHaveLength(1);
    expect(blocked.stdout).toContain("403 GET blocked.test/x not-allowed");

    const json = (await bottle(world, ["logs", "--gate", "--json", "--blocked", id])).stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(json).toEqual([expect.objectContaining({ method: "GET", host: "blocked.test", path: "/x", decision: "block", reason: "not-allowed", status: 403 })]);

    // The log lives in the bottle's state folder: it outlives the gate.
    expect((await bottle(world, ["stop", id])).exitCode).toBe(0);
    const after = await bottle(world, ["logs", "--gate", "--blocked", id]);
    expect(after.stdout).toBe(blocked.stdout);
  }, 300_000);
});
