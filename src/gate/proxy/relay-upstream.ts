import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import https from "node:https";
import { endToEndHeaders } from "./headers.ts";
import type { BodyPrefix } from "./read-body-prefix.ts";
import { respond } from "./respond.ts";

/** Where a request goes: a checked address, never a name to resolve again. */
export interface UpstreamTarget {
  protocol: "http:" | "https:";
  address: string;
  port: number;
  /** The name TLS verifies the certificate against (and sends as SNI). */
  servername: string;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
}

/** How a relayed exchange went, for the audit log. */
export interface RelayResult {
  status: number;
  bytesUp: number;
  bytesDown: number;
  /** Set when the upstream could not be reached or broke off: the client got a 502 or a cut. */
  failure?: string;
}

/** By default, an upstream silent for 5 minutes is given up (SSE streams send pings well within). */
const IDLE_MS = 5 * 60_000;

// Upstream connections are reused across clients: a forward proxy's latency is mostly
// connection setup otherwise.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * Sends the request upstream and streams the response back as it arrives (pipes both
 * ways, so a slow side slows the other instead of filling memory). `body` is the
 * prefix DLP already read; the rest of the body, if any, follows from `req`.
 */
export function relayUpstream(req: IncomingMessage, res: ServerResponse, target: UpstreamTarget, body: BodyPrefix | undefined): Promise<RelayResult> {
  return new Promise((resolve) => {
    const result: RelayResult = { status: 0, bytesUp: body?.prefix.length ?? 0, bytesDown: 0 };
    let settled = false;
    const settle = (failure?: string) => {
      if (settled) return;
      settled = true;
      if (failure !== undefined) result.failure = failure;
      resolve(result);
    };
    const secure = target.protocol === "https:";
    const options: https.RequestOptions = {
      host: target.address,
      port: target.port,
      method: target.method,
      path: target.path,
      headers: target.headers,
      agent: secure ? httpsAgent : httpAgent,
      timeout: IDLE_MS,
    };
    // SNI carries names only; for an IP-literal upstream the certificate is checked against the IP.
    if (secure && !/^[\d.]+$|:/.test(target.servername)) options.servername = target.servername;
    const upstream = (secure ? https : http).request(options);

    upstream.on("response", (upstreamRes) => {
      result.status = upstreamRes.statusCode ?? 502;
      res.writeHead(result.status, upstreamRes.statusMessage, endToEndHeaders(upstreamRes.rawHeaders));
      // Send the headers now: an event stream's client waits on them before the first event.
      res.flushHeaders();
      upstreamRes.on("data", (chunk: Buffer) => (result.bytesDown += chunk.length));
      upstreamRes.on("end", () => settle());
      upstreamRes.on("error", () => {
        res.destroy();
        settle("upstream-broke-off");
      });
      upstreamRes.pipe(res);
    });
    upstream.on("timeout", () => upstream.destroy(new Error("upstream idle timeout")));
    upstream.on("error", (error) => {
      if (!res.headersSent) respond(res, 502, `bottle gate: upstream ${target.servername} failed: ${error.message}`);
      else res.destroy();
      settle("upstream-failure");
    });
    // The client went away mid-exchange: stop talking to the upstream too.
    res.on("close", () => {
      if (!res.writableFinished) {
        upstream.destroy();
        settle("client-closed");
      }
    });

    req.on("data", (chunk: Buffer) => (result.bytesUp += chunk.length));
    if (body !== undefined) {
      if (body.prefix.length > 0) upstream.write(body.prefix);
      if (body.complete) {
        upstream.end();
        return;
      }
    }
    req.pipe(upstream);
    req.resume();
  });
}
