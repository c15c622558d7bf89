import type { IncomingMessage, ServerResponse } from "node:http";
import type { GateContext } from "../../gate-context.ts";
import { endToEndHeaders, headerPairs } from "../../pipeline/headers.ts";
import { inspectBody } from "../../pipeline/inspect-body.ts";
import type { BodyPrefix } from "../../pipeline/read-body-prefix.ts";
import { hasBody } from "../../pipeline/read-body-prefix.ts";
import { relayOutcome, relayUpstream } from "../../pipeline/relay-upstream.ts";
import { answerHttp } from "../../pipeline/respond.ts";
import { blockText } from "../../pipeline/respond.ts";
import { runPipeline } from "../../pipeline/run-pipeline.ts";

/** Splits an absolute-form target; undefined when it is not `http://host[:port]/…`. */
function parseTarget(target: string): URL | undefined {
  try {
    const url = new URL(target);
    return url.protocol === "http:" && url.hostname !== "" ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An absolute-form request (`GET http://host/path`) through the pipeline: policy by
 * name, DLP on the hostname, URL, headers and body prefix, resolution with the SSRF
 * check, then the request relayed to the checked address with the response streamed
 * back. The target's authority wins over any `Host` the client sent.
 */
export function forwardRequest(context: GateContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = parseTarget(req.url ?? "");
  const scanner = context.generation().scanner;
  const headers = endToEndHeaders(req.rawHeaders);
  let body: BodyPrefix | undefined;
  return runPipeline(context, {
    start: {
      method: req.method ?? "",
      host: url === undefined ? "" : scanner.redact(url.host),
      path: url === undefined ? "" : scanner.redact(url.pathname + url.search),
    },
    client: req.socket,
    answer: answerHttp(res, hasBody(req)),
    policy(generation) {
      if (url === undefined) {
        return { status: 400, decision: "error", reason: "bad-target", text: "bottle gate: a proxy request needs an http:// URL (use CONNECT for https)" };
      }
      const verdict = generation.policy.checkHost(url.hostname);
      if (!verdict.allowed) return { status: 403, decision: "block", reason: verdict.reason, text: blockText(verdict.reason, url.hostname) };
      headers.host = url.host;
      return { host: url.hostname, shown: url.hostname };
    },
    async inspect(generation) {
      const findings = [
        ...generation.scanner.scanHostname(url!.hostname),
        ...generation.scanner.scanUrl(req.url ?? ""),
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
