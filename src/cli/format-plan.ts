import type { PlanView } from "./plan-view.ts";

/** Lines of `key  value`, the keys padded to one column so values line up. */
export function formatRows(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([key]) => key.length));
  return rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`.trimEnd()).join("\n");
}

const list = (items: readonly string[]) => (items.length === 0 ? "-" : items.join(", "));

/** The rows of a plan a person reads; `bottle plan` and the end of `bottle start` print them. */
export function planRows(view: PlanView): [string, string][] {
  const image = typeof view.image === "string" ? view.image : `build ${view.image.dockerfile} (context ${view.image.context})`;
  const resources = [view.resources.cpus === null ? "" : `cpus ${view.resources.cpus}`, view.resources.memory === null ? "" : `memory ${view.resources.memory}`]
    .filter(Boolean)
    .join(", ");
  const rows: [string, string][] = [
    ["identity", `${view.identity} (would be; each start mints its own)`],
    ["manifest", view.manifest],
    ["agent", view.agent],
    ["bottle", view.bottle],
    ["backend", view.backend],
    ["image", image],
    ["command", view.command === null ? "(the image's default)" : view.command.join(" ")],
    ["mode", view.mode === "prompt" ? "non-interactive (--prompt)" : "interactive"],
    ["workspace", view.workspace.copyFrom === null ? "empty" : `copy of ${view.workspace.copyFrom}`],
    ["skills", list(view.skills)],
    ["runtime", view.runtime],
    ["resources", resources || "engine defaults"],
    ["egress allow", list(view.egress.allow)],
    ["egress deny", list(view.egress.deny)],
    ["egress cidrs", list(view.egress.allowCidrs)],
  ];
  for (const route of view.egress.routes) {
    const roles = route.roles.length === 0 ? "" : ` [${route.roles.join(", ")}]`;
    const from = route.injectFrom.length === 0 ? "" : ` from ${route.injectFrom.map((name) => `$${name}`).join(", ")}`;
    const inject = route.injectHeader === null ? "" : `, injects ${route.injectHeader}${from}`;
    rows.push(["route", `${route.name} -> ${route.upstream}${roles}${inject}`]);
  }
  rows.push(["dlp", view.egress.dlp]);
  const passthrough = view.egress.tls.passthrough.length === 0 ? "" : ` (passthrough: ${list(view.egress.tls.passthrough)})`;
  rows.push(["tls", view.egress.tls.inspect ? `inspected${passthrough}` : "not inspected (tunnels)"]);
  for (const credential of view.egress.credentials) {
    const from = credential.from.length === 0 ? " (a literal value)" : ` from ${credential.from.map((name) => `$${name}`).join(", ")}`;
    rows.push(["credential", `${credential.host}: injects ${credential.header}${from}`]);
  }
  for (const repo of view.git) {
    // The git gate's policy as the agent will meet it: what is pushable, and what never is.
    const allowed = [repo.force && "force", repo.delete && "delete", repo.tags && "tags"].filter(Boolean).join(", ");
    rows.push(["git", `${repo.name} -> ${repo.upstream} via the gate's /git/${repo.name}.git (push: ${repo.push.length === 0 ? "none, read-only" : list(repo.push)}; ${allowed === "" ? "no force, delete or tags" : `allowed: ${allowed}`})`]);
  }
  rows.push(["supervise", view.supervise ? "yes" : "no"]);
  rows.push(["env literal", list(view.env.literal)]);
  rows.push(["env forwarded", list(view.env.forwarded)]);
  return rows;
}

/** The human format of `bottle plan`: aligned key/value lines. */
export function formatPlan(view: PlanView): string {
  return `${formatRows(planRows(view))}\n`;
}
