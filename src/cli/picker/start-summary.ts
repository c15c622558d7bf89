import type { PlanView } from "../plan-view.ts";

/** Shows at most `max` items, then how many more: a summary must fit a terminal line. */
function some(items: readonly string[], max = 4): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

/** The egress policy in one line: allowed hosts, denied hosts, routes. */
export function egressSummary(egress: PlanView["egress"]): string {
  const parts = [
    egress.allow.length === 0 ? "no hosts allowed" : `allow ${some(egress.allow)}`,
    egress.deny.length === 0 ? "" : `deny ${some(egress.deny)}`,
    egress.allowCidrs.length === 0 ? "" : `cidrs ${some(egress.allowCidrs)}`,
    egress.routes.length === 0 ? "" : `routes ${some(egress.routes.map((route) => route.name))}`,
  ];
  return parts.filter(Boolean).join("; ");
}

/** What the picker asks a person to confirm before starting. */
export function startSummary(view: PlanView): [string, string][] {
  return [
    ["agent", view.agent],
    ["bottle", view.bottle],
    ["backend", view.backend],
    ["egress", egressSummary(view.egress)],
    ["workspace", view.workspace.copyFrom === null ? "empty" : `copy of ${view.workspace.copyFrom}`],
  ];
}
