import type { IncomingMessage, ServerResponse } from "node:http";
import { beginAudit } from "../audit.ts";
import { resolveChecked } from "../egress/resolve.ts";
import type { GateContext } from "../gate-context.ts";
import { dlpVerdict } from "../proxy/dlp-verdict.ts";
import { CLIENT_CREDENTIALS, endToEndHeaders, headerPairs } from "../proxy/headers.ts";
import { relayOutcome, relayUpstream } from "../proxy/relay-upstream.ts";
import { blockText, respond } from "../proxy/respond.ts";

/** The prefix of route URLs: `http://gate:PORT/r/<name>/<path>`. */
export const ROUTE_PREFIX = "/r/";

/** Joins the route's upstream base path and the request's rest without doubling slashes. */
function upstreamPath(base: URL, rest: string): string {
  const prefix = base.pathname.replace(/\/+$/, "");
  return `${prefix}/${rest.replace(/^\/+/, "")}`;
}

/**
 * An origin-form request to a route. The client's credentials are stripped, the
 * route's header is injected from the gate's environment, and the request goes to the
 * route's upstream (its host is allowed implicitly; the SSRF guard still applies).
 * The response streams back as it arrives, so server-sent events flow event by event.
 * DLP looks at the URL and the client's headers; request bodies are not scanned here,
 * since they go to the upstream the operator configured for exactly this traffic.
 */
export async function routeRequest(context: GateContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const generation = context.generation();
  const target = req.url ?? "/";
  // The query is split off first: `/r/<name>?q` has no path after the name but keeps its query.
  const afterPrefix = target.slice(ROUTE_PREFIX.length);
  const queryAt = afterPrefix.indexOf("?");
  const query = queryAt === -1 ? "" : afterPrefix.slice(queryAt);
  const [name = "", ...restParts] = (queryAt === -1 ? afterPrefix : afterPrefix.slice(0, queryAt)).split("/");
  const rest = restParts.join("/");
  const route = generation.routes.get(name);
  const finish = beginAudit(context.audit, req.socket, {
    method: req.method ?? "",
    host: route?.upstream.host ?? "",
    path: generation.scanner.redact(target),
    route: name,
  });
  if (route === undefined) {
    respond(res, 404, `bottle gate: no route named ${JSON.stringify(name)} (routes: ${[...generation.routes.keys()].join(", ") || "none"})`);
    return finish({ decision: "error", reason: "no-route", status: 404 });
  }

  const headers = endToEndHeaders(req.rawHeaders, CLIENT_CREDENTIALS);
  let warned: string | undefined;
  if (generation.dlpAction !== "off") {
    const findings = [...generation.scanner.scanUrl(target), ...generation.scanner.scanHeaders(headerPairs(headers))];
    const dlp = dlpVerdict(findings, generation.dlpAction);
    if (dlp.action === "block") {
      respond(res, 403, blockText(dlp.reason, route.upstream.hostname), dlp.reason);
      return finish({ decision: "block", reason: dlp.reason, status: 403 });
    }
    if (dlp.action === "warn") warned = dlp.reason;
  }
  headers.host = route.upstream.host;
  if (route.inject !== undefined) headers[route.inject.header] = route.inject.value;

  const upstreamHost = route.upstream.hostname;
  const resolution = await resolveChecked(upstreamHost, generation.policy, context.lookup);
  if (!resolution.ok) {
    if (resolution.status === 403) respond(res, 403, blockText(resolution.reason, upstreamHost), resolution.reason);
    else respond(res, 502, `bottle gate: cannot resolve ${upstreamHost}`);
    return finish({ decision: resolution.status === 403 ? "block" : "error", reason: resolution.reason, status: resolution.status });
  }
  const secure = route.upstream.protocol === "https:";
  const result = await relayUpstream(req, res, {
    protocol: secure ? "https:" : "http:",
    address: resolution.address,
    port: Number(route.upstream.port || (secure ? 443 : 80)),
    servername: upstreamHost,
    method: req.method ?? "GET",
    path: upstreamPath(route.upstream, rest) + query,
    headers,
    ...(context.upstreamCa ? { ca: context.upstreamCa } : {}),
  }, undefined);
  finish(relayOutcome(result, warned));
}
