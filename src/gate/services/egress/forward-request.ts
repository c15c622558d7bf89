import type { IncomingMessage, ServerResponse } from "node:http";
import type { GateContext } from "../../gate-context.ts";
import { endToEndHeaders } from "../../pipeline/headers.ts";
import { inspectBody, scanWithBody } from "../../pipeline/inspect-body.ts";
import type { BodyPrefix } from "../../pipeline/read-body-prefix.ts";
import { hasBody } from "../../pipeline/read-body-prefix.ts";
import { relayOutcome, relayUpstream } from "../../pipeline/relay-upstream.ts";
import { answerHttp } from "../../pipeline/respond.ts";
import { blockText } from "../../pipeline/respond.ts";
import { runPipeline } from "../../pipeline/run-pipeline.ts";
import { methodOverrides, pathOverrides } from "../../tls/method-overrides.ts";

/** node's flat `rawHeaders` as name/value pairs. */
function rawPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let index = 0; index + 1 < raw.length; index += 2) pairs.push([raw[index]!, raw[index + 1]!]);
  return pairs;
}

/** Splits an absolute-form target; undefined when it is not `http://host[:port]/…`. */
function parseTarget(target: string): URL | undefined {
  try {
    const url = new URL(target);
    return url.protocol === "http:" && url.hostname !== "" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The target as the upstream gets it: the parsed URL's host, path and query. */
function forwardedTarget(url: URL | undefined): string | undefined {
  return url === undefined ? undefined : `http://${url.host}${url.pathname}${url.search}`;
}

/**
 * An absolute-form request (`GET http://host/path`) through the pipeline: policy by
 * name, DLP (sliced, off the event loop's critical path) on the hostname, URL,
 * headers and body prefix, resolution with the SSRF
 * check, then the request relayed to the checked address with the response streamed
 * back. The target's authority wins over any `Host` the client sent.
 */
export function forwardRequest(context: GateContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = parseTarget(req.url ?? "");
  const forwarded = forwardedTarget(url);
  const audited = url === undefined ? { host: "", path: "" } : context.generation().scanner.auditTarget(req.url ?? "", forwarded);
  const headers = endToEndHeaders(req.rawHeaders);
  let body: BodyPrefix | undefined;
  return runPipeline(context, {
    // Redacted from the raw target with the scanner's own detections: `url.host` is
    // lower-cased, which hid case-sensitive secrets from redaction (issue 9, finding 7).
    start: { method: req.method ?? "", ...audited },
    client: req.socket,
    answer: answerHttp(res, hasBody(req)),
    policy(generation) {
      if (url === undefined) {
        return { status: 400, decision: "error", reason: "bad-target", text: "bottle gate: a proxy request needs an http:// URL (use CONNECT for https)" };
      }
      const verdict = generation.policy.checkHost(url.hostname);
      if (!verdict.allowed) return { status: 403, decision: "block", reason: verdict.reason, text: blockText(verdict.reason, url.hostname) };
      // An allow entry's method and path rules bind plain HTTP as they bind inspected HTTPS (tls/).
      const rules = generation.tls.checkRequest(url.hostname, req.method ?? "GET", url.pathname, methodOverrides(req.headers, url.search), pathOverrides(req.headers));
      if (!rules.allowed) return { status: 403, decision: "block", reason: rules.reason, text: blockText(rules.reason, url.hostname) };
      headers.host = url.host;
      return { host: url.hostname, shown: url.hostname };
    },
    async inspect(generation) {
      const scanner = generation.scanner;
      if (!hasBody(req)) {
        // Target and headers only: bounded (a 16 KiB target, the parser's header
        // limit), so scanned at once; waiting a scheduler turn cost a quarter of the
        // plain-request rate. Headers as sent, names in their case, hop-by-hop too.
        return { findings: [...scanner.scanUrl(req.url ?? "", forwarded), ...scanner.scanHeaders(rawPairs(req.rawHeaders))] };
      }
      const read = await inspectBody(context, req, res);
      if ("decision" in read) return read;
      body = read;
      return scanWithBody(context, generation, {
        target: req.url ?? "",
        forwardedTarget: forwarded,
        headers: req.rawHeaders,
        contentType: req.headers["content-type"],
        contentEncoding: req.headers["content-encoding"],
      }, body);
    },
    async relay(checked) {
      const result = await relayUpstream(req, res, {
        protocol: "http:",
        address: checked.address,
        port: Number(url!.port || 80),
        servername: url!.hostname,
        method: req.method ?? "GET",
        path: url!.pathname + url!.search,
        headers,
      }, body);
      return relayOutcome(result, checked.warned);
    },
  });
}
