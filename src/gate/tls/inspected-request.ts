import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { GateContext } from "../gate-context.ts";
import type { GateGeneration } from "../gate-generation.ts";
import { headerPairs } from "../pipeline/headers.ts";
import { inspectBody, scanWithBody } from "../pipeline/inspect-body.ts";
import { hasBody, type BodyPrefix } from "../pipeline/read-body-prefix.ts";
import { relayOutcome, relayUpstream } from "../pipeline/relay-upstream.ts";
import { answerHttp } from "../pipeline/respond.ts";
import { runPipeline } from "../pipeline/run-pipeline.ts";
import { authorityOf, inspectedPolicy, targetUrl } from "./inspected-policy.ts";
import type { InspectedTarget } from "./tls-termination.ts";

/**
 * One request read from an inspected tunnel, through the gate's one pipeline like a
 * plain request. Policy: the request names the tunnel's host (Host header included:
 * another one would reach a virtual host the policy never saw), the host is allowed
 * by the generation in force now, and the host's method and path rules pass on the
 * normalised path. DLP: the full URL, the headers and the body prefix (its
 * `Content-Encoding` undone), in slices as on the plain path. Then the
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
  let headers: OutgoingHttpHeaders = {};
  let body: BodyPrefix | undefined;
  let credential: { header: string; value: string } | undefined;
  let redactor: GateGeneration["redactor"];
  return runPipeline(context, {
    start: { method, host: scanner.redact(authority), path: scanner.redact(url === undefined ? (req.url ?? "") : path) },
    client: target.client ?? req.socket,
    answer: answerHttp(res, hasBody(req)),
    policy(generation) {
      const admission = inspectedPolicy(generation, target, req, url);
      if ("decision" in admission) return admission;
      ({ headers, credential } = admission);
      redactor = generation.redactor;
      return admission.admitted;
    },
    async inspect(generation) {
      const scanner = generation.scanner;
      const fullUrl = `https://${authority}${req.url?.startsWith("/") ? req.url : path}`;
      if (!hasBody(req)) {
        // Bounded (the parser's limits), so scanned at once, as on the plain path.
        return { findings: [...scanner.scanHostname(target.host), ...scanner.scanUrl(fullUrl, `https://${authority}${path}`), ...scanner.scanHeaders(headerPairs(headers))] };
      }
      const read = await inspectBody(context, req, res);
      if ("decision" in read) return read;
      body = read;
      // The plain path's scan: sliced through the gate-wide scheduler (a hostile body
      // yields the loop to other clients), its Content-Encoding undone under the bomb
      // bounds, and where it stopped short said in the audit line. A synchronous
      // `scanBody` without the encoding let a gzip body carry a held secret out and held
      // `/healthz` for ~375 ms per hostile MiB (review round 2, findings 2, 4, 10).
      return scanWithBody(context, generation, {
        host: target.host,
        target: fullUrl,
        forwardedTarget: `https://${authority}${path}`,
        headers: headerPairs(headers),
        contentType: req.headers["content-type"],
        contentEncoding: req.headers["content-encoding"],
      }, body);
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
