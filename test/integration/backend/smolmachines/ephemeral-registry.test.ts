import { beforeAll, expect, test } from "bun:test";
import { startEphemeralRegistry, withEphemeralRegistry } from "../../../../src/backend/smolmachines/ephemeral-registry.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { ensureMuteRegistryImage, ensureRegistryImage } from "../../../fixtures/registry/registry-image.ts";

const docker = (...args: string[]) => processRunner.run(["docker", ...args], { check: false });

async function exists(name: string): Promise<boolean> {
  const found = await docker("ps", "-a", "--filter", `name=^${name}$`, "--format", "{{.Names}}");
  return found.stdout.trim() === name;
}

describeEngine("ephemeral registry (real engine)", () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { BOTTLE_REGISTRY_IMAGE: await ensureRegistryImage(processRunner) };
  }, 120_000);
  const deps = () => ({ runner: processRunner, env });

  test("serves /v2/ on the port `docker port` reports, bound to loopback only, with --rm", async () => {
    let seen = "";
    await withEphemeralRegistry(deps(), async (registry) => {
      seen = registry.name;
      expect(registry.name).toMatch(/^bottle-registry-[0-9a-f]{12}$/);
      const published = await docker("port", registry.name, "5000/tcp");
      expect(published.stdout).toContain(`127.0.0.1:${registry.port}`);
      const inspect = JSON.parse((await docker("inspect", registry.name)).stdout)[0];
      expect(inspect.HostConfig.AutoRemove).toBe(true);
      const bindings = inspect.HostConfig.PortBindings["5000/tcp"] as { HostIp: string }[];
      expect(bindings.map((b) => b.HostIp)).toEqual(["127.0.0.1"]);
      expect(inspect.Config.Labels["dev.bottle.role"]).toBe("registry");
      const response = await fetch(`http://127.0.0.1:${registry.port}/v2/`);
      expect(response.status).toBe(200);
      expect(registry.host).toBe(`localhost:${registry.port}`);
    });
    expect(seen).not.toBe("");
    expect(await exists(seen)).toBe(false);
  }, 60_000);

  test("is removed when the block throws, and the error comes through", async () => {
    let seen = "";
    const run = withEphemeralRegistry(deps(), async (registry) => {
      seen = registry.name;
      expect(await exists(registry.name)).toBe(true);
      throw new Error("boom inside the block");
    });
    await expect(run).rejects.toThrow("boom inside the block");
    expect(await exists(seen)).toBe(false);
  }, 60_000);

  test("a registry that never answers fails within the deadline and is still removed", async () => {
    const mute = await ensureMuteRegistryImage(processRunner);
    const error = await startEphemeralRegistry({ runner: processRunner, env: { BOTTLE_REGISTRY_IMAGE: mute } }, { readyTimeoutMs: 1_500 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BottleError);
    expect((error as BottleError).message).toMatch(/did not answer GET \/v2\/ within 2 s/);
    expect((error as BottleError).hint).toContain("BOTTLE_REGISTRY_IMAGE");
    // The message names the registry it started: that one must be gone (other test files
    // run registries of their own on the same engine meanwhile).
    const name = /the local registry (bottle-registry-[0-9a-f]{12}) /.exec((error as BottleError).message)?.[1];
    expect(name).toBeDefined();
    expect(await exists(name!)).toBe(false);
  }, 60_000);

  test("Ctrl-C (abort) inside the block removes the registry", async () => {
    const controller = new AbortController();
    let seen = "";
    const run = withEphemeralRegistry({ ...deps(), signal: controller.signal }, async (registry) => {
      seen = registry.name;
      setTimeout(() => controller.abort(), 200);
      await processRunner.run(["sleep", "30"], { signal: controller.signal });
    });
    await expect(run).rejects.toThrow();
    expect(seen).not.toBe("");
    expect(await exists(seen)).toBe(false);
  }, 60_000);

  test("two registries in one run never share a name", async () => {
    const names = await Promise.all([0, 1].map(() => withEphemeralRegistry(deps(), async (r) => r.name)));
    expect(new Set(names).size).toBe(2);
  }, 60_000);
});
