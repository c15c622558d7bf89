import { afterAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describeEngine } from "../../helpers/engine.ts";
import { bottle, cliWorld, owned, tearDownWorld, type CliWorld } from "../backend/docker/cli.ts";
import { busyboxImage } from "../backend/docker/fixtures.ts";

let world: CliWorld | undefined;
afterAll(async () => {
  if (world) await tearDownWorld(world);
}, 120_000);

const mine = async (identity: string) => (await owned(world!)).filter((line) => line.includes(identity));
const statusOf = async (identity: string) =>
  (JSON.parse((await bottle(world!, ["list", "--json"])).stdout) as { identity: string; status: string }[]).find((entry) => entry.identity === identity)?.status;

describeEngine("housekeeping through the CLI and the real engine", () => {
  test("--name, prefixes, shell, rm (--force for a running one), stop ID… and --all, start --prompt --rm", async () => {
    await busyboxImage();
    world = await cliWorld();

    const named = await bottle(world, ["start", "bbtest", "--detach", "--name", "alpha", "--cwd"]);
    expect({ code: named.exitCode, stdout: named.stdout, stderr: named.stderr }).toMatchObject({ code: 0, stdout: "bbtest-alpha\n" });
    const taken = await bottle(world, ["start", "bbtest", "--detach", "--name", "alpha"]);
    expect(taken.exitCode).toBe(2);
    expect(taken.stderr).toContain("a bottle bbtest-alpha already exists");
    expect((await bottle(world, ["start", "bbtest", "--detach", "--name", "Not/Valid"])).exitCode).toBe(2);

    const other = (await bottle(world, ["start", "bbtest", "--detach"])).stdout.trim();
    expect(other).toMatch(/^bbtest-[a-z2-7]{8}$/);

    // list: the folder --cwd copied, and with --size each workspace's size.
    const listed = JSON.parse((await bottle(world, ["list", "--size", "--json"])).stdout) as { identity: string; source: string | null; workspaceBytes: number | null }[];
    const alpha = listed.find((entry) => entry.identity === "bbtest-alpha")!;
    expect(alpha.source).toBe(world.work);
    // README.md and src/uncommitted.txt: 12 + 17 bytes.
    expect(alpha.workspaceBytes).toBe(29);
    expect(listed.find((entry) => entry.identity === other)).toMatchObject({ source: null, workspaceBytes: 0 });
    const table = (await bottle(world, ["list", "--size"])).stdout;
    expect(table).toMatch(/^IDENTITY\s+AGENT\s+BACKEND\s+STATUS\s+AGE\s+SIZE\s+SOURCE\n/);
    expect(table).toMatch(new RegExp(`^bbtest-alpha\\s+bbtest\\s+docker\\s+running\\s+\\d+[smhd]\\s+29B\\s+${world.work}$`, "m"));

    // A prefix of the part after the agent's name, or of the identity; `shell -- COMMAND` runs in the workspace with the agent's env.
    const shell = await bottle(world, ["shell", "alp", "--", "sh", "-c", 'pwd; echo "$HTTPS_PROXY"; exit 7']);
    expect(shell.exitCode).toBe(7);
    expect(shell.stdout).toMatch(/^\/workspace\nhttp:\/\/bbtest-alpha-gate:\d+\n$/);
    const ambiguous = await bottle(world, ["attach", "bbtest"]);
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toContain("bbtest matches 2 bottles:");
    expect(ambiguous.stderr).toContain("bbtest-alpha");
    expect(ambiguous.stderr).toContain(other);
    const traversal = await bottle(world, ["rm", "../../etc"]);
    expect(traversal.exitCode).toBe(2);
    expect(traversal.stderr).toContain('not a bottle ID: "../../etc"');
    expect((await bottle(world, ["stop", "nobody"])).stderr).toContain("no bottle nobody");

    // rm of a running bottle needs --force; nothing goes without it, not even the other ID.
    const refused = await bottle(world, ["rm", "bbtest-alpha", other.slice(-8)]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("running: nothing was removed");
    expect(await mine("bbtest-alpha")).not.toEqual([]);
    const forced = await bottle(world, ["rm", "--force", "alpha"]);
    expect({ code: forced.exitCode, stderr: forced.stderr }).toEqual({ code: 0, stderr: "removed bbtest-alpha (its workspace, home and state are gone)\n" });
    expect(await mine("bbtest-alpha")).toEqual([]);
    expect(existsSync(join(world.state, "bbtest-alpha"))).toBe(false);

    // stop of several IDs, then --all for what still runs.
    const third = (await bottle(world, ["start", "bbtest", "--detach"])).stdout.trim();
    const fourth = (await bottle(world, ["start", "bbtest", "--detach"])).stdout.trim();
    const stopped = await bottle(world, ["stop", third, fourth, "--json"]);
    expect(stopped.exitCode).toBe(0);
    expect((JSON.parse(stopped.stdout) as { stopped: { identity: string }[] }).stopped.map((entry) => entry.identity).toSorted()).toEqual([third, fourth].toSorted());
    expect(await statusOf(third)).toBe("stopped");
    expect(await statusOf(other)).toBe("running");
    const all = await bottle(world, ["stop", "--all"]);
    expect(all.exitCode).toBe(0);
    expect(all.stderr).toContain(`stopped ${other}`);
    expect(all.stderr).not.toContain(`stopped ${third}`);
    expect(await statusOf(other)).toBe("stopped");
    expect((await mine(other)).toSorted()).toEqual([`volume ${other}-home`, `volume ${other}-workspace`]);

    // A stopped bottle needs no --force; its workspace goes with it.
    const removed = await bottle(world, ["rm", other, third, fourth]);
    expect(removed.exitCode).toBe(0);
    expect(await owned(world)).toEqual([]);

    // --prompt --rm: the agent's code, and nothing left behind.
    const once = await bottle(world, ["start", "bbtest", "--cwd", "--rm", "--prompt", "cat /workspace/README.md; exit 3"]);
    expect({ code: once.exitCode, stdout: once.stdout }).toEqual({ code: 3, stdout: "# a project\n" });
    expect(once.stderr).toMatch(/bottle bbtest-[a-z2-7]{8} removed \(--rm\)/);
    expect(once.stderr).not.toContain("its workspace is kept");
    expect(await owned(world)).toEqual([]);
    expect(JSON.parse((await bottle(world, ["list", "--json"])).stdout)).toEqual([]);
    expect((await bottle(world, ["start", "bbtest", "--rm", "--detach"])).exitCode).toBe(2);
  }, 300_000);
});
