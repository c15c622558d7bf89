import { selectBackend } from "../backend/select.ts";
import { BottleError } from "../core/errors.ts";
import { backendDeps } from "./backend-deps.ts";
import type { CommandContext } from "./context.ts";
import type { StartChoices } from "./start-flow.ts";

/** The engine commands a start would run, or why the backend could not tell. */
export type EngineCommands =
  | { kind: "known"; commands: string[][]; objects?: { list: readonly unknown[]; yaml: string } }
  | { kind: "unavailable"; reason: string; hint: string | undefined };

/**
 * Asks the chosen backend to prepare the spec (it resolves names, images and runtime,
 * creates nothing) and returns the engine commands launch would run. A backend that
 * cannot prepare here (engine down, a route's secret unset) is an expected outcome of a
 * dry run, so it comes back as a value with the reason, and the plan still prints.
 */
export async function engineCommands(context: CommandContext, { spec, backend }: StartChoices): Promise<EngineCommands> {
  try {
    const plan = await selectBackend(backend).prepare(spec, backendDeps(context));
    const commands = plan.commands.map((argv) => [...argv]);
    return plan.objects === undefined ? { kind: "known", commands } : { kind: "known", commands, objects: plan.objects };
  } catch (error) {
    if (!(error instanceof BottleError)) throw error;
    return { kind: "unavailable", reason: error.message, hint: error.hint };
  }
}

