import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { BottleError } from "../core/errors.ts";
import { openAuditLog } from "./audit.ts";
import { parseListen, type GateConfig } from "./config-schema.ts";
import { systemLookup, type LookupAll } from "./egress/resolve.ts";
import type { GateContext } from "./gate-context.ts";
import { buildGeneration, type GateGeneration } from "./gate-generation.ts";
import { healthReport } from "./health.ts";
import { connectTunnel } from "./proxy/connect-tunnel.ts";
import { forwardRequest } from "./proxy/forward-request.ts";
import { parserRejection } from "./proxy/parser-rejection.ts";
import { respond } from "./proxy/respond.ts";
import { ROUTE_PREFIX, routeRequest } from "./routes/route-request.ts";
import { serveCaCertificate, startTls } from "./tls/start-tls.ts";

/** A running gate. */
export interface Gate {
  /** The bound port (useful with `listen: 127.0.0.1:0`). */
  port: number;
  /** Applies a new config to new requests; open tunnels and streams keep going. `listen` and `audit` need a restart. */
  reload(config: GateConfig): void;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
  close(graceMs?: number): Promise<void>;
}

/** Options for {@link startGate} that tests and benchmarks may set. */
export interface StartGateOptions {
  /** By default, the system resolver. */
  lookup?: LookupAll;
  /** Extra CA certificates (PEM) for upstream TLS, such as a private CA in front of a route's upstream. */
  upstreamCa?: string[];
}

/**
 * Starts the gate's egress proxy, routes and `/healthz` on one port.
 *
 * One `node:http` server serves all three: `Bun.serve` cannot tunnel `CONNECT`, and
 * two listeners cannot share a port, so `/healthz` is answered by the same server
 * (Bun 1.3's `node:http` server runs on Bun's native HTTP server). It answers only
 * after `listen` has bound, which is what readiness means here.
 */
export async function startGate(config: GateConfig, env: Record<string, string | undefined>, options: StartGateOptions = {}): Promise<Gate> {
  let generation: GateGeneration = buildGeneration(config.egress, env);
  const audit = openAuditLog(config.audit);
  const context: GateContext = { generation: () => generation, audit, lookup: options.lookup ?? systemLookup };
  if (options.upstreamCa !== undefined) context.upstreamCa = options.upstreamCa;
  await startTls(context);
  const tunnels = new Set<Duplex>();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? "";
    const handle = async () => {
      if (target.startsWith("/")) {
        if (target === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
          res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
          return void res.end(JSON.stringify(healthReport(generation.services)));
        }
        if (target.startsWith(ROUTE_PREFIX)) return routeRequest(context, req, res);
        if (serveCaCertificate(context, req, res)) return;
        return respond(res, 404, `bottle gate: nothing at ${target.split("?")[0]} (routes live under ${ROUTE_PREFIX}<name>/)`);
      }
      return forwardRequest(context, req, res);
    };
    // Never let one bad exchange take the gate down.
    handle().catch((error: unknown) => {
      // A client that hung up mid-request is not news.
      if (req.socket.destroyed) return res.destroy();
      process.stderr.write(`bottle gate: request failed: ${(error as Error)?.message ?? String(error)}\n`);
      if (!res.headersSent) respond(res, 502, "bottle gate: internal error");
      else res.destroy();
    });
  };

  const server = http.createServer({ keepAlive: true }, onRequest);
  server.on("connect", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    connectTunnel(context, req, socket, head, tunnels).catch((error: unknown) => {
      process.stderr.write(`bottle gate: tunnel failed: ${(error as Error)?.message ?? String(error)}\n`);
      socket.destroy();
    });
  });
  // A request Bun's parser rejects reaches only this listener, which must answer it
  // (Bun 1.4 leaves that to the listener, as node does): 400, or 505 for an unknown
  // HTTP version, then close, and audit the decision.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A peer that reset or timed out is not a request the gate decided on.
    if (!error.code?.startsWith("HPE_") || !socket.writable) return void socket.destroy();
    const entry = parserRejection(error, socket);
    audit.record(entry);
    const reason = entry.status === 505 ? "HTTP Version Not Supported" : "Bad Request";
    socket.end(`HTTP/1.1 ${entry.status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  const { host, port } = parseListen(config.listen);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(new BottleError(`the gate cannot listen on ${config.listen}: ${error.code ?? error.message}`, {
        cause: error,
        hint: error.code === "EADDRINUSE" ? "another process holds that port: pick another `listen`" : undefined,
      })),
    );
    server.listen(port, host, () => resolve());
  });
  server.on("error", (error) => process.stderr.write(`bottle gate: listener error: ${error.message}\n`));

  return {
    port: (server.address() as AddressInfo).port,
    reload(next) {
      generation = buildGeneration(next.egress, env);
    },
    async close(graceMs = 5_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Tunnels and streams in flight get the grace period, then everything left is cut.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.closeAllConnections();
          for (const tunnel of tunnels) tunnel.destroy();
          resolve();
        }, graceMs);
      });
      await Promise.race([closed, cut.then(() => Promise.race([closed, Bun.sleep(1_000)]))]);
      clearTimeout(timer);
      await audit.close();
    },
  };
}
