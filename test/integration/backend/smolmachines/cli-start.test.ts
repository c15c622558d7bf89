import { afterAll, beforeAll, expect, test } from "bun:test";
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
});
