import { afterAll, expect, test } from "bun:test";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readLiveMarker } from "../../../../src/core/live-marker.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { openTerminal, shellQuote, tmuxAvailable, type Terminal } from "../../cli/tmux.ts";
import { bottle, cliWorld, owned, ROOT, tearDownWorld, type CliWorld } from "./cli.ts";
import { busyboxImage } from "./fixtures.ts";

const worlds: CliWorld[] = [];
const terminals: Terminal[] = [];
afterAll(async () => {
  for (const terminal of terminals) await terminal.close();
  for (const world of worlds) await tearDownWorld(world);
}, 300_000);

/** A world whose agent is an interactive shell, as a person attaches to it. */
async function shellWorld(): Promise<CliWorld> {
  await busyboxImage();
  const world = await cliWorld();
  await writeFile(world.manifest, "version: 1\nagents:\n  bbtest:\n    image: bottle-test-busybox:1\n    command: [sh]\nbottles:\n  default:\n    egress: {}\n");
  worlds.push(world);
  return world;
}

/** `bottle start bbtest` attached in a real terminal; the person writes a file in the workspace and one in the home. */
async function startAttached(world: CliWorld): Promise<{ terminal: Terminal; identity: string }> {
  const env = Object.entries(world.env).map(([key, value]) => `${key}=${shellQuote(value)}`).join(" ");
  const terminal = await openTerminal(`cd ${shellQuote(world.work)} && env ${env} ${shellQuote(process.execPath)} ${shellQuote(join(ROOT, "src/cli/main.ts"))} start bbtest`);
  terminals.push(terminal);
  const listed = async () => JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { identity: string; status: string }[];
  let identity: string | undefined;
  for (const until = Date.now() + 120_000; identity === undefined && Date.now() < until; await Bun.sleep(200)) {
    identity = (await listed()).find((entry) => entry.status === "running")?.identity;
  }
  if (identity === undefined) throw new Error(`the bottle never ran; the terminal shows:\n${await terminal.screen()}`);
  // Typed at the agent's shell, as a person would.
  await terminal.waitFor(/[#$] $/m, 60_000);
  await terminal.keys("echo work-kept > /workspace/notes.txt && echo home-kept > $HOME/history.txt && echo wrote-both", "Enter");
  await terminal.waitFor("wrote-both\n", 30_000).catch(() => terminal.waitFor(/^wrote-both$/m, 30_000));
  return { terminal, identity };
}

/** Waits until no container of `identity` is left (its CLI's teardown, or the next start's reap). */
async function noContainers(world: CliWorld, identity: string): Promise<void> {
  for (const until = Date.now() + 90_000; Date.now() < until; await Bun.sleep(250)) {
    if (!(await owned(world)).some((line) => line.startsWith(`container ${identity}-`))) return;
  }
  throw new Error(`${identity}'s containers are still there: ${(await owned(world)).join(", ")}`);
}

/** Starts another bottle, resumes the first, and reads back both files. */
async function resumeAndRead(world: CliWorld, identity: string): Promise<string> {
  const other = await bottle(world, ["start", "bbtest", "--detach"]);
  expect({ code: other.exitCode, stderr: other.stderr }).toMatchObject({ code: 0 });
  const resumed = await bottle(world, ["resume", identity, "--detach"]);
  expect({ code: resumed.exitCode, stderr: resumed.stderr }).toMatchObject({ code: 0 });
  const read = await processRunner.run(["docker", "exec", `${identity}-agent`, "sh", "-c", 'cat /workspace/notes.txt "$HOME/history.txt"'], { check: false });
  return `${read.stdout}${read.stderr}`;
}

describeEngine("a bottle's work survives its CLI", () => {
  test("closing the tmux window that runs `bottle start`, then another start, then resume: workspace and home are there", async () => {
    if (!(await tmuxAvailable())) return;
    const world = await shellWorld();
    const { terminal, identity } = await startAttached(world);
    // Closing the window hangs up the shell and the CLI (SIGHUP, more than once).
    await terminal.close();
    await noContainers(world, identity);
    const listed = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { identity: string; status: string }[];
    expect(listed.find((entry) => entry.identity === identity)?.status).toBe("stopped");
    expect(await resumeAndRead(world, identity)).toBe("work-kept\nhome-kept\n");
  }, 300_000);

  test("kill -9 of the CLI, then another start, then resume: workspace and home are there", async () => {
    if (!(await tmuxAvailable())) return;
    const world = await shellWorld();
    const { terminal, identity } = await startAttached(world);
    const marker = await readLiveMarker(join(world.state, identity));
    expect(marker?.mode).toBe("attached");
    process.kill(marker!.pid, "SIGKILL");
    const listed = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { identity: string; status: string; note?: string }[];
    expect(listed.find((entry) => entry.identity === identity)).toMatchObject({ status: "stopped", note: expect.stringContaining("its CLI died") });
    expect(await resumeAndRead(world, identity)).toBe("work-kept\nhome-kept\n");
    await terminal.close();
  }, 300_000);
});
