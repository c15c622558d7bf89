import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { describeEngine } from "../../helpers/engine.ts";
import { writeAgentContext } from "../../fixtures/smolvm/agent-context.ts";
import { disposeWorld, smolWorld, type SmolWorld } from "../backend/smolmachines/fixtures.ts";

/** The world's agent context (busybox, curl, uid 1000) plus the host's git and the libraries it links: `bottle diff` runs git in the guest. */
async function contextWithGit(world: SmolWorld): Promise<string> {
  const dir = join(world.root, "agent-git");
  const dockerfile = await writeAgentContext(dir, processRunner, basename(world.root), { user: "1000:1000" });
  const place = async (from: string) => {
    await mkdir(dirname(join(dir, "rootfs", from)), { recursive: true });
    await copyFile(from, join(dir, "rootfs", from));
  };
  await place("/usr/bin/git");
  const ldd = await processRunner.run(["ldd", "/usr/bin/git"]);
  for (const match of ldd.stdout.matchAll(/(\/\S+\.so[.\d]*)/g)) await place(match[1]!);
  return dockerfile;
}

const MAIN = join(import.meta.dir, "../../../src/cli/main.ts");

/** cp, shell and rm of a microVM bottle as a person runs them: the fake smolvm on PATH, the real engine for the gate. */
describeEngine("bottle cp / shell / rm on smolmachines (CLI, fake smolvm)", () => {
  let world: SmolWorld;
  let env: Record<string, string>;
  let project: string;
  let id: string;
  const bottle = (...args: string[]) => processRunner.run([process.execPath, MAIN, ...args], { env, cwd: project, check: false, timeoutMs: 240_000 });

  beforeAll(async () => {
    world = await smolWorld();
    project = join(world.root, "project");
    await mkdir(join(project, "src"), { recursive: true });
    await writeFile(join(project, "notes.txt"), "from the current directory\n");
    await writeFile(join(project, "src", "a.txt"), "a\n");
    const git = (...args: string[]) => processRunner.run(["git", "-C", project, "-c", "user.name=t", "-c", "user.email=t@t", ...args]);
    await git("init", "-q");
    await git("add", "-A");
    await git("commit", "-q", "-m", "start");
    const manifest = join(world.root, "bottle.yaml");
    await writeFile(manifest, `version: 1\nagents:\n  smol:\n    image: { dockerfile: ${await contextWithGit(world)} }\n    command: [sh, -c]\n    env: { GREETING: 8080 }\nbottles:\n  default:\n    egress: {}\n`);
    env = Object.fromEntries(
      Object.entries({ ...world.env, XDG_STATE_HOME: join(world.root, "cli-state"), BOTTLE_MANIFEST: manifest, CI: "1" }).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const started = await bottle("start", "smol", "--backend", "smolmachines", "--cwd", "--detach");
    expect({ code: started.exitCode, stderr: started.stderr }).toMatchObject({ code: 0 });
    id = started.stdout.trim();
  }, 300_000);
  afterAll(async () => {
    await bottle("rm", "--force", id);
    await disposeWorld(world);
  }, 120_000);

  test("list shows the folder --cwd copied and, with --size, the workspace's size", async () => {
    const listed = JSON.parse((await bottle("list", "--size", "--json")).stdout) as { identity: string; source: string; workspaceBytes: number }[];
    // The copy holds what the project holds, .git included: the sum of its files' sizes as find prints them.
    const sizes = await processRunner.run(["find", project, "-type", "f", "-printf", "%s\n"]);
    const expected = sizes.stdout.split("\n").filter(Boolean).reduce((sum, size) => sum + Number(size), 0);
    expect(expected).toBeGreaterThan(29);
    expect(listed.find((entry) => entry.identity === id)).toMatchObject({ backend: "smolmachines", source: project, workspaceBytes: expected });
  }, 60_000);

  test("cp out: tar over machine exec, with docker cp's meaning", async () => {
    const out = join(world.root, "out");
    await mkdir(out);
    expect((await bottle("cp", `${id}:notes.txt`, out)).exitCode).toBe(0);
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("from the current directory\n");
    expect((await bottle("cp", `${id}:src`, join(out, "renamed"))).exitCode).toBe(0);
    expect(readFileSync(join(out, "renamed", "a.txt"), "utf8")).toBe("a\n");
    expect((await bottle("cp", `${id}:/workspace/.`, join(out, "all"))).exitCode).toBe(0);
    expect(readdirSync(join(out, "all")).toSorted()).toEqual([".git", "notes.txt", "src"]);
    const missing = await bottle("cp", `${id}:nope`, join(out, "nope"));
    expect(missing.exitCode).toBe(1);
    expect(existsSync(join(out, "nope"))).toBe(false);
  }, 120_000);

  test("cp in lands as the guest's user; shell runs there with the agent's env file", async () => {
    await mkdir(join(world.root, "drop"), { recursive: true });
    await writeFile(join(world.root, "drop", "in.txt"), "into the guest\n");
    const copied = await bottle("cp", join(world.root, "drop"), `${id}:dropped`);
    expect({ code: copied.exitCode, stderr: copied.stderr }).toEqual({ code: 0, stderr: "" });
    const shell = await bottle("shell", id.slice(-8), "--", "sh", "-c", "cat dropped/in.txt; id -u; stat -c %u dropped/in.txt; pwd; echo \"$GREETING\"; exit 4");
    expect(shell.stdout).toBe("into the guest\n1000\n1000\n/workspace\n8080\n");
    expect(shell.exitCode).toBe(4);
  }, 120_000);

  test("diff: git in the guest, the agent's changes against the copied HEAD", async () => {
    const changed = await bottle("shell", id, "--", "sh", "-c", "echo changed > src/a.txt && echo new > added.txt");
    expect(changed.exitCode).toBe(0);
    const stat = await bottle("diff", id, "--stat");
    expect({ code: stat.exitCode, stderr: stat.stderr }).toEqual({ code: 0, stderr: "" });
    expect(stat.stdout).toContain("added.txt");
    expect(stat.stdout).toContain("src/a.txt");
    const patch = await bottle("diff", id);
    expect(patch.stdout).toContain("-a\n+changed\n");
  }, 120_000);

  test("rm needs --force while it runs, then removes machine, gate and state", async () => {
    const refused = await bottle("rm", id);
    expect(refused.exitCode).toBe(2);
    const removed = await bottle("rm", "--force", id);
    expect({ code: removed.exitCode, stderr: removed.stderr }).toEqual({ code: 0, stderr: `removed ${id} (its workspace, home and state are gone)\n` });
    expect(existsSync(join(env.XDG_STATE_HOME!, "bottle", id))).toBe(false);
    const machines = JSON.parse((await processRunner.run(["smolvm", "machine", "ls", "--json"])).stdout) as { labels: Record<string, string> }[];
    expect(machines.filter((m) => m.labels["dev.bottle.identity"] === id)).toEqual([]);
    const gates = await processRunner.run(["docker", "ps", "-a", "--filter", `label=dev.bottle.identity=${id}`, "--format", "{{.Names}}"]);
    expect(gates.stdout).toBe("");
  }, 120_000);
});
