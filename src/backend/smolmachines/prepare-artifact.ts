import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BottleError } from "../../core/errors.ts";
import type { ImagePlan } from "../images/agent-image.ts";
import { ensureAgentImage, type ImageConfig } from "../images/ensure-agent-image.ts";
import type { BackendDeps } from "../types.ts";
import { withEphemeralRegistry } from "./ephemeral-registry.ts";
import { cacheKey, imageId } from "./image-key.ts";
import { PACK_OUTPUT, packCommands } from "./pack-commands.ts";

/** A packed machine artifact in the cache. */
export interface SmolArtifact {
  /** The first 16 hex digits of the agent image ID. */
  key: string;
  imageId: string;
  /** `<cache>/smolmachines/<key>`. */
  dir: string;
  /** `<dir>/agent.smolmachine`: what `smolvm machine create --from` takes. */
  path: string;
  /** True when it was already there and nothing was built, pushed or packed. */
  cached: boolean;
  /** The image's entrypoint and command: the agent's command when the manifest sets none. */
  imageConfig: ImageConfig;
}



function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes half-written artifacts whose writer is dead (a SIGKILL leaves no chance to clean up). */
async function sweepPartials(root: string): Promise<void> {
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const entry of entries) {
    const match = /^\.partial-[0-9a-f]+-(\d+)-/.exec(entry);
    if (match && !alive(Number(match[1]))) await rm(join(root, entry), { recursive: true, force: true });
  }
}

/**
 * The smolmachines half of preparing a bottle: the agent image, then its packed microVM
 * artifact, cached by image ID. On a hit nothing else runs. On a miss the image goes
 * through a throwaway loopback registry (smolvm packs from a registry, not from the
 * engine) and is packed into a private temp folder that is renamed into place only when
 * complete: Ctrl-C never leaves a half-written artifact where a later run would trust it.
 */
export async function prepareArtifact(source: ImagePlan, deps: BackendDeps): Promise<SmolArtifact> {
  const imageConfig = await ensureAgentImage(source, deps.runner, deps.log, deps.signal);
  const id = await imageId(deps.runner, source.ref);
  const key = cacheKey(id);
  const dir = deps.paths.smolmachinesCache(key);
  const path = join(dir, `${PACK_OUTPUT}.smolmachine`);
  if (existsSync(path)) return { key, imageId: id, dir, path, cached: true, imageConfig };

  const root = dirname(dir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  await sweepPartials(root);
  const partial = join(root, `.partial-${key}-${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(partial, { mode: 0o700 });
  try {
    await withEphemeralRegistry(deps, async (registry) => {
      const commands = packCommands(source.ref, registry.host, key, join(partial, PACK_OUTPUT));
      deps.log(`packing the agent image for smolvm (${key})…`);
      await deps.runner.run(commands.tag, { signal: deps.signal });
      try {
        await deps.runner.run(commands.push, { signal: deps.signal });
        await deps.runner.run(
          commands.pack,
          // The registry is on loopback: a corporate proxy in the environment must not get these requests.
          { env: { NO_PROXY: "localhost,127.0.0.1", no_proxy: "localhost,127.0.0.1" }, signal: deps.signal },
        );
      } finally {
        // Only the temporary tag goes; the image keeps its own.
        await deps.runner.run(commands.untag, { check: false });
      }
    }, { identity: `smolmachines-${key}`, owner: deps.paths.state });
    if (deps.signal?.aborted) throw deps.signal.reason;
    try {
      await rename(partial, dir);
    } catch (error) {
      // A parallel prepare of the same image finished first: its artifact is as good.
      if (!existsSync(path)) throw error;
    }
  } catch (error) {
    // Ctrl-C kills the push or the pack mid-way: say so, not "smolvm was killed by SIGTERM".
    if (deps.signal?.aborted) throw new BottleError("interrupted while packing the microVM image: nothing was cached", { exitCode: 130, cause: error });
    throw error;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return { key, imageId: id, dir, path, cached: false, imageConfig };
}
