/**
 * smolmachines prepare, cold versus cached: `bun bench/smolmachines/prepare.ts`.
 *
 * Cold: the agent image exists but no artifact is cached, so prepare starts the
 * ephemeral registry, waits for `/v2/`, tags, pushes and runs `smolvm pack create`
 * (the fake: it fetches the manifest and config over HTTP; a real pack also converts
 * the layers, so real cold runs are slower). Cached: the artifact exists, so prepare is
 * two `docker image inspect` calls and a stat. Needs a Docker engine and Debian's
 * docker-registry on the host. Results go in bench/smolmachines/RESULTS.md.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareArtifact } from "../../src/backend/smolmachines/prepare-artifact.ts";
import { bottlePaths } from "../../src/core/paths.ts";
import { processRunner } from "../../src/core/runner.ts";
import { ensureRegistryImage } from "../../test/fixtures/registry/registry-image.ts";
import { writeAgentContext } from "../../test/fixtures/smolvm/agent-context.ts";
import { useFakeSmolvm } from "../../test/fixtures/smolvm/fake-env.ts";

const COLD_RUNS = Number(process.env.COLD_RUNS ?? 7);
const CACHED_RUNS = Number(process.env.CACHED_RUNS ?? 30);

const root = await mkdtemp(join(tmpdir(), "bottle-bench-smol-"));
useFakeSmolvm(root);
const context = join(root, "agent");
const dockerfile = await writeAgentContext(context, processRunner, "bench");
const image = { ref: `bottle-smolvm-bench-agent:${process.pid}`, build: { dockerfile, context, args: {} } };
const registry = await ensureRegistryImage(processRunner);
const deps = (cache: string) => {
  const env = { XDG_CACHE_HOME: cache, BOTTLE_REGISTRY_IMAGE: registry };
  return { runner: processRunner, paths: bottlePaths(env), env, settings: {}, log: () => {} };
};

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return `| ${name} | ${at(0.5).toFixed(1)} | ${at(0.9).toFixed(1)} | ${sorted.length} |`;
}

try {
  // The image build happens once, outside the timings: it is the docker backend's cost too.
  const first = await prepareArtifact(image, deps(join(root, "warmup")));
  const cold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const start = performance.now();
    const artifact = await prepareArtifact(image, deps(join(root, `cold-${i}`)));
    cold.push(performance.now() - start);
    if (artifact.cached) throw new Error("a cold run hit the cache");
  }
  const cached: number[] = [];
  for (let i = 0; i < CACHED_RUNS; i++) {
    const start = performance.now();
    const artifact = await prepareArtifact(image, deps(join(root, "warmup")));
    cached.push(performance.now() - start);
    if (!artifact.cached) throw new Error("a cached run missed the cache");
  }
  console.log(`image ${first.imageId.slice(0, 19)}…, key ${first.key}`);
  console.log("| prepare | median (ms) | p90 (ms) | runs |");
  console.log("|---|---:|---:|---:|");
  console.log(summary("cold (registry + push + pack create)", cold));
  console.log(summary("cached (artifact hit)", cached));
} finally {
  await processRunner.run(["docker", "rmi", "-f", image.ref], { check: false });
  await rm(root, { recursive: true, force: true });
}
