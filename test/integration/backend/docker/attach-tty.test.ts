import { afterAll, expect, test } from "bun:test";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { bottle, cliWorld, ROOT, tearDownWorld, type CliWorld } from "./cli.ts";
import { busyboxImage } from "./fixtures.ts";

const session = `bottle-attach-${process.pid}`;
let world: CliWorld | undefined;
const tmux = (...args: string[]) => processRunner.run(["tmux", ...args], { check: false });
const hasTmux = (await processRunner.run(["tmux", "-V"], { check: false }).catch(() => undefined))?.exitCode === 0;

afterAll(async () => {
  await tmux("kill-session", "-t", session);
  if (world) await tearDownWorld(world);
}, 120_000);

/** Waits until the pane shows `text` (a person watching the screen), up to a deadline. */
async function screenShows(text: string): Promise<string> {
  let screen = "";
  for (let i = 0; i < 600; i++) {
    screen = (await tmux("capture-pane", "-p", "-t", session)).stdout;
    if (screen.includes(text)) return screen;
    await Bun.sleep(100);
  }
  throw new Error(`the screen never showed ${JSON.stringify(text)}:\n${screen}`);
}

describeEngine("docker attach on a terminal", () => {
  test.skipIf(!hasTmux)("start hands the TTY to the agent, returns its exit code and restores the terminal; attach ID reopens a detached bottle", async () => {
    await busyboxImage();
    world = await cliWorld();
    // An interactive session wants plain `sh`, not the other tests' `sh -c`.
    const manifest = join(world.root, "interactive.yaml");
    await writeFile(manifest, "version: 1\nagents:\n  bbtest:\n    image: bottle-test-busybox:1\n    command: [sh]\nbottles:\n  default:\n    egress: {}\n");
    world.env.BOTTLE_MANIFEST = manifest;
    // A person's terminal: no CI variable.
    const env = Object.entries(world.env).filter(([key]) => key !== "CI").map(([key, value]) => `${key}=${value}`).join(" ");
    const cli = `${process.execPath} ${join(ROOT, "src/cli/main.ts")}`;
    const script = `cd ${world.work} && env -u CI ${env} ${cli} start bbtest --no-cwd; echo "EXIT=$?"; stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?icanon\\|-\\?echo' | tr '\\n' ' '; echo STTY-DONE; sleep 600`;
    await tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "40", "bash", "-c", script);
    await screenShows("/workspace #");
    await tmux("send-keys", "-t", session, "echo inside-$((6*7)) $(tty)", "Enter");
    const inside = await screenShows("inside-42");
    expect(inside).toMatch(/inside-42 \/dev\/pts\/\d+/);
    await tmux("send-keys", "-t", session, "exit 3", "Enter");
    const after = await screenShows("STTY-DONE");
    expect(after).toContain("EXIT=3");
    // Cooked mode again (not -icanon -echo): the terminal was restored after the agent's raw session.
    expect(after).toContain("icanon echo STTY-DONE");
    await tmux("kill-session", "-t", session);

    const started = await bottle(world, ["start", "bbtest", "--detach", "--json"]);
    const { identity } = JSON.parse(started.stdout) as { identity: string };
    const attach = `env -u CI ${env} ${cli} attach ${identity}; echo "EXIT=$?"; sleep 600`;
    await tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "40", "bash", "-c", attach);
    await screenShows("/workspace #");
    await tmux("send-keys", "-t", session, "exit 5", "Enter");
    await screenShows("EXIT=5");
    const listed = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { identity: string; status: string }[];
    expect(listed.find((entry) => entry.identity === identity)?.status).toBe("running");
  }, 300_000);
});
