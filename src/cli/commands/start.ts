import type { CommandContext } from "../context.ts";
import { resolveStartChoices } from "../start-flow.ts";
import { showPlan } from "./plan.ts";

/**
 * `bottle start` and `bottle` (the picker). Until a backend is wired in (issue 4), the
 * flow ends at the plan: it prints what would start and says so on stderr, keeping
 * stdout the plan alone (and valid JSON with `--json`).
 */
export async function run(context: CommandContext): Promise<number> {
  const choices = await resolveStartChoices(context);
  showPlan(context, choices);
  context.stderr.write("bottle: launching is not wired yet: this is the plan `bottle start` will carry out\n");
  return 0;
}
