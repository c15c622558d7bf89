import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareArtifact } from "../../../../src/backend/smolmachines/prepare-artifact.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { processRunner, type Runner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { ensureRegistryImage } from "../../../fixtures/registry/registry-image.ts";
import { writeAgentContext } from "../../../fixtures/smolvm/agent-context.ts";
import { useFakeSmolvm } from "../../../fixtures/smolvm/fake-env.ts";

/** The real runner, remembering every argv so a test can say what did not run. */
function spyRunner() {
  const calls: string[][] = [];
  const runner: Runner = {
    run: (argv, options) => {
      calls.push([...argv]);
      return processRunner.run(argv, options);
    },
    start: (argv, options) => {
      calls.push([...argv]);
      return processRunner.start(argv, options);
    },
  };
  return { runner, calls };
}

const docker = (...args: string[]) => processRunner.run(["docker", ...args], { check: false });

describeEngine("smolmachines prepare: build → push → pack, cached by image ID", () => {
  let dir: string;
  let fake: ReturnType<typeof useFakeSmolvm>;
  let env: Record<string, string>;
  const tag = `bottle-smolvm-test-agent:${process.pid}`;
  const built: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bottle-smol-prepare-"));
    fake = useFakeSmolvm(dir);
    env = { XDG_CACHE_HOME: join(dir, "cache"), BOTTLE_REGISTRY_IMAGE: await ensureRegistryImage(processRunner) };
  }, 120_000);
  afterAll(async () => {
    delete process.env.SMOLVM_FAKE_PACK_DELAY_MS;
    fake.restore();
    for (const ref of built) await docker("rmi", "-f", ref);
    await rm(dir, { recursive: true, force: true });
  });

  async function source(marker: string) {
    const context = join(dir, `context-${marker}`);
    const dockerfile = await writeAgentContext(context, processRunner, marker);
    const ref = `${tag}-${marker}`;
    built.push(ref);
    return { ref, build: { dockerfile, context, args: {} } };
  }
  const deps = (runner: Runner, signal?: AbortSignal): BackendDeps => ({
    runner, paths: bottlePaths(env), env, settings: {}, log: () => {}, ...(signal ? { signal } : {}),
  });

  test("a miss builds, pushes through a loopback registry and packs; a hit runs none of it", async () => {
    const image = await source("a");
    const cold = spyRunner();
    const first = await prepareArtifact(image, deps(cold.runner));
    expect(first.cached).toBe(false);
    expect(first.key).toMatch(/^[0-9a-f]{16}$/);
    expect(first.dir).toBe(join(env.XDG_CACHE_HOME!, "bottle/smolmachines", first.key));
    expect(existsSync(first.path)).toBe(true);
    expect(existsSync(join(first.dir, "agent"))).toBe(true);
    const id = (await docker("image", "inspect", "--format", "{{.Id}}", image.ref)).stdout.trim();
    expect(id.slice(7, 23)).toBe(first.key);

    const words = cold.calls.map((argv) => argv.slice(0, 2).join(" "));
    expect(words).toContain("docker build");
    expect(words).toContain("docker push");
    const packs = (await fake.calls()).filter((c) => c.argv[0] === "pack");
    expect(packs).toHaveLength(1);
    expect(packs[0]!.argv).toEqual(["pack", "create", "--image", expect.stringMatching(/^localhost:\d+\/bottle-agent:/), "--output", expect.any(String)]);
    expect(packs[0]!.argv[3]).toEndWith(`/bottle-agent:${first.key}`);
    expect(packs[0]!.env.NO_PROXY).toBe("localhost,127.0.0.1");
    // The registry is gone again.
    const registries = await docker("ps", "-a", "--filter", `label=dev.bottle.identity=smolmachines-${first.key}`, "--format", "{{.Names}}");
    expect(registries.stdout.trim()).toBe("");

    const warm = spyRunner();
    const second = await prepareArtifact(image, deps(warm.runner));
    expect(second).toEqual({ ...first, cached: true });
    expect(warm.calls.map((argv) => argv.slice(0, 3).join(" "))).toEqual(["docker image inspect", "docker image inspect"]);
    expect((await fake.calls()).filter((c) => c.argv[0] === "pack")).toHaveLength(1);
  }, 180_000);

  test("a changed Dockerfile gives a new image ID and a new artifact", async () => {
    const before = (await fake.calls()).filter((c) => c.argv[0] === "pack").length;
    const one = await prepareArtifact(await source("b1"), deps(processRunner));
    const two = await prepareArtifact(await source("b2"), deps(processRunner));
    expect(two.key).not.toBe(one.key);
    expect(two.cached).toBe(false);
    expect(existsSync(one.path) && existsSync(two.path)).toBe(true);
    expect((await fake.calls()).filter((c) => c.argv[0] === "pack").length).toBe(before + 2);
  }, 180_000);

  test("Ctrl-C during pack create leaves no registry and no half-written artifact", async () => {
    const image = await source("c");
    process.env.SMOLVM_FAKE_PACK_DELAY_MS = "20000";
    const controller = new AbortController();
    const packsBefore = (await fake.calls()).filter((c) => c.argv[0] === "pack").length;
    const root = join(env.XDG_CACHE_HOME!, "bottle/smolmachines");
    let torn: string[] = [];
    const watcher = (async () => {
      // Abort once the fake is packing (its call is logged before it writes anything).
      while ((await fake.calls()).filter((c) => c.argv[0] === "pack").length === packsBefore) await Bun.sleep(50);
      await Bun.sleep(500);
      // The fake has written half of the artifact by now, in the private temp folder.
      torn = readdirSync(root).filter((name) => name.startsWith(".partial-") && existsSync(join(root, name, "agent.smolmachine")));
      controller.abort(new Error("interrupted"));
    })();
    const outcome = await prepareArtifact(image, deps(processRunner, controller.signal)).catch((e: unknown) => e);
    await watcher;
    delete process.env.SMOLVM_FAKE_PACK_DELAY_MS;
    expect(outcome).toBeInstanceOf(Error);

    const id = (await docker("image", "inspect", "--format", "{{.Id}}", image.ref)).stdout.trim();
    const key = id.slice(7, 23);
    expect(torn).toHaveLength(1);
    expect(existsSync(join(root, key))).toBe(false);
    expect(readdirSync(root).filter((name) => name.startsWith(".partial-"))).toEqual([]);
    const registries = await docker("ps", "-a", "--filter", `label=dev.bottle.identity=smolmachines-${key}`, "--format", "{{.Names}}");
    expect(registries.stdout.trim()).toBe("");

    // And the next prepare packs it properly.
    const again = await prepareArtifact(image, deps(processRunner));
    expect(again.cached).toBe(false);
    expect(existsSync(again.path)).toBe(true);
  }, 180_000);
});
