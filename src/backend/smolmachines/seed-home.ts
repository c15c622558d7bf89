import { readdir } from "node:fs/promises";
import { BottleError } from "../../core/errors.ts";
import { bottleLabels, labelArgs } from "../../core/labels.ts";
import type { Runner } from "../../core/runner.ts";
import { registryOwnerLabels } from "./orphan-registries.ts";

/** The throwaway container a bottle's home is seeded from: made, copied out of, removed, never started. */
export function seedContainerName(identity: string): string {
  return `bottle-home-seed-${identity}`;
}

/** The commands that seed a home: clear a killed run's seed container, make one, copy the home out, remove it. */
export function seedHomeCommands(identity: string, image: string, home: string, folder: string, owner: Record<string, string> = {}) {
  const name = seedContainerName(identity);
  // Labelled with its owner and its CLI (`registryOwnerLabels`): one a killed run left is reaped with the registries.
  const labels = labelArgs({ ...bottleLabels(identity, "home-seed"), ...owner });
  return {
    clear: ["docker", "rm", "--force", name],
    // The entrypoint is never run; `docker create` only needs one for an image that has none (FROM scratch).
    create: ["docker", "create", "--name", name, ...labels, "--entrypoint", "/bottle-home-seed", image],
    copy: ["docker", "cp", `${name}:${home.replace(/\/+$/, "")}/.`, folder],
    remove: ["docker", "rm", "--force", name],
  };
}

/**
 * Seeds a fresh bottle's home folder with what the image put in the agent user's home
 * (dotfiles, `~/.claude` settings), as Docker seeds a new named volume from the image
 * it is first mounted on: the folder is mounted over that home in the guest, which
 * would otherwise hide it. The image lives in the local engine (the artifact is packed
 * from it), so its home is copied out of a container created, never started, from it
 * (`docker cp`, which gives the files to this host user: `shareMounts` hands them to
 * the guest's). Only a folder that is still empty is seeded, and never on resume: the
 * agent's own home is never overwritten. An image without that home seeds nothing.
 */
export async function seedHome(runner: Runner, options: { identity: string; image: string; home: string; folder: string; resume: boolean; owner?: string }): Promise<boolean> {
  // A home of `/` (HOME=/ in the image) would copy the whole image: nothing to seed there.
  if (options.resume || options.home.replace(/\/+$/, "") === "" || (await readdir(options.folder).catch(() => ["?"])).length > 0) return false;
  const commands = seedHomeCommands(options.identity, options.image, options.home, options.folder, registryOwnerLabels(options.owner));
  // A killed run may have left its seed container: it holds nothing of the bottle's.
  await runner.run(commands.clear, { check: false });
  await runner.run(commands.create);
  try {
    const copied = await runner.run(commands.copy, { check: false });
    if (copied.exitCode === 0) return true;
    if (/could not find the file/i.test(copied.stderr)) return false;
    throw new BottleError(`could not seed the agent's home from ${options.image}: ${copied.stderr.trim()}`, { hint: "`bottle doctor` checks the engine" });
  } finally {
    await runner.run(commands.remove, { check: false });
  }
}
