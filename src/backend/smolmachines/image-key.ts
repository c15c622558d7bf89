import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";

/** The image ID (`sha256:<64 hex>`) of a local image. */
export async function imageId(runner: Runner, ref: string): Promise<string> {
  const result = await runner.run(["docker", "image", "inspect", "--format", "{{.Id}}", ref], { check: false });
  const id = result.stdout.trim();
  if (result.exitCode !== 0 || !/^sha256:[0-9a-f]{64}$/.test(id)) {
    throw new BottleError(`the agent image ${ref} is not in the local Docker engine`, {
      hint: "build it first (`docker build`), or fix `image:` in the manifest",
    });
  }
  return id;
}

/**
 * The smolmachines cache key: the first 16 hex digits of the image ID. The ID is the
 * digest of the image's config, so any change to the image (a Dockerfile edit, a new
 * base) gives a new key and so a new artifact, and an unchanged image reuses its own.
 */
export function cacheKey(id: string): string {
  const match = /^sha256:([0-9a-f]{64})$/.exec(id);
  if (match === null) throw new BottleError(`not an image ID: ${id}`);
  return match[1]!.slice(0, 16);
}
