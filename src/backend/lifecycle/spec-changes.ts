import type { StartSpec } from "../types.ts";
import { describeAllowEntry } from "../../manifest/tls-schema.ts";

/** One way a manifest's current answer differs from what a bottle was started with. */
export interface SpecChange {
  what: "image" | "command" | "egress" | "env" | "resources" | "runtime" | "skills";
  /** A line for people: `egress allow: + *.npmjs.org, - example.com`. */
  text: string;
}

function listDiff(label: string, before: readonly string[], after: readonly string[]): string | undefined {
  const added = after.filter((item) => !before.includes(item));
  const removed = before.filter((item) => !after.includes(item));
  if (added.length === 0 && removed.length === 0) return undefined;
  return `${label}: ${[...added.map((item) => `+ ${item}`), ...removed.map((item) => `- ${item}`)].join(", ")}`;
}

const imageText = (spec: StartSpec) =>
  spec.image.kind === "default" ? "default" : spec.image.kind === "ref" ? spec.image.ref : `build ${spec.image.dockerfile}`;

/**
 * What `resume` prints before it applies the manifest again: image, command, egress
 * (allow, deny, cidrs, routes, dlp), env names (never values), resources, runtime and
 * skills that differ between the recorded spec and the current one. Empty: nothing changed.
 */
export function specChanges(before: StartSpec, after: StartSpec): SpecChange[] {
  const changes: SpecChange[] = [];
  const add = (what: SpecChange["what"], text: string | undefined) => void (text !== undefined && changes.push({ what, text }));
  if (imageText(before) !== imageText(after)) add("image", `image: ${imageText(before)} -> ${imageText(after)}`);
  const command = (spec: StartSpec) => (spec.agent.command ?? []).join(" ") || "(the image's)";
  if (command(before) !== command(after)) add("command", `command: ${command(before)} -> ${command(after)}`);
  const egress = [before.bottle.egress, after.bottle.egress] as const;
  add("egress", listDiff("egress allow", egress[0].allow.map(describeAllowEntry), egress[1].allow.map(describeAllowEntry)));
  add("egress", listDiff("egress deny", egress[0].deny, egress[1].deny));
  add("egress", listDiff("egress cidrs", egress[0].allow_cidrs, egress[1].allow_cidrs));
  const routes = (spec: StartSpec) => spec.bottle.egress.routes.map((route) => `${route.name} -> ${route.upstream}`);
  add("egress", listDiff("routes", routes(before), routes(after)));
  if (egress[0].dlp.action !== egress[1].dlp.action) add("egress", `dlp: ${egress[0].dlp.action} -> ${egress[1].dlp.action}`);
  const budget = (dlp: (typeof egress)[0]["dlp"]) => (dlp.scan_budget_ms === undefined ? "default" : `${dlp.scan_budget_ms} ms`);
  if (budget(egress[0].dlp) !== budget(egress[1].dlp)) add("egress", `dlp scan budget: ${budget(egress[0].dlp)} -> ${budget(egress[1].dlp)}`);
  const envNames = (spec: StartSpec) => [...Object.keys(spec.env.literal), ...spec.env.forwarded.map(({ key }) => key)].toSorted();
  add("env", listDiff("env", envNames(before), envNames(after)));
  const resources = (spec: StartSpec) => `cpus ${spec.bottle.resources.cpus ?? "default"}, memory ${spec.bottle.resources.memory ?? "default"}`;
  if (resources(before) !== resources(after)) add("resources", `resources: ${resources(before)} -> ${resources(after)}`);
  if (before.bottle.runtime !== after.bottle.runtime) add("runtime", `runtime: ${before.bottle.runtime} -> ${after.bottle.runtime}`);
  add("skills", listDiff("skills", before.skills, after.skills));
  return changes;
}
