import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { normalizeHost } from "../egress/host-match.ts";
import type { GateGeneration } from "../gate-generation.ts";
import { endToEndHeaders } from "../pipeline/headers.ts";
import { blockText } from "../pipeline/respond.ts";
import type { Admitted, Stop } from "../pipeline/run-pipeline.ts";
import { requestProblem } from "../server/request-problem.ts";
import { methodOverrides, pathOverrides } from "./method-overrides.ts";
import type { ResolvedCredential } from "./resolve-credentials.ts";
import type { InspectedTarget } from "./tls-termination.ts";

/** `host` or `host:port` as a Host header names the target; port 443 may be left out. */
export function authorityOf(target: InspectedTarget): string {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  return target.port === 443 ? host : `${host}:${target.port}`;
}

/**
 * True when a Host header names the CONNECT target: the same host (any case) and, if it
 * names a port, the same port. A Host without a port passes whatever the tunnel's port
 * (Node's https sends none unless told): the request goes to the CONNECT port anyway.
 */
function hostHeaderMatches(header: string | undefined, target: InspectedTarget): boolean {
  if (header === undefined) return true;
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(header.trim());
  if (match === null) return false;
  return normalizeHost(match[1]!) === normalizeHost(target.host) && (match[2] === undefined || Number(match[2]) === target.port);
}

/** The request's URL on the tunnel's host; undefined for a target naming another host or scheme. */
export function targetUrl(raw: string, authority: string): URL | undefined {
  try {
    // An absolute-form target inside the tunnel must name the tunnel's host: only its path counts.
    const url = new URL(raw.startsWith("/") ? `https://${authority}${raw}` : raw);
    return url.protocol === "https:" && normalizeHost(url.host) === normalizeHost(authority) ? url : undefined;
  } catch {
    return undefined;
  }
}

const block = (reason: string, host: string): Stop => ({ status: 403, decision: "block", reason, text: blockText(reason, host) });

/** What the policy step of an inspected exchange settles: where it goes and what it sends. */
export interface InspectedAdmission {
  admitted: Admitted;
  /** The end-to-end headers to send, Host set, the agent's value under the credential's header dropped. */
  headers: OutgoingHttpHeaders;
  credential: ResolvedCredential | undefined;
}

/**
 * The policy of one request read from an inspected tunnel (a plain request or a
 * WebSocket upgrade): the proxy port's framing rules, the request names the tunnel's
 * host (the Host header too: another one would reach a virtual host the policy never
 * saw), the host is allowed by the generation in force now, and its method and path
 * rules pass on the normalised path (method-override headers and `_method` checked as
 * methods, disguised dot segments refused). The agent's own value under the credential's
 * header never goes anywhere.
 */
export function inspectedPolicy(generation: GateGeneration, target: InspectedTarget, req: IncomingMessage, url: URL | undefined): InspectedAdmission | Stop {
  const authority = authorityOf(target);
  const problem = requestProblem(req);
  if (problem !== undefined) return { status: problem.status, decision: "error", reason: problem.reason, text: problem.text };
  if (url === undefined) {
    return { status: 400, decision: "error", reason: "bad-target", text: `bottle gate: this tunnel reaches ${authority} only; send origin-form requests (GET /path)` };
  }
  if (!hostHeaderMatches(req.headers.host, target)) return block("host-mismatch", target.host);
  const verdict = generation.policy.checkHost(target.host, target.port);
  if (!verdict.allowed) return block(verdict.reason, target.host);
  const rules = generation.tls.checkRequest(target.host, req.method ?? "GET", url.pathname, methodOverrides(req.headers, url.search), pathOverrides(req.headers));
  if (!rules.allowed) return block(rules.reason, target.host);
  const credential = generation.tls.credentialFor(target.host);
  const headers = endToEndHeaders(req.rawHeaders, credential === undefined ? [] : [credential.header]);
  headers.host = authority;
  return { admitted: { host: target.host, shown: target.host }, headers, credential };
}
