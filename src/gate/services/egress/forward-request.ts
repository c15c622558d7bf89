import type { IncomingMessage, ServerResponse } from "node:http";
import type { GateContext } from "../../gate-context.ts";
import { endToEndHeaders } from "../../pipeline/headers.ts";
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
 * name, DLP (sliced, off the event loop's critical path) on the hostname, URL,
 * headers and body prefix, resolution with the SSRF
 * check, then the request relayed to the checked address with the response streamed
 * back. The target's authority wins over any `Host` the client sent.
 */
export function forwardRequest(context: GateContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = parseTarget(req.url ?? "");
  const audited = url === undefined ? { host: "", path: "" } : context.generation().scanner.auditTarget(req.url ?? "");
  const headers = endToEndHeaders(req.rawHeaders);
  let body: BodyPrefix | undefined;
  return runPipeline(context, {
    start: { method: req.method ?? "", ...audited },
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
      if (hasBody(req)) {
        const read = await inspectBody(context, req, res);
        if ("decision" in read) return read;
        body = read;
      }
      // The scanner's sliced scan: a hostile body yields the loop to other clients.
      // Headers as sent (names in their case, hop-by-hop ones too): what the agent wrote.
      const report = await generation.scanner.scanRequest({
        target: req.url ?? "",
        headers: req.rawHeaders,
        ...(body === undefined ? {} : { body: body.prefix, contentType: req.headers["content-type"], contentEncoding: req.headers["content-encoding"] }),
      });
      const incomplete = body?.complete === false ? ["body-prefix", ...report.incomplete] : report.incomplete;
      return { findings: report.findings, bytesUp: body?.prefix.length ?? 0, incomplete };
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
