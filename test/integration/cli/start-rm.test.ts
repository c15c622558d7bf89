import { afterAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describeEngine } from "../../helpers/engine.ts";
import { bottle, bottleProcess, cliWorld, owned, tearDownWorld, type CliWorld } from "../backend/docker/cli.ts";
import { busyboxImage } from "../backend/docker/fixtures.ts";

let world: CliWorld | undefined;
afterAll(async () => {
  if (world) await tearDownWorld(world);
}, 120_000);

describeEngine("start --rm and a Ctrl-C (the real engine)", () => {
  test("an interrupted --rm keeps the bottle, stopped, with its workspace, and says how to resume or delete it", async () => {
    await busyboxImage();
    world = await cliWorld();
    const lines: string[] = [];
    const child = bottleProcess(world, ["start", "bbtest", "--name", "keepme", "--cwd", "--rm", "--prompt", "echo working > /workspace/out.txt; sleep 120"], (line) => lines.push(line));
    // Wait until the agent has written its file: the run is under way.
    for (let i = 0; i < 600; i++) {
      const probe = await bottle(world, ["shell", "keepme", "--", "cat", "/workspace/out.txt"]).catch(() => undefined);
      if (probe?.stdout === "working\n") break;
      await Bun.sleep(200);
    }
    child.kill("SIGINT");
    const result = await child.exited;
    expect(result.exitCode).toBe(130);
    expect(lines.join("\n")).toContain("bottle bbtest-keepme was interrupted, so --rm kept it: `bottle resume bbtest-keepme` continues it, `bottle rm bbtest-keepme` deletes it");
    expect(existsSync(join(world.state, "bbtest-keepme"))).toBe(true);
    expect(await owned(world)).toContain("volume bbtest-keepme-workspace");
    expect(await owned(world)).toContain("volume bbtest-keepme-home");
    const out = join(world.root, "out.txt");
    expect((await bottle(world, ["cp", "keepme:out.txt", out])).exitCode).toBe(0);
    expect(await Bun.file(out).text()).toBe("working\n");
  }, 300_000);
});
