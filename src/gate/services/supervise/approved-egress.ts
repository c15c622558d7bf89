import * as v from "valibot";
import { AllowEntrySchema, type Egress } from "../../../manifest/egress-schema.ts";
import type { RequestView } from "./request-schema.ts";
import { StoredEgressArgs } from "./tool-arguments.ts";

/**
 * The allow entry an approved `request-egress` adds: `host`, or `host:443,8443` when it
 * named ports (tunnels to a host go to 443 unless its allow entry names ports). An
 * entry the allow schema would refuse falls back to the plain host.
 */
export function allowEntry(host: string, ports: number[] | undefined): string {
  if (ports === undefined || ports.length === 0) return host;
  const withPorts = `${host}:${[...new Set(ports)].sort((a, b) => a - b).join(",")}`;
  return v.is(AllowEntrySchema, withPorts) ? withPorts : host;
}

/** The allow entries of every approved egress request, in request order, once each. */
export function approvedAllow(views: RequestView[]): string[] {
  const entries = new Set<string>();
  for (const view of views) {
    if (view.status !== "approved" || view.request.tool !== "request-egress") continue;
    const args = v.safeParse(StoredEgressArgs, view.request.arguments);
    if (args.success) entries.add(allowEntry(args.output.host, args.output.ports));
  }
  return [...entries];
}

/** `egress` with approved entries added to `allow`; `deny` still wins over them. */
export function withApprovals(egress: Egress, approved: string[]): Egress {
  const extra = approved.filter((entry) => !egress.allow.includes(entry));
  return extra.length === 0 ? egress : { ...egress, allow: [...egress.allow, ...extra] };
}
