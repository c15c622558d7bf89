import { selectBackend } from "../../backend/select.ts";
import { backendDeps } from "../backend-deps.ts";
import type { CommandContext } from "../context.ts";
import { checkHandOver, checkTerminal, runBottle, type RunBottleOptions } from "../run-bottle.ts";
import { resolveStartChoices } from "../start-flow.ts";
import { namedIdentity, workspaceOrigin } from "../start-options.ts";

/**
 * `bottle start` and `bottle` (the picker): resolves the start, then prepare → launch →
 * attach, `--prompt` (exits with the agent's code) or `--detach` (returns once ready).
 * `--name` picks the identity's suffix; `--rm` deletes the bottle, workspace and all,
 * once the agent exits.
 */
export async function run(context: CommandContext): Promise<number> {
  const name = typeof context.flags.name === "string" ? context.flags.name : undefined;
  const options: RunBottleOptions = {
    detach: context.flags.detach === true,
    prompt: typeof context.flags.prompt === "string" ? context.flags.prompt : undefined,
    json: context.flags.json === true,
    remove: context.flags.rm === true,
  };
  // Contradicting flags are refused before the picker asks anything.
  checkHandOver(options);
  const choices = await resolveStartChoices(context);
  checkTerminal(context, options, "bottle start");
  const backend = selectBackend(choices.backend);
  const deps = backendDeps(context);
  const identity = name === undefined ? choices.spec.identity : await namedIdentity(choices.spec, name, deps);
  const spec = { ...choices.spec, identity, origin: await workspaceOrigin(context.runner, choices.spec.copyFrom) };
  return runBottle(context, backend, spec, options);
}
