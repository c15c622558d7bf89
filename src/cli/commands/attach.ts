import { backendDeps, backendOf, identityArg } from "../backend-deps.ts";
import type { CommandContext } from "../context.ts";

/** `bottle attach ID`: another terminal session on a running bottle's agent. */
export async function run(context: CommandContext): Promise<number> {
  const identity = identityArg(context, "attach");
  const deps = backendDeps(context);
  const { backend } = await backendOf(identity, deps);
  return backend.attach(identity, deps);
}
