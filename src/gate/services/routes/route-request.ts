import type { IncomingMessage, ServerResponse } from "node:http";
import type { GateContext } from "../../gate-context.ts";
import { CLIENT_CREDENTIALS, endToEndHeaders, headerPairs } from "../../pipeline/headers.ts";
import { hasBody } from "../../pipeline/read-body-prefix.ts";
import { relayOutcome, relayUpstream } from "../../pipeline/relay-upstream.ts";
import { answerHttp, blockText } from "../../pipeline/respond.ts";
import { runPipeline } from "../../pipeline/run-pipeline.ts";
import { routePath } from "./route-path.ts";

/** The prefix of route URLs: `http://gate:PORT/r/<name>/<path>`. */
export const ROUTE_PREFIX = "/r/";

/** `/r/<name>/<rest>?<query>` split into its parts; the query keeps its `?`. */
function splitTarget(target: string): { name: string; rest: string; query: string } {
  // The query is split off first: `/r/<name>?q` has no path after the name but keeps its query.
  const afterPrefix = target.slice(ROUTE_PREFIX.length);
  const queryAt = afterPrefix.indexOf("?");
  const query = queryAt === -1 ? "" : afterPrefix.slice(queryAt);
  const path = queryAt === -1 ? afterPrefix : afterPrefix.slice(0, queryAt);
  const slash = path.search(/[/\\]/);
  return slash === -1 ? { name: path, rest: "", query } : { name: path.slice(0, slash), rest: path.slice(slash + 1), query };
}

/**
 * Whether `path` stays under `basePath` as the URL parser that forwards it reads it:
 * `routePath` checks segments as the gate splits them, and this checks what fetch
 * will send, so a spelling the two read apart cannot leave the base.
 */
function insideBase(basePath: string, path: string): boolean {
  const base = basePath.replace(/\/+$/, "");
  const sent = new URL(path, "http://route.invalid").pathname;
  return base === "" || sent === base || sent.startsWith(`${base}/`);
}

/**
 * An origin-form request to a route, through the pipeline. Policy: the route exists
 * and the path stays inside its base (403 `route-escape`); the client's credentials
 * are stripped and the route's header injected from the gate's environment; the SSRF
 * guard applies to the upstream. The response streams back with the gate's held
 * secrets redacted (an upstream that echoes the injected header hands back nothing),
 * so server-sent events flow event by event. DLP looks at the URL and the client's
 * headers; request bodies are not scanned, since they go to the upstream the operator
 * configured for exactly this traffic.
 */
export function routeRequest(context: GateContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.url ?? "/";
  const { name, rest, query } = splitTarget(target);
  const generation = context.generation();
  const route = generation.routes.get(name);
  const headers = endToEndHeaders(req.rawHeaders, CLIENT_CREDENTIALS);
  // Where the request goes upstream, when it stays inside the base (the policy step refuses it otherwise).
  const confined = route === undefined ? undefined : routePath(route.upstream.pathname, rest);
  const path = confined === undefined ? "" : confined + query;
  return runPipeline(context, {
    // An unknown route's name is the agent's to choose (a secret, say): the audit's path, redacted, carries it.
    start: { method: req.method ?? "", host: route?.upstream.host ?? "", path: generation.scanner.auditTarget(target, path === "" ? undefined : path).path, ...(route === undefined ? {} : { route: name }) },
    client: req.socket,
    answer: answerHttp(res, hasBody(req)),
    policy(current) {
      if (route === undefined) {
        const names = [...current.routes.keys()].join(", ") || "none";
        return { status: 404, decision: "error", reason: "no-route", text: `bottle gate: no route named ${JSON.stringify(name)} (routes: ${names})` };
      }
      if (confined === undefined || !insideBase(route.upstream.pathname, path)) {
        return { status: 403, decision: "block", reason: "route-escape", text: blockText("route-escape", `a path outside route ${name}`) };
      }
      return { host: route.upstream.hostname, shown: route.upstream.hostname };
    },
    async inspect(current) {
      // The client's credentials are stripped before they could leave: what remains is
      // scanned, at once (target and headers are bounded; the body is not scanned here).
      return { findings: [...current.scanner.scanUrl(target, path), ...current.scanner.scanHeaders(headerPairs(headers))] };
    },
    async relay(checked) {
      const upstream = route!.upstream;
      headers.host = upstream.host;
      if (route!.inject !== undefined) headers[route!.inject.header] = route!.inject.value;
      const secure = upstream.protocol === "https:";
      const result = await relayUpstream(req, res, {
        protocol: secure ? "https:" : "http:",
        address: checked.address,
        port: Number(upstream.port || (secure ? 443 : 80)),
        servername: upstream.hostname,
        method: req.method ?? "GET",
        path,
        headers,
        ...(context.upstreamCa ? { ca: context.upstreamCa } : {}),
        ...(generation.redactor ? { redactor: generation.redactor } : {}),
      }, undefined);
      return relayOutcome(result, checked.warned);
    },
  });
}
