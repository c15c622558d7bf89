import { existsSync } from "node:fs";
import { join } from "node:path";
import { bottleLabels, LABEL, labelArgs } from "../../core/labels.ts";
import type { ImagePlan } from "../images/agent-image.ts";
import type { BackendDeps } from "../types.ts";
import { cacheKey, imageId } from "./image-key.ts";

/** The name `smolvm pack create --output` is given; it adds `.smolmachine` itself. */
export const PACK_OUTPUT = "agent";

/** The registry's port inside its container. */
export const REGISTRY_PORT = "5000/tcp";

/** `docker run` of an ephemeral registry: `--rm`, port 5000 published on loopback only. */
export function registryRunCommand(name: string, image: string, labels: readonly string[]): string[] {
  return ["docker", "run", "-d", "--rm", "--name", name, ...labels, "-p", "127.0.0.1::5000", image];
}

/**
 * The commands that take a built image into a packed artifact through a registry at
 * `host`: tag, push, `smolvm pack create` into `output`, and the temporary tag's removal.
 */
export function packCommands(source: string, host: string, key: string, output: string) {
  const pushed = `${host}/bottle-agent:${key}`;
  return {
    pushed,
    tag: ["docker", "tag", source, pushed],
    push: ["docker", "push", pushed],
    pack: ["smolvm", "pack", "create", "--image", pushed, "--output", output],
    untag: ["docker", "rmi", pushed],
  };
}

/**
 * What `bottle plan` shows of the artifact step: the artifact `machine create` will take,
 * and no commands when the image is built and its artifact cached; otherwise the
 * registry, push and pack a miss runs, with placeholders for what only exists then
 * (`<key>` when the image is still to be built). The pack really writes into a private
 * folder beside that output, renamed there when complete.
 */
export async function plannedPack(deps: BackendDeps, source: ImagePlan, registryImage: string): Promise<{ artifact: string; commands: string[][] }> {
  const id = await imageId(deps.runner, source.ref).catch(() => undefined);
  const key = id === undefined ? "<key>" : cacheKey(id);
  const artifact = join(deps.paths.smolmachinesCache(key), `${PACK_OUTPUT}.smolmachine`);
  if (id !== undefined && existsSync(artifact)) return { artifact, commands: [] };
  const registry = "bottle-registry-<random>";
  const pack = packCommands(source.ref, "localhost:<registry-port>", key, join(deps.paths.smolmachinesCache(key), PACK_OUTPUT));
  const commands = [
    registryRunCommand(registry, registryImage, labelArgs({
      ...bottleLabels(`smolmachines-${key}`, "registry"),
      [LABEL.smolmachinesOwner]: deps.paths.state,
      [LABEL.registryCreator]: "<pid>:<start>",
    })),
    ["docker", "port", registry, REGISTRY_PORT],
    pack.tag,
    pack.push,
    pack.pack,
    pack.untag,
    ["docker", "rm", "-f", registry],
  ];
  return { artifact, commands };
}
