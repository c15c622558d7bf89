import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { describeEngine } from "../../helpers/engine.ts";
import { ensureAgentImage } from "../../helpers/images.ts";
import { bottle, cliWorld, tearDownWorld, type CliWorld } from "../backend/docker/cli.ts";
import { busyboxImage } from "../backend/docker/fixtures.ts";

const worlds: CliWorld[] = [];
afterAll(async () => {
  for (const world of worlds) await tearDownWorld(world);
}, 180_000);

const exec = (container: string, script: string, user: string[] = []) => processRunner.run(["docker", "exec", ...user, container, "sh", "-c", script]);

describeEngine("bottle cp through the real engine (docker)", () => {
  let world: CliWorld;
  let id: string;
  beforeAll(async () => {
    await busyboxImage();
    world = await cliWorld();
    worlds.push(world);
    const started = await bottle(world, ["start", "bbtest", "--detach", "--cwd"]);
    expect(started.exitCode).toBe(0);
    id = started.stdout.trim();
  }, 120_000);

  test("out of a running bottle: into a folder, as a new name, a folder's contents, an absolute path", async () => {
    const out = join(world.root, "out");
    await mkdir(out);
    expect((await bottle(world, ["cp", `${id}:README.md`, out])).exitCode).toBe(0);
    expect(readFileSync(join(out, "README.md"), "utf8")).toBe("# a project\n");
    expect((await bottle(world, ["cp", `${id.slice(-8)}:src`, join(out, "copied-src")])).exitCode).toBe(0);
    expect(readFileSync(join(out, "copied-src", "uncommitted.txt"), "utf8")).toBe("work in progress\n");
    expect((await bottle(world, ["cp", `${id}:.`, join(out, "all")])).exitCode).toBe(0);
    expect(readdirSync(join(out, "all")).toSorted()).toEqual(["README.md", "src"]);
    expect((await bottle(world, ["cp", `${id}:/etc/hostname`, join(out, "hostname")])).exitCode).toBe(0);
    expect(readFileSync(join(out, "hostname"), "utf8")).toBe(`${id}\n`);
    const missing = await bottle(world, ["cp", `${id}:nope.txt`, out]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("`docker cp` failed");
  }, 120_000);

  test("into a running bottle: a file into a folder, relative to the current directory", async () => {
    await writeFile(join(world.work, "from-host.txt"), "hello from the host\n");
    const copied = await bottle(world, ["cp", "from-host.txt", `${id}:src/`]);
    expect({ code: copied.exitCode, stderr: copied.stderr }).toEqual({ code: 0, stderr: "" });
    expect((await exec(`${id}-agent`, "cat /workspace/src/from-host.txt")).stdout).toBe("hello from the host\n");
  }, 120_000);

  test("bad calls are usage errors", async () => {
    for (const args of [["cp", "a", "b"], ["cp", `${id}:a`, `${id}:b`], ["cp", `${id}:a`]]) {
      expect((await bottle(world, args)).exitCode).toBe(2);
    }
  });

  test("out of a stopped bottle, its workspace still copies; other paths say why not", async () => {
    expect((await bottle(world, ["stop", id])).exitCode).toBe(0);
    const dest = join(world.root, "after-stop.md");
    const copied = await bottle(world, ["cp", `${id}:README.md`, dest]);
    expect({ code: copied.exitCode, stderr: copied.stderr }).toEqual({ code: 0, stderr: "" });
    expect(readFileSync(dest, "utf8")).toBe("# a project\n");
    const elsewhere = await bottle(world, ["cp", `${id}:/etc/hostname`, world.root]);
    expect(elsewhere.exitCode).toBe(1);
    expect(elsewhere.stderr).toContain("only its workspace (/workspace) and home (/root) are kept");
    const into = await bottle(world, ["cp", dest, `${id}:x`]);
    expect(into.exitCode).toBe(1);
    expect(into.stderr).toContain("not running");
    // The holder container that read the volume is gone again.
    const holders = await processRunner.run(["docker", "ps", "-a", "--filter", `label=dev.bottle.identity=${id}`, "--format", "{{.Names}}"]);
    expect(holders.stdout).toBe("");
  }, 120_000);
});

describeEngine("bottle diff through the real engine (the agent image, which has git)", () => {
  let world: CliWorld;
  let image: string;
  beforeAll(async () => {
    image = await ensureAgentImage();
  }, 1_200_000);

  test("the agent's committed and uncommitted changes and new files, against the files as copied, as a patch the checkout takes", async () => {
    world = await cliWorld();
    worlds.push(world);
    await writeFile(world.manifest, `version: 1\nagents:\n  coder:\n    image: ${image}\n    command: [sh, -c]\nbottles:\n  default:\n    egress: {}\n`);
    const git = (...args: string[]) => processRunner.run(["git", "-C", world.work, "-c", "user.name=t", "-c", "user.email=t@t", ...args]);
    await git("init", "-q");
    await writeFile(join(world.work, ".gitignore"), "ignored/\n");
    await git("add", "-A");
    await git("commit", "-q", "-m", "start");
    // The person's own work in progress, copied with the rest: not the agent's, so not in its diff.
    await writeFile(join(world.work, "draft.md"), "not committed yet\n");
    await writeFile(join(world.work, "src", "uncommitted.txt"), "the person's edit\n");
    const started = await bottle(world, ["start", "coder", "--detach", "--cwd"]);
    expect({ code: started.exitCode, stderr: started.stderr }).toMatchObject({ code: 0 });
    const id = started.stdout.trim();

    // As the agent: a commit (with the image's neutral identity), an uncommitted edit, a new file, an ignored one.
    await exec(
      `${id}-agent`,
      "cd /workspace && echo more >> README.md && git commit -qam 'agent: more' && echo changed > src/uncommitted.txt && echo new > added.txt && mkdir ignored && echo x > ignored/x",
      ["--user", "agent"],
    );
    const stat = await bottle(world, ["diff", id.slice(-8), "--stat"]);
    expect(stat.exitCode).toBe(0);
    expect(stat.stdout).toContain("README.md");
    expect(stat.stdout).toContain("added.txt");
    expect(stat.stdout).toContain("src/uncommitted.txt");
    expect(stat.stdout).not.toContain("ignored");
    expect(stat.stdout).not.toContain("draft.md");
    expect(stat.stdout).toContain("3 files changed");

    const patch = await bottle(world, ["diff", id]);
    expect(patch.exitCode).toBe(0);
    expect(patch.stdout).toStartWith("diff --git ");
    await writeFile(join(world.root, "agent.patch"), patch.stdout);
    // The host checkout, still as copied (its untracked draft.md too), takes the patch
    // as is: against HEAD, draft.md came back as new and `git apply` refused it.
    await git("apply", join(world.root, "agent.patch"));
    expect(readFileSync(join(world.work, "src", "uncommitted.txt"), "utf8")).toBe("changed\n");
    expect(readFileSync(join(world.work, "README.md"), "utf8")).toBe("# a project\nmore\n");
    expect(readFileSync(join(world.work, "added.txt"), "utf8")).toBe("new\n");
    // The agent's own index is untouched: added.txt is still untracked there.
    expect((await exec(`${id}-agent`, "cd /workspace && git status --porcelain", ["--user", "agent"])).stdout).toContain("?? added.txt");

    // What `bottle cp` puts in is the agent's to edit (docker cp alone makes it root's).
    await mkdir(join(world.root, "drop", "deep"), { recursive: true });
    await writeFile(join(world.root, "drop", "deep", "f.txt"), "dropped\n");
    expect((await bottle(world, ["cp", join(world.root, "drop"), `${id}:incoming`])).exitCode).toBe(0);
    const owners = await exec(`${id}-agent`, "stat -c %U /workspace/incoming /workspace/incoming/deep/f.txt && echo edit >> /workspace/incoming/deep/f.txt", ["--user", "agent"]);
    expect(owners.stdout).toBe("agent\nagent\n");

    // Stopped (as after `start --prompt`), the diff still reads its kept workspace, and leaves no container behind.
    await exec(`${id}-agent`, 'echo remembered > "$HOME/notes.txt"', ["--user", "agent"]);
    expect((await bottle(world, ["stop", id])).exitCode).toBe(0);
    // The agent's home is kept too, and copies out where the agent saw it.
    expect((await bottle(world, ["cp", `${id}:/home/agent/notes.txt`, join(world.root, "notes.txt")])).exitCode).toBe(0);
    expect(readFileSync(join(world.root, "notes.txt"), "utf8")).toBe("remembered\n");
    const stopped = await bottle(world, ["diff", id, "--stat"]);
    expect({ code: stopped.exitCode, stderr: stopped.stderr }).toEqual({ code: 0, stderr: "" });
    expect(stopped.stdout).toContain("4 files changed");
    const left = await processRunner.run(["docker", "ps", "-a", "--filter", `label=dev.bottle.identity=${id}`, "--format", "{{.Names}}"]);
    expect(left.stdout).toBe("");

    // A resume copies nothing, and still knows where the workspace came from: list and diff say so.
    expect((await bottle(world, ["resume", id, "--detach"])).exitCode).toBe(0);
    const listed = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { identity: string; source: string | null }[];
    expect(listed.find((entry) => entry.identity === id)?.source).toBe(world.work);
    const resumed = await bottle(world, ["diff", id, "--stat"]);
    expect({ code: resumed.exitCode, out: resumed.stdout.includes("4 files changed") }).toEqual({ code: 0, out: true });
  }, 300_000);

  test("a bottle whose workspace is not a copied repository says so", async () => {
    const plain = await cliWorld();
    worlds.push(plain);
    await busyboxImage();
    const id = (await bottle(plain, ["start", "bbtest", "--detach", "--cwd"])).stdout.trim();
    const diff = await bottle(plain, ["diff", id]);
    expect(diff.exitCode).toBe(1);
    expect(diff.stderr).toContain(`${id}'s workspace was copied from ${plain.work}, which was not a git repository's top folder`);
  }, 120_000);
});
