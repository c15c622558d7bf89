import type { CommandContext } from "../context.ts";
import { writeJsonOut } from "../context.ts";
import { engineCommands, type EngineCommands } from "../engine-commands.ts";
import { shellWords } from "../shell-words.ts";
import { formatPlan } from "../format-plan.ts";
import { planView } from "../plan-view.ts";
import { resolveStartChoices, type StartChoices } from "../start-flow.ts";

/**
 * Prints a resolved start: one JSON object with `--json`, aligned key/value lines
 * otherwise; then the engine commands, when the backend could work them out.
 */
export function showPlan(context: CommandContext, { loaded, spec, backend }: StartChoices, engine?: EngineCommands): void {
  const view = planView(spec, backend, loaded.file);
  if (context.flags.json === true) {
    const commands = engine === undefined ? undefined : engine.kind === "known" ? engine.commands : null;
    const unavailable = engine?.kind === "unavailable" ? engine.reason : undefined;
    const objects = engine?.kind === "known" && engine.objects !== undefined ? { objects: engine.objects.list } : {};
    writeJsonOut(context.stdout, { ...view, commands, commandsUnavailable: unavailable, ...objects });
    return;
  }
  context.stdout.write(formatPlan(view));
  // A backend that creates API objects (Kubernetes) shows them as `kubectl apply -f` reads them.
  if (engine?.kind === "known" && engine.objects !== undefined) context.stdout.write(`\nobjects:\n${engine.objects.yaml}`);
  if (engine?.kind === "known" && engine.commands.length > 0) {
    context.stdout.write(`\nengine commands:\n${engine.commands.map((argv) => `  ${shellWords(argv)}\n`).join("")}`);
  }
}

/**
 * `bottle plan [AGENT] [--json]` (and `bottle --dry-run`): the dry run. Resolves the
 * start, asks the backend for its engine commands and prints both; starts nothing.
 * When the backend cannot prepare here, the spec still prints and stderr says why.
 */
export async function run(context: CommandContext): Promise<number> {
  const choices = await resolveStartChoices(context);
  const engine = await engineCommands(context, choices);
  showPlan(context, choices, engine);
  if (engine.kind === "unavailable") {
    context.stderr.write(`bottle: engine commands unavailable: ${engine.reason}\n`);
    if (engine.hint !== undefined) context.stderr.write(`  hint: ${engine.hint}\n`);
  }
  return 0;
}
