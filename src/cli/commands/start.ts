import { selectBackend } from "../../backend/select.ts";
import type { CommandContext } from "../context.ts";
import { runBottle } from "../run-bottle.ts";
import { resolveStartChoices } from "../start-flow.ts";

/**
 * `bottle start` and `bottle` (the picker): resolves the start, then prepare → launch →
 * attach, `--prompt` (exits with the agent's code) or `--detach` (returns once ready).
 */
export async function run(context: CommandContext): Promise<number> {
  const choices = await resolveStartChoices(context);
  const prompt = typeof context.flags.prompt === "string" ? context.flags.prompt : undefined;
  return runBottle(context, selectBackend(choices.backend), choices.spec, {
    detach: context.flags.detach === true,
    prompt,
    json: context.flags.json === true,
  });
}
