import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../src/core/runner.ts";
import { compile } from "../../scripts/compile.ts";
import { ensureBusyboxImage } from "../../test/helpers/images.ts";

/**
 * A private world for a benchmark of the compiled CLI: a temp root holding the binary
 * (always compiled from the current source: a stale dist/bottle would measure old
 * code), a manifest whose agent is the busybox test image, its own state and cache.
 */
export async function benchWorld(name: string, options: { egress?: string } = {}) {
  const root = await mkdtemp(join(tmpdir(), `bottle-bench-${name}-`));
  const binary = await compile({ outfile: join(root, "bottle") });
  const agentImage = await ensureBusyboxImage();
  const manifest = join(root, "bottle.yaml");
  await writeFile(manifest, `version: 1\nagents:\n  bench:\n    image: ${agentImage}\n    command: [sh]\nbottles:\n  default:\n    egress: ${options.egress ?? "{}"}\n`);
  const env = { XDG_STATE_HOME: join(root, "state"), XDG_CACHE_HOME: join(root, "cache"), BOTTLE_MANIFEST: manifest, CI: "1" };
  return { root, binary, agentImage, env, bottle: (args: string[]) => processRunner.run([binary, ...args], { env, cwd: root }) };
}
