import { backendDeps, backendOf } from "../backend-deps.ts";
import type { CommandContext } from "../context.ts";

/**
 * The capability block's stop, through the bottle's own backend: its running parts go,
 * its workspace, home and state stay. A bottle that is not running is left as it is;
 * a stop that fails is reported, not thrown (the approval stands and the block is
 * recorded, so `bottle stop` then `bottle resume` finish the job).
 */
export function stopBlocked(context: CommandContext): (identity: string) => Promise<void> {
  return async (identity) => {
    const deps = backendDeps(context);
    try {
      const { backend } = await backendOf(identity, deps);
      await backend.stop(identity, deps);
    } catch (error) {
      context.stderr.write(`could not stop ${identity}: ${error instanceof Error ? error.message : String(error)}; \`bottle stop ${identity}\`, then \`bottle resume ${identity}\`\n`);
    }
  };
}
