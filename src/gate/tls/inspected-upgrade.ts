import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import type { AuditEntry } from "../audit.ts";
import type { GateContext } from "../gate-context.ts";
import type { GateGeneration } from "../gate-generation.ts";
import { headerPairs } from "../pipeline/headers.ts";
import { BLOCK_HEADER, respondRaw } from "../pipeline/respond.ts";
import { runPipeline, type Checked } from "../pipeline/run-pipeline.ts";
import { authorityOf, inspectedPolicy, targetUrl } from "./inspected-policy.ts";
import type { InspectedTarget } from "./tls-termination.ts";

/** By default, an upstream gets 15 s to connect, finish TLS and answer the upgrade. */
const UPGRADE_TIMEOUT_MS = 15_000;
/** By default, a socket with no traffic either way for 10 minutes is closed (as a tunnel is). */
const IDLE_MS = 10 * 60_000;
/** An upstream's answer head beyond this is not one the gate relays. */
const MAX_HEAD = 64 * 1024;

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
 * The upstream's answer head with what the gate never passes on: the gate's own
 * block header (only the gate sends it) and held secrets in header values. An answer
 * that is not a 101 goes without its body (which the gate does not relay), so its
 * framing headers say so.
 */
function answerHead(head: string, redact: (value: string) => string, upgraded: boolean): string {
  const [status = "", ...lines] = head.split("\r\n");
  const framing = /^(content-length|transfer-encoding|connection):/i;
  const kept = lines.filter((line) => line !== "" && !line.toLowerCase().startsWith(`${BLOCK_HEADER.toLowerCase()}:`) && (upgraded || !framing.test(line)));
  if (!upgraded) kept.push("content-length: 0", "connection: close");
  const redacted = kept.map((line) => {
    const colon = line.indexOf(":");
    return colon < 0 ? line : `${line.slice(0, colon + 1)} ${redact(line.slice(colon + 1).trim())}`;
  });
  return `${[status, ...redacted].join("\r\n")}\r\n\r\n`;
}

/**
 * A WebSocket upgrade read from an inspected tunnel, through the one pipeline: the
 * same policy as a plain inspected request (host, method and path rules), DLP on the
 * hostname, the full URL and the headers (a held secret in the upgrade URL is a 403
 * the client reads as its handshake's answer), the host's credential injected. The
 * upgrade then goes over TLS to the checked address, verified for the CONNECT host's
 * name against the gate's trust; on `101` both sides are joined and frames relay as
 * they are, until either side closes or the connection idles out. Any other answer
 * goes back as it came and ends the connection.
 *
 * `Sec-WebSocket-Extensions` is not passed on, so no compression is negotiated and the
 * frames stay plain bytes (what a later frame inspection needs); only `websocket` is
 * upgraded to (h2c over TLS is not a thing, and other protocols the gate cannot read).
 */
export function inspectedUpgrade(context: GateContext, target: InspectedTarget, req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
  const scanner = context.generation().scanner;
  const authority = authorityOf(target);
  const url = targetUrl(req.url ?? "", authority);
  const path = url === undefined ? "" : url.pathname + url.search;
  let headers: OutgoingHttpHeaders = {};
  let credential: { header: string; value: string } | undefined;
  let redact: (value: string) => string = (value) => value;
  return runPipeline(context, {
    start: { method: req.method ?? "GET", host: scanner.redact(authority), path: scanner.redact(url === undefined ? (req.url ?? "") : path) },
    client: target.client ?? {},
    answer: (stop) => respondRaw(client, stop.status, stop.text, stop.decision === "block" ? stop.reason : undefined),
    policy(generation) {
      if (req.method !== "GET" || String(req.headers.upgrade ?? "").toLowerCase() !== "websocket") {
        return { status: 400, decision: "error", reason: "bad-upgrade", text: "bottle gate: only a GET upgrade to websocket is relayed through inspection" };
      }
      const admission = inspectedPolicy(generation, target, req, url);
      if ("decision" in admission) return admission;
      ({ headers, credential } = admission);
      delete headers["sec-websocket-extensions"];
      redact = (value) => generation.redactor?.header(value) ?? value;
      return admission.admitted;
    },
    async inspect(generation: GateGeneration) {
      return {
        findings: [
          ...generation.scanner.scanHostname(target.host),
          ...generation.scanner.scanUrl(`https://${authority}${req.url?.startsWith("/") ? req.url : path}`),
          ...generation.scanner.scanHeaders(headerPairs(headers)),
        ],
      };
    },
    relay(checked) {
      if (credential !== undefined) headers[credential.header] = credential.value;
      return relayUpgrade(context, target, client, head, requestHead(path, headers), redact, checked);
    },
  });
}

/** Connects, sends the upgrade, relays the answer and, on 101, joins both sockets; resolves with the audit outcome. */
function relayUpgrade(
  context: GateContext,
  target: InspectedTarget,
  client: Duplex,
  head: Buffer,
  request: string,
  redact: (value: string) => string,
  checked: Checked,
): Promise<Partial<AuditEntry>> {
  return new Promise((resolve) => {
    const upstream = tls.connect({
      host: checked.address,
      port: target.port,
      servername: target.host,
      ALPNProtocols: ["http/1.1"],
      ...(context.upstreamTrust ? { ca: context.upstreamTrust } : {}),
    });
    let status = 0;
    let answered = false;
    let up = 0;
    let down = 0;
    let finished = false;
    const timer = setTimeout(() => upstream.destroy(new Error("upgrade timeout")), UPGRADE_TIMEOUT_MS);
    const done = (outcome: Partial<AuditEntry>) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      client.destroy();
      upstream.destroy();
      resolve({ ...outcome, bytes_up: up, bytes_down: down });
    };
    upstream.once("secureConnect", () => {
      upstream.write(request);
      if (head.length > 0) upstream.write(head);
    });
    let buffered = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) {
        if (buffered.length > MAX_HEAD) upstream.destroy(new Error("answer head too long"));
        return;
      }
      upstream.off("data", onHead);
      clearTimeout(timer);
      answered = true;
      const text = buffered.subarray(0, end).toString("latin1");
      status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const rest = buffered.subarray(end + 4);
      if (status !== 101) {
        // Not upgraded: the answer's head ends the connection (its body, if any, is not relayed).
        client.end(answerHead(text, redact, false), () => done({ decision: "error", reason: "upgrade-refused", status }));
        return;
      }
      client.write(answerHead(text, redact, true));
      if (rest.length > 0) {
        down += rest.length;
        client.write(rest);
      }
      upstream.on("data", (data: Buffer) => {
        down += data.length;
        if (!client.write(data)) upstream.pause();
      });
      client.on("data", (data: Buffer) => {
        up += data.length;
        if (!upstream.write(data)) client.pause();
      });
      client.on("drain", () => upstream.resume());
      upstream.on("drain", () => client.resume());
      upstream.setTimeout(IDLE_MS, () => upstream.destroy());
      client.once("end", () => upstream.end());
      upstream.once("end", () => client.end());
    };
    upstream.on("data", onHead);
    upstream.on("error", (error) => {
      if (!answered && !finished) {
        finished = true;
        clearTimeout(timer);
        respondRaw(client, 502, `bottle gate: cannot reach ${target.host}:${target.port}: ${error.message}`);
        upstream.destroy();
        return resolve({ decision: "error", reason: "upstream-failure", status: 502, bytes_up: up, bytes_down: down });
      }
      done({ decision: "allow", status });
    });
    client.on("error", () => done({ decision: "allow", status }));
    upstream.once("close", () => {
      if (answered) done({ decision: "allow", status: 101 });
    });
    client.once("close", () => {
      if (answered && status === 101) done({ decision: "allow", status: 101 });
      else if (!answered) done({ decision: "error", reason: "client-closed", status: 0 });
    });
  });
}
