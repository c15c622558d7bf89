import { confirm, note } from "@clack/prompts";
import { formatRows } from "../format-plan.ts";
import type { PlanView } from "../plan-view.ts";
import { CancelledError, prompt, type PromptIO } from "./prompt.ts";
import { startSummary } from "./start-summary.ts";

/**
 * Shows what is about to start and asks to go ahead. Declining is the same as
 * cancelling: nothing was started, so it exits 130 with `cancelled`.
 */
export async function confirmStart(view: PlanView, io: PromptIO): Promise<void> {
  note(formatRows(startSummary(view)), "Ready to start", { input: io.input, output: io.output });
  const go = await prompt(io, (common) => confirm({ ...common, message: "Start it?", initialValue: true }));
  if (!go) throw new CancelledError();
}
