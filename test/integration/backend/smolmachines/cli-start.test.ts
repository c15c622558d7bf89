import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { disposeWorld, smolWorld, type SmolWorld } from "./fixtures.ts";

const MAIN = join(import.meta.dir, "../../../../src/cli/main.ts");

/** `bottle start --backend smolmachines` as a person runs it, the fake smolvm on PATH. */
describeEngine("bottle start --backend smolmachines (CLI, fake smolvm, real engine)", () => {
  let world: SmolWorld;
  let env: Record<string, string>;
  let project: string;
  let manifest: string;

  beforeAll(async () => {
    world = await smolWorld();
    project = join(world.root, "project");
    await mkdir(project, { recursive: true });
    await writeFile(join(project, "notes.txt"), "from the current directory\n");
    manifest = join(world.root, "bottle.yaml");
    await writeFile(
      manifest,
      [
        "version: 1",
        "agents:",
        "  smol:",
        `    image: { dockerfile: ${world.dockerfile} }`,
        "    command: [sh, -c]",
        "    env:",
        "      GREETING: hello from the manifest",
        "bottles:",
        "  default:",
        "    egress:",
        "      allow: [example.test]",
        "",
      ].join("\n"),
    );
    env = Object.fromEntries(Object.entries({ ...world.env, XDG_STATE_HOME: join(world.root, "cli-state") }).filter((e): e is [string, string] => e[1] !== undefined));
  }, 300_000);
  afterAll(async () => {
    await processRunner.run([process.execPath, MAIN, "cleanup", "--all", "--yes"], { env, cwd: project, check: false });
    await disposeWorld(world);
  });

  const bottle = (...args: string[]) => processRunner.run([process.execPath, MAIN, ...args], { env, cwd: project, check: false, timeoutMs: 240_000 });

  test("--prompt runs in the microVM with the cwd, the env and the gate, and exits with the agent's code; list and cleanup see it", async () => {
    const started = await bottle(
      "start", "smol", "--backend", "smolmachines", "--manifest", manifest, "--cwd", "--yes",
      "--prompt", 'cat /workspace/notes.txt; echo "$GREETING"; curl -s -o /dev/null -w "%{http_code} %header{x-bottle-block}\n" http://blocked.test/; exit 3',
    );
    expect(started.stderr).toContain("starting the microVM");
    expect(started.stdout).toBe("from the current directory\nhello from the manifest\n403 not-allowed\n");
    expect(started.exitCode).toBe(3);

    const listed = JSON.parse((await bottle("list", "--json")).stdout) as { identity: string; backend: string; status: string }[];
    const ours = listed.filter((entry) => entry.backend === "smolmachines");
    expect(ours).toHaveLength(1);
    expect(ours[0]!.status).toBe("stopped");
    const cleaned = await bottle("cleanup", "--all", "--yes");
    expect(cleaned.exitCode).toBe(0);
    const after = JSON.parse((await bottle("list", "--json")).stdout) as { backend: string }[];
    expect(after.filter((entry) => entry.backend === "smolmachines")).toEqual([]);
  }, 300_000);

  test("Ctrl-C (SIGINT) during pack create: exit 130, no registry container, no artifact, no half-written file", async () => {
    const packsBefore = (await world.fake.calls()).filter((c) => c.argv[0] === "pack").length;
    const touched = join(project, "touch-to-repack");
    // A new file in the build context gives a new image, so this start must pack.
    await writeFile(join(world.contextDir, "rootfs", "marker"), String(Date.now()));
    const child = processRunner.start(
      [process.execPath, MAIN, "start", "smol", "--backend", "smolmachines", "--manifest", manifest, "--yes", "--prompt", `touch ${touched}`],
      { env: { ...env, SMOLVM_FAKE_PACK_DELAY_MS: "30000" }, cwd: project, check: false },
    );
    let packs = packsBefore;
    for (let i = 0; i < 1200 && packs === packsBefore; i++) {
      await Bun.sleep(100);
      packs = (await world.fake.calls()).filter((c) => c.argv[0] === "pack").length;
    }
    expect(packs).toBe(packsBefore + 1);
    await Bun.sleep(500);
    child.kill("SIGINT");
    const result = await child.exited;
    expect(result.exitCode).toBe(130);

    const pack = (await world.fake.calls()).filter((c) => c.argv[0] === "pack").at(-1)!.argv;
    const key = /bottle-agent:([0-9a-f]{16})$/.exec(pack[3]!)![1]!;
    const registries = await processRunner.run(["docker", "ps", "-a", "--filter", `label=dev.bottle.identity=smolmachines-${key}`, "--format", "{{.Names}}"]);
    expect(registries.stdout.trim()).toBe("");
    const cache = join(env.XDG_CACHE_HOME!, "bottle", "smolmachines");
    expect(existsSync(join(cache, key))).toBe(false);
    expect(readdirSync(cache).filter((name) => name.startsWith(".partial-"))).toEqual([]);
    expect(existsSync(touched)).toBe(false);
  }, 300_000);
});
