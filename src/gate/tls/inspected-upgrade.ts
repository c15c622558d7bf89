import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Duplex } from "node:stream";
import type { GateContext } from "../gate-context.ts";
import type { GateGeneration } from "../gate-generation.ts";
import { headerPairs } from "../pipeline/headers.ts";
import { respondRaw } from "../pipeline/respond.ts";
import { runPipeline } from "../pipeline/run-pipeline.ts";
import { authorityOf, inspectedPolicy, targetUrl } from "./inspected-policy.ts";
import { relayWebSocket } from "./relay-websocket.ts";
import type { InspectedTarget } from "./tls-termination.ts";

/** The request head as it goes upstream: the checked path, the headers the policy settled. */
function requestHead(path: string, headers: OutgoingHttpHeaders): string {
  const lines = [`GET ${path} HTTP/1.1`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(item).replace(/[\r\n]/g, "")}`);
  }
  lines.push("connection: Upgrade", "upgrade: websocket");
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * A WebSocket upgrade read from an inspected tunnel, through the one pipeline: the
 * same policy as a plain inspected request (host, method and path rules), DLP on the
 * hostname, the full URL and the headers (a held secret in the upgrade URL is a 403
 * the client reads as its handshake's answer), the host's credential injected. The
 * upgrade then goes over TLS to the checked address, verified for the CONNECT host's
 * name against the gate's trust; on `101` both sides are joined and every frame is
 * inspected on its way (relay-websocket.ts). Any other answer goes back without its
 * body and ends the connection.
 *
 * `Sec-WebSocket-Extensions` is not passed on, so no compression is negotiated and the
 * frames stay plain bytes the scanner can read; only `websocket` is upgraded to (h2c
 * over TLS is not a thing, and other protocols the gate cannot read).
 */
export function inspectedUpgrade(context: GateContext, target: InspectedTarget, req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
  const scanner = context.generation().scanner;
  const authority = authorityOf(target);
  const url = targetUrl(req.url ?? "", authority);
  const path = url === undefined ? "" : url.pathname + url.search;
  let headers: OutgoingHttpHeaders = {};
  let credential: { header: string; value: string } | undefined;
  let generation: GateGeneration | undefined;
  return runPipeline(context, {
    start: { method: req.method ?? "GET", host: scanner.redact(authority), path: scanner.redact(url === undefined ? (req.url ?? "") : path) },
    client: target.client ?? {},
    answer: (stop) => respondRaw(client, stop.status, stop.text, stop.decision === "block" ? stop.reason : undefined),
    policy(current) {
      generation = current;
      if (req.method !== "GET" || String(req.headers.upgrade ?? "").toLowerCase() !== "websocket") {
        return { status: 400, decision: "error", reason: "bad-upgrade", text: "bottle gate: only a GET upgrade to websocket is relayed through inspection" };
      }
      const admission = inspectedPolicy(current, target, req, url);
      if ("decision" in admission) return admission;
      ({ headers, credential } = admission);
      delete headers["sec-websocket-extensions"];
      return admission.admitted;
    },
    async inspect(current) {
      return {
        findings: [
          ...current.scanner.scanHostname(target.host),
          ...current.scanner.scanUrl(`https://${authority}${req.url?.startsWith("/") ? req.url : path}`, `https://${authority}${path}`),
          ...current.scanner.scanHeaders(headerPairs(headers)),
        ],
      };
    },
    relay(checked) {
      if (credential !== undefined) headers[credential.header] = credential.value;
      return relayWebSocket(context, { target, client, head, request: requestHead(path, headers), generation: generation!, checked });
    },
  });
}

