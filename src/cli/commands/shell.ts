import { backendDeps } from "../backend-deps.ts";
import { oneIdWord, resolveBottleId } from "../bottle-ids.ts";
import type { CommandContext } from "../context.ts";

/**
 * `bottle shell ID [-- COMMAND…]`: a shell as the agent's user in a running bottle (in
 * its workspace, with its env), or COMMAND instead; exits with its code.
 */
export async function run(context: CommandContext): Promise<number> {
  const deps = backendDeps(context);
  const bottle = await resolveBottleId(deps, oneIdWord(context.positionals, "shell"));
  const command = context.positionals.slice(1);
  return bottle.backend.shell(bottle.identity, deps, command.length === 0 ? {} : { command });
}
