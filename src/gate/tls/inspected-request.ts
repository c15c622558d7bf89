import type { IncomingMessage, ServerResponse } from "node:http";
import { normalizeHost } from "../egress/host-match.ts";
import type { GateContext } from "../gate-context.ts";
import type { GateGeneration } from "../gate-generation.ts";
import { endToEndHeaders, headerPairs } from "../pipeline/headers.ts";
import { inspectBody } from "../pipeline/inspect-body.ts";
import { hasBody, type BodyPrefix } from "../pipeline/read-body-prefix.ts";
import { relayOutcome, relayUpstream } from "../pipeline/relay-upstream.ts";
import { answerHttp, blockText } from "../pipeline/respond.ts";
import { runPipeline, type Stop } from "../pipeline/run-pipeline.ts";
import { requestProblem } from "../server/request-problem.ts";
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

/** The request's URL on the tunnel's host; undefined for a target naming another host or scheme. */
function targetUrl(raw: string, authority: string): URL | undefined {
  try {
    // An absolute-form target inside the tunnel must name the tunnel's host: only its path counts.
    const url = new URL(raw.startsWith("/") ? `https://${authority}${raw}` : raw);
    return url.protocol === "https:" && normalizeHost(url.host) === normalizeHost(authority) ? url : undefined;
  } catch {
    return undefined;
  }
}

const block = (reason: string, host: string): Stop => ({ status: 403, decision: "block", reason, text: blockText(reason, host) });

/**
 * One request read from an inspected tunnel, through the gate's one pipeline like a
 * plain request. Policy: the request names the tunnel's host (Host header included:
 * another one would reach a virtual host the policy never saw), the host is allowed
 * by the generation in force now, and the host's method and path rules pass on the
 * normalised path. DLP: the full URL, the headers and the body prefix. Then the
 * credential for the host replaces whatever the agent sent under that header, and
 * the request goes over HTTPS to the checked address, verified for the CONNECT host's
 * name against the gate's trust (bundled roots, NODE_EXTRA_CA_CERTS, extra CAs); the
 * response streams back with held secrets redacted.
 *
 * What goes upstream is the path as checked: dot segments (raw or `%2e`) resolved and
 * backslashes turned to slashes, as WHATWG URL parsing does for https.
 */
export function inspectedRequest(context: GateContext, target: InspectedTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const scanner = context.generation().scanner;
  const authority = authorityOf(target);
  const url = targetUrl(req.url ?? "", authority);
  const method = req.method ?? "GET";
  const path = url === undefined ? "" : url.pathname + url.search;
  let headers = endToEndHeaders(req.rawHeaders);
  let body: BodyPrefix | undefined;
  let credential: { header: string; value: string } | undefined;
  let redactor: GateGeneration["redactor"];
  return runPipeline(context, {
    start: { method, host: scanner.redact(authority), path: scanner.redact(url === undefined ? (req.url ?? "") : path) },
    client: target.client ?? req.socket,
    answer: answerHttp(res, hasBody(req)),
    policy(generation) {
      // The proxy port's framing rules hold inside the tunnel too: no smuggling past the gate in TLS.
      const problem = requestProblem(req);
      if (problem !== undefined) return { status: problem.status, decision: "error", reason: problem.reason, text: problem.text };
      if (url === undefined) {
        return { status: 400, decision: "error", reason: "bad-target", text: `bottle gate: this tunnel reaches ${authority} only; send origin-form requests (GET /path)` };
      }
      if (!hostHeaderMatches(req.headers.host, target)) return block("host-mismatch", target.host);
      const verdict = generation.policy.checkHost(target.host, target.port);
      if (!verdict.allowed) return block(verdict.reason, target.host);
      const rules = generation.tls.checkRequest(target.host, method, url.pathname);
      if (!rules.allowed) return block(rules.reason, target.host);
      credential = generation.tls.credentialFor(target.host);
      redactor = generation.redactor;
      // The agent's own value under the credential's header never goes anywhere.
      if (credential !== undefined) headers = endToEndHeaders(req.rawHeaders, [credential.header]);
      headers.host = authority;
      return { host: target.host, shown: target.host };
    },
    async inspect(generation) {
      const findings = [
        ...generation.scanner.scanHostname(target.host),
        ...generation.scanner.scanUrl(`https://${authority}${req.url?.startsWith("/") ? req.url : path}`),
        ...generation.scanner.scanHeaders(headerPairs(headers)),
      ];
      if (!hasBody(req)) return { findings };
      const read = await inspectBody(context, req, res);
      if ("decision" in read) return read;
      body = read;
      findings.push(...generation.scanner.scanBody(body.prefix, req.headers["content-type"]));
      return { findings, bytesUp: body.prefix.length };
    },
    async relay(checked) {
      if (credential !== undefined) headers[credential.header] = credential.value;
      const result = await relayUpstream(req, res, {
        protocol: "https:",
        address: checked.address,
        port: target.port,
        servername: target.host,
        method,
        path,
        headers,
        ...(context.upstreamTrust ? { ca: context.upstreamTrust } : {}),
        ...(redactor ? { redactor } : {}),
      }, body);
      return relayOutcome(result, checked.warned);
    },
  });
}
