import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { BackendDeps, StartSpec } from "../../../../src/backend/types.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { testSpec, type TestSpecOptions } from "../../../helpers/start-spec.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import type { AgentConfig } from "../../../../src/manifest/schema.ts";
import { ensureRegistryImage } from "../../../fixtures/registry/registry-image.ts";
import { writeAgentContext } from "../../../fixtures/smolvm/agent-context.ts";
import { useFakeSmolvm } from "../../../fixtures/smolvm/fake-env.ts";

/** Everything a smolmachines test needs: the fake on PATH, images, a private root. */
export interface SmolWorld {
  root: string;
  fake: ReturnType<typeof useFakeSmolvm>;
  /** The agent's Dockerfile (busybox + curl), in `contextDir`. */
  dockerfile: string;
  contextDir: string;
  env: Record<string, string | undefined>;
}

/**
 * Sets up the fake smolvm (on PATH, log and state under a private root), the test
 * registry image and the agent's build context (uid 1000). The gate is the real one:
 * its image is built from this checkout once per source change.
 */
export async function smolWorld(): Promise<SmolWorld> {
  const root = await mkdtemp(join(tmpdir(), "bottle-smol-test-"));
  const fake = useFakeSmolvm(root);
  const contextDir = join(root, "agent");
  await mkdir(contextDir, { recursive: true });
  const [registry, dockerfile] = await Promise.all([
    ensureRegistryImage(processRunner),
    // A non-root user, as the real agent image: the workspace must be writable by it.
    writeAgentContext(contextDir, processRunner, basename(root), { user: "1000:1000" }),
  ]);
  const env = { ...process.env, BOTTLE_REGISTRY_IMAGE: registry, XDG_CACHE_HOME: join(root, "cache") };
  return { root, fake, dockerfile, contextDir, env };
}

/** Restores the environment and removes the agent images this world built (found by its marker label); the engine is shared. */
export async function disposeWorld(world: SmolWorld): Promise<void> {
  world.fake.restore();
  const images = await processRunner.run(["docker", "images", "-q", "--filter", `label=dev.bottle.test.marker=${basename(world.root)}`], { check: false });
  const ids = [...new Set(images.stdout.split("\n").filter(Boolean))];
  if (ids.length > 0) await processRunner.run(["docker", "rmi", "-f", ...ids], { check: false });
  await rm(world.root, { recursive: true, force: true });
}

/** Fresh deps with their own state folder (cleanup must only see this test's bottles). */
export async function smolDeps(world: SmolWorld, log: (line: string) => void = () => {}): Promise<BackendDeps> {
  const state = await mkdtemp(join(world.root, "state-"));
  const env = { ...world.env, XDG_STATE_HOME: state };
  return { runner: processRunner, paths: bottlePaths(env), env, settings: readSettings(env), log };
}

/** A spec for the busybox+curl agent of `world`, built from its Dockerfile. */
export function smolSpec(world: SmolWorld, agent: Partial<AgentConfig> = {}, extra: TestSpecOptions = {}): StartSpec {
  return testSpec({
    agentName: "smoltest",
    manifestDir: world.contextDir,
    env: world.env,
    ...extra,
    agent: { image: { dockerfile: world.dockerfile }, command: ["sh", "-c"], ...agent },
    bottle: { egress: { allow: ["example.test"], deny: [], allow_cidrs: [], routes: [], dlp: { action: "block" } }, ...extra.bottle },
  });
}

/** What of `identity` still exists: smolvm machines, labelled containers, the fake's VM containers. */
export async function smolLeftovers(identity: string): Promise<string[]> {
  const [machines, containers] = await Promise.all([
    processRunner.run(["smolvm", "machine", "ls", "--json"]),
    processRunner.run(["docker", "ps", "-a", "--filter", `label=dev.bottle.identity=${identity}`, "--format", "container {{.Names}}"]),
  ]);
  const rows = JSON.parse(machines.stdout) as { name: string; labels: Record<string, string> }[];
  const fakeVm = await processRunner.run(["docker", "ps", "-a", "--filter", `name=^smolvm-fake-bottle-${identity}$`, "--format", "vm-container {{.Names}}"]);
  return [
    ...rows.filter((row) => row.labels["dev.bottle.identity"] === identity).map((row) => `machine ${row.name}`),
    ...`${containers.stdout}${fakeVm.stdout}`.split("\n").filter(Boolean),
  ];
}
