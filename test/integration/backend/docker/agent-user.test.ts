import { afterAll, expect, test } from "bun:test";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describeEngine } from "../../../helpers/engine.ts";
import { bottle, cliWorld, owned, tearDownWorld, type CliWorld } from "./cli.ts";
import { BUSYBOX_IMAGE, busyboxImage, removeAgentImages } from "./fixtures.ts";

let world: CliWorld | undefined;
afterAll(async () => {
  if (world) await tearDownWorld(world);
  // The agent image this test had bottle build, under its content-keyed tag.
  await removeAgentImages("bottle-agent-userbox");
}, 120_000);

describeEngine("docker agent image from a Dockerfile, with a non-root USER", () => {
  test("the plan lists its build; start builds it once; the copied workspace belongs to the image's user", async () => {
    await busyboxImage();
    world = await cliWorld();
    // A per-run marker makes the image new, so the first start really builds it. The
    // Dockerfile has a folder of its own: its context is keyed by content, state included.
    await mkdir(join(world.root, "image"));
    await writeFile(join(world.root, "image", "Dockerfile"), `FROM ${BUSYBOX_IMAGE}\nLABEL dev.bottle.test=${world.root}\nUSER 1000:1000\n`);
    const manifest = join(world.root, "user.yaml");
    await writeFile(manifest, "version: 1\nagents:\n  userbox:\n    image: { dockerfile: image/Dockerfile }\n    command: [sh, -c]\nbottles:\n  default:\n    egress: {}\n");
    world.env.BOTTLE_MANIFEST = manifest;

    const planned = await bottle(world, ["plan", "userbox", "--json"]);
    const commands = (JSON.parse(planned.stdout) as { commands: string[][] }).commands;
    expect(commands[0]!.slice(0, 3)).toEqual(["docker", "build", "--tag"]);
    expect(commands[0]![3]).toMatch(/^bottle-agent-userbox:/);

    const script = "id -u; stat -c %u:%g /workspace /workspace/README.md /workspace/src/uncommitted.txt; touch /workspace/new && echo writable";
    const first = await bottle(world, ["start", "userbox", "--cwd", "--prompt", script]);
    expect({ code: first.exitCode, stdout: first.stdout }).toEqual({ code: 0, stdout: "1000\n1000:1000\n1000:1000\n1000:1000\nwritable\n" });
    expect(first.stderr).toContain("building the agent image bottle-agent-userbox:");

    // Unchanged: no build, and the plan no longer lists one.
    const second = await bottle(world, ["start", "userbox", "--prompt", "exit 0"]);
    expect(second.exitCode).toBe(0);
    expect(second.stderr).not.toContain("building the agent image");
    const replanned = JSON.parse((await bottle(world, ["plan", "userbox", "--json"])).stdout) as { commands: string[][] };
    expect(replanned.commands.some((argv) => argv[3]?.startsWith("bottle-agent-userbox:"))).toBe(false);
    expect((await owned(world)).every((line) => line.startsWith("volume "))).toBe(true);
  }, 300_000);
});
