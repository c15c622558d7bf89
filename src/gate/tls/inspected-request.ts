import type { IncomingMessage, ServerResponse } from "node:http";
import { beginAudit } from "../audit.ts";
import { MAX_SCANNED_BODY } from "../dlp/body-text.ts";
import { normalizeHost } from "../egress/host-match.ts";
import { resolveChecked } from "../egress/resolve.ts";
import type { GateContext } from "../gate-context.ts";
import { dlpVerdict } from "../proxy/dlp-verdict.ts";
import { endToEndHeaders, headerPairs } from "../proxy/headers.ts";
import { hasBody, readBodyPrefix, type BodyPrefix } from "../proxy/read-body-prefix.ts";
import { relayOutcome, relayUpstream } from "../proxy/relay-upstream.ts";
import { blockText, respond } from "../proxy/respond.ts";
import type { InspectedTarget } from "./tls-termination.ts";

/** `host` or `host:port` as a Host header names the target; port 443 may be left out. */
function authorityOf(target: InspectedTarget): string {
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

/**
 * One request read from an inspected tunnel, through the same steps as a plain one:
 * policy on the host (the generation in force now), the host's method and path rules
 * on the normalised path, DLP on the full URL, headers and body prefix, the
 * credential injected for the host (the agent's own value stripped), resolution with
 * the SSRF check, then HTTPS to the checked address, verified against the gate's
 * trust (system roots and extra CAs) for the CONNECT host's name.
 *
 * What goes upstream is the path as checked: dot segments (raw or `%2e`) resolved,
 * backslashes turned to slashes, as WHATWG URL parsing does for https.
 */
export async function inspectedRequest(context: GateContext, target: InspectedTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const generation = context.generation();
  const authority = authorityOf(target);
  let url: URL | undefined;
  try {
    // An absolute-form target inside the tunnel must name the tunnel's host: only its path counts.
    const raw = req.url ?? "";
    url = new URL(raw.startsWith("/") ? `https://${authority}${raw}` : raw);
    if (url.protocol !== "https:" || normalizeHost(url.host) !== normalizeHost(authority)) url = undefined;
  } catch {
    url = undefined;
  }
  const method = req.method ?? "GET";
  const finish = beginAudit(context.audit, target.client ?? req.socket, {
    method,
    host: generation.scanner.redact(authority),
    path: url === undefined ? generation.scanner.redact(req.url ?? "") : generation.scanner.redact(url.pathname + url.search),
  });
  const refuse = (reason: string) => {
    respond(res, 403, blockText(reason, target.host), reason);
    finish({ decision: "block", reason, status: 403 });
  };

  if (url === undefined) {
    respond(res, 400, `bottle gate: this tunnel reaches ${authority} only; send origin-form requests (GET /path)`);
    return finish({ decision: "error", reason: "bad-target", status: 400 });
  }
  // Another Host would reach a virtual host the policy never saw (domain fronting).
  if (!hostHeaderMatches(req.headers.host, target)) return refuse("host-mismatch");
  const verdict = generation.policy.checkHost(target.host);
  if (!verdict.allowed) return refuse(verdict.reason);
  const path = url.pathname + url.search;
  const rules = generation.tls.checkRequest(target.host, method, url.pathname);
  if (!rules.allowed) return refuse(rules.reason);

  const credential = generation.tls.credentialFor(target.host);
  const headers = endToEndHeaders(req.rawHeaders, credential === undefined ? [] : [credential.header]);
  headers.host = authority;
  let body: BodyPrefix | undefined;
  let warned: string | undefined;
  if (generation.dlpAction !== "off") {
    const findings = [
      ...generation.scanner.scanHostname(target.host),
      ...generation.scanner.scanUrl(`https://${authority}${req.url?.startsWith("/") ? req.url : path}`),
      ...generation.scanner.scanHeaders(headerPairs(headers)),
    ];
    if (hasBody(req)) {
      body = await readBodyPrefix(req, MAX_SCANNED_BODY);
      findings.push(...generation.scanner.scanBody(body.prefix, req.headers["content-type"]));
    }
    const dlp = dlpVerdict(findings, generation.dlpAction);
    if (dlp.action === "block") {
      respond(res, 403, blockText(dlp.reason, target.host), dlp.reason);
      return finish({ decision: "block", reason: dlp.reason, status: 403, bytes_up: body?.prefix.length ?? 0 });
    }
    if (dlp.action === "warn") warned = dlp.reason;
  }
  if (credential !== undefined) headers[credential.header] = credential.value;

  const resolution = await resolveChecked(target.host, generation.policy, context.lookup);
  if (!resolution.ok) {
    if (resolution.status === 403) return refuse(resolution.reason);
    respond(res, 502, `bottle gate: cannot resolve ${target.host}`);
    return finish({ decision: "error", reason: resolution.reason, status: 502 });
  }
  const result = await relayUpstream(req, res, {
    protocol: "https:",
    address: resolution.address,
    port: target.port,
    servername: target.host,
    method,
    path,
    headers,
    ...(context.upstreamTrust ? { ca: context.upstreamTrust } : {}),
  }, body);
  finish(relayOutcome(result, warned));
}
