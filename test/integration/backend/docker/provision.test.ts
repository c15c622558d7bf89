import { afterAll, expect, test } from "bun:test";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describeEngine } from "../../../helpers/engine.ts";
import { bottle, cliWorld, tearDownWorld, type CliWorld } from "./cli.ts";
import { BUSYBOX_IMAGE, busyboxImage, removeAgentImages } from "./fixtures.ts";

let world: CliWorld | undefined;
afterAll(async () => {
  if (world) await tearDownWorld(world);
  await removeAgentImages("bottle-agent-claudebox");
}, 120_000);

describeEngine("docker provisioning of Claude Code's home", () => {
  test("~/.claude.json is 0600 and the agent's own with supervise off, also when a resumed home had it 0644", async () => {
    await busyboxImage();
    world = await cliWorld();
    // A stand-in `claude` (the real CLI is the e2e tests'): `claude -p SCRIPT` runs SCRIPT,
    // as the image's non-root user, so the file's mode and owner are what the agent sees.
    const image = join(world.root, "image");
    await mkdir(image);
    await writeFile(join(image, "claude"), '#!/bin/sh\n[ "$1" = -p ] && shift\nexec sh -c "$1"\n');
    await chmod(join(image, "claude"), 0o755);
    await writeFile(join(image, "Dockerfile"), `FROM ${BUSYBOX_IMAGE}\nLABEL dev.bottle.test=${world.root}\nCOPY claude /usr/local/bin/claude\nUSER 1000:1000\n`);
    const manifest = join(world.root, "claude.yaml");
    await writeFile(manifest, "version: 1\nagents:\n  claudebox:\n    image: { dockerfile: image/Dockerfile }\n    command: [claude]\nbottles:\n  default:\n    egress: {}\n    supervise: false\n");
    world.env.BOTTLE_MANIFEST = manifest;

    const probe = 'stat -c "%a %u" "$HOME/.claude.json"; grep -c hasCompletedOnboarding "$HOME/.claude.json"';
    const first = await bottle(world, ["start", "claudebox", "--name", "mode", "--prompt", `${probe}; chmod 644 "$HOME/.claude.json"`]);
    expect({ code: first.exitCode, stdout: first.stdout, stderr: first.exitCode === 0 ? "" : first.stderr }).toEqual({ code: 0, stdout: "600 1000\n1\n", stderr: "" });

    // The home volume kept the file the agent left 0644: resume keeps its content and makes it 0600 again.
    const resumed = await bottle(world, ["resume", "claudebox-mode", "--prompt", probe]);
    expect({ code: resumed.exitCode, stdout: resumed.stdout, stderr: resumed.exitCode === 0 ? "" : resumed.stderr }).toEqual({ code: 0, stdout: "600 1000\n1\n", stderr: "" });
  }, 300_000);
});
