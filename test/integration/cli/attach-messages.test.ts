import { afterAll, expect, test } from "bun:test";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describeEngine } from "../../helpers/engine.ts";
import { bottle, cliWorld, ROOT, tearDownWorld, type CliWorld } from "../backend/docker/cli.ts";
import { busyboxImage } from "../backend/docker/fixtures.ts";
import { openTerminal, shellQuote, tmuxAvailable, type Terminal } from "./tmux.ts";

let world: CliWorld | undefined;
let terminal: Terminal | undefined;
afterAll(async () => {
  await terminal?.close();
  if (world) await tearDownWorld(world);
}, 120_000);

const hasTmux = await tmuxAvailable();

describeEngine("what attach says when it ends (a real terminal, the real engine)", () => {
  test.skipIf(!hasTmux)("leaving says the bottle keeps running; a `bottle stop` elsewhere is told on the attached terminal, which stays usable", async () => {
    await busyboxImage();
    world = await cliWorld();
    const manifest = join(world.root, "interactive.yaml");
    await writeFile(manifest, "version: 1\nagents:\n  bbtest:\n    image: bottle-test-busybox:1\n    command: [sh]\nbottles:\n  default:\n    egress: {}\n");
    world.env.BOTTLE_MANIFEST = manifest;
    const id = (await bottle(world, ["start", "bbtest", "--detach"])).stdout.trim();
    const env = Object.entries(world.env).filter(([key]) => key !== "CI").map(([key, value]) => `${key}=${shellQuote(value)}`).join(" ");
    // After the CLI ends, a line read in cooked mode proves the terminal is a person's again.
    const attach = `cd ${shellQuote(world.work)} && env -u CI ${env} ${shellQuote(process.execPath)} ${shellQuote(join(ROOT, "src/cli/main.ts"))} attach ${id.slice(-8)}; echo "EXIT=$?"; read -r line; echo "got:$line"`;

    terminal = await openTerminal(attach);
    await terminal.waitFor("/workspace #");
    await terminal.keys("exit 0", "Enter");
    const left = await terminal.waitFor("EXIT=0");
    expect(left).toContain(`left ${id}; it keeps running: \`bottle attach ${id}\` comes back, \`bottle stop ${id}\` stops it`);
    await terminal.close();

    terminal = await openTerminal(attach);
    await terminal.waitFor("/workspace #");
    expect((await bottle(world, ["stop", id])).exitCode).toBe(0);
    const told = await terminal.waitFor("EXIT=");
    expect(told).toContain(`${id} was stopped while you were attached (\`bottle stop\`); its workspace is kept: \`bottle resume ${id}\` brings it back`);
    // A stop elsewhere is not this session failing: 0, not the agent's 137 from the kill.
    expect(told).toMatch(/EXIT=0\b/);
    await terminal.keys("still usable", "Enter");
    expect(await terminal.waitFor("got:still usable")).toContain("got:still usable");
    await terminal.close();

    // `bottle shell` on a terminal: an interactive shell with a TTY, in the workspace.
    const again = (await bottle(world, ["start", "bbtest", "--detach", "--name", "shelled"])).stdout.trim();
    terminal = await openTerminal(attach.replace(`attach ${id.slice(-8)}`, "shell shelled"));
    await terminal.waitFor("/workspace #");
    await terminal.keys("echo tty-$(tty | cut -c1-9) in-$PWD", "Enter");
    expect(await terminal.waitFor("tty-/dev/pts/ in-/workspace")).toContain("tty-/dev/pts/ in-/workspace");
    await terminal.keys("exit 6", "Enter");
    expect(await terminal.waitFor("EXIT=")).toContain("EXIT=6");
    expect(again).toBe("bbtest-shelled");
    await terminal.close();

    // The terminal that ran `bottle start` (attached) hears of a `bottle stop` elsewhere too, and stays usable.
    terminal = await openTerminal(attach.replace(`attach ${id.slice(-8)}`, "start bbtest --name started --no-cwd"));
    await terminal.waitFor("/workspace #");
    const stopStarted = await bottle(world, ["stop", "bbtest-started"]);
    expect({ code: stopStarted.exitCode, stderr: stopStarted.stderr }).toMatchObject({ code: 0 });
    const ended = await terminal.waitFor("EXIT=");
    expect(ended).toContain("bottle bbtest-started stopped; its workspace and home are kept: `bottle resume bbtest-started`");
    await terminal.keys("usable again", "Enter");
    expect(await terminal.waitFor("got:usable again")).toContain("got:usable again");
  }, 300_000);
});
