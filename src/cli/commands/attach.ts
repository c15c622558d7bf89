import { backendDeps } from "../backend-deps.ts";
import { oneIdWord, resolveBottleId } from "../bottle-ids.ts";
import type { CommandContext } from "../context.ts";

/** `bottle attach ID`: another terminal session on a running bottle's agent. */
export async function run(context: CommandContext): Promise<number> {
  const deps = backendDeps(context);
  const { identity, backend } = await resolveBottleId(deps, oneIdWord(context.positionals, "attach"));
  return backend.attach(identity, deps);
}
