import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_SCANNED_BODY } from "../dlp/body-text.ts";
import { resolveChecked } from "../egress/resolve.ts";
import { beginAudit } from "../audit.ts";
import type { GateContext } from "../gate-context.ts";
import { dlpVerdict } from "./dlp-verdict.ts";
import { endToEndHeaders, headerPairs } from "./headers.ts";
import { hasBody, readBodyPrefix, type BodyPrefix } from "./read-body-prefix.ts";
import { relayOutcome, relayUpstream } from "./relay-upstream.ts";
import { blockText, respond } from "./respond.ts";

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
 * An absolute-form request (`GET http://host/path`): policy by name, DLP on the
 * hostname, URL, headers and body prefix, resolution with the SSRF check, then the request relayed to
 * the checked address with the response streamed back.
 */
export async function forwardRequest(context: GateContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const generation = context.generation();
  const url = parseTarget(req.url ?? "");
  const finish = beginAudit(context.audit, req.socket, {
    method: req.method ?? "",
    host: url === undefined ? "" : generation.scanner.redact(url.host),
    path: url === undefined ? "" : generation.scanner.redact(url.pathname + url.search),
  });

  if (url === undefined) {
    respond(res, 400, "bottle gate: a proxy request needs an http:// URL (use CONNECT for https)");
    return finish({ decision: "error", reason: "bad-target", status: 400 });
  }
  const host = url.hostname;
  const verdict = generation.policy.checkHost(host);
  if (!verdict.allowed) {
    respond(res, 403, blockText(verdict.reason, host), verdict.reason);
    return finish({ decision: "block", reason: verdict.reason, status: 403 });
  }

  const headers = endToEndHeaders(req.rawHeaders);
  headers.host = url.host;
  let body: BodyPrefix | undefined;
  let warned: string | undefined;
  if (generation.dlpAction !== "off") {
    const findings = [
      ...generation.scanner.scanHostname(host),
      ...generation.scanner.scanUrl(req.url ?? ""),
      ...generation.scanner.scanHeaders(headerPairs(headers)),
    ];
    if (hasBody(req)) {
      body = await readBodyPrefix(req, MAX_SCANNED_BODY);
      findings.push(...generation.scanner.scanBody(body.prefix, req.headers["content-type"]));
    }
    const dlp = dlpVerdict(findings, generation.dlpAction);
    if (dlp.action === "block") {
      respond(res, 403, blockText(dlp.reason, host), dlp.reason);
      return finish({ decision: "block", reason: dlp.reason, status: 403, bytes_up: body?.prefix.length ?? 0 });
    }
    if (dlp.action === "warn") warned = dlp.reason;
  }

  const resolution = await resolveChecked(host, generation.policy, context.lookup);
  if (!resolution.ok) {
    if (resolution.status === 403) respond(res, 403, blockText(resolution.reason, host), resolution.reason);
    else respond(res, 502, `bottle gate: cannot resolve ${host}`);
    return finish({ decision: resolution.status === 403 ? "block" : "error", reason: resolution.reason, status: resolution.status });
  }

  const result = await relayUpstream(req, res, {
    protocol: "http:",
    address: resolution.address,
    port: Number(url.port || 80),
    servername: host,
    method: req.method ?? "GET",
    path: url.pathname + url.search,
    headers,
  }, body);
  finish(relayOutcome(result, warned));
}
