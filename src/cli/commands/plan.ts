import type { CommandContext } from "../context.ts";
import { writeJsonOut } from "../context.ts";
import { formatPlan } from "../format-plan.ts";
import { planView } from "../plan-view.ts";
import { resolveStartChoices, type StartChoices } from "../start-flow.ts";

/** Prints a resolved start: one JSON object with `--json`, aligned key/value lines otherwise. */
export function showPlan(context: CommandContext, { loaded, spec, backend }: StartChoices): void {
  const view = planView(spec, backend, loaded.file);
  if (context.flags.json === true) writeJsonOut(context.stdout, view);
  else context.stdout.write(formatPlan(view));
}

/** `bottle plan [AGENT] [--json]`: the dry run. Resolves the start and prints it; starts nothing. */
export async function run(context: CommandContext): Promise<number> {
  showPlan(context, await resolveStartChoices(context));
  return 0;
}
