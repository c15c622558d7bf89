import { backendDeps, backendOf, identityArg } from "../backend-deps.ts";
import type { CommandContext } from "../context.ts";

/** `bottle logs ID [--gate] [--follow]`: the agent's or the gate's engine logs. */
export async function run(context: CommandContext): Promise<number> {
  const identity = identityArg(context, "logs");
  const deps = backendDeps(context);
  const { backend } = await backendOf(identity, deps);
  return backend.logs(identity, deps, { gate: context.flags.gate === true, follow: context.flags.follow === true });
}
