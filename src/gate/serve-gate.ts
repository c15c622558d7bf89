import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { BottleError } from "../core/errors.ts";
import { beginAudit, openAuditLog } from "./audit.ts";
import { parseListen, type GateConfig } from "./config-schema.ts";
import { systemLookup, type LookupAll } from "./egress/resolve.ts";
import type { GateContext } from "./gate-context.ts";
import { buildGeneration, type GateGeneration } from "./gate-generation.ts";
import { PrefixBudget } from "./pipeline/prefix-budget.ts";
import { respond } from "./pipeline/respond.ts";
import { startControl } from "./server/control-server.ts";
import { healthReport } from "./server/health.ts";
import { parserRejection } from "./server/parser-rejection.ts";
import { auditTooDeep, oneAtATime } from "./server/one-at-a-time.ts";
import { requestProblem } from "./server/request-problem.ts";
import { egressService } from "./services/egress/egress-service.ts";
import type { GateService, GateServiceFactory, ProxyExchange } from "./services/gate-service.ts";
import { ROUTE_PREFIX } from "./services/routes/route-request.ts";
import { routesService } from "./services/routes/routes-service.ts";
import { loadServiceFactories } from "./services/service-factories.ts";
import { startTls } from "./tls/start-tls.ts";
import { tlsService } from "./tls/tls-service.ts";

/** A running gate. */
export interface Gate {
  /** The bound proxy port (useful with `listen: 127.0.0.1:0`). */
  port: number;
  /** The bound control port, when the config has `control`. */
  controlPort: number | undefined;
  /** The services in dispatch order (routes, egress, then those the config enables). */
  services: readonly GateService[];
  /** Applies a new config to new requests; open tunnels and streams keep going. `listen`, `control` and `audit` need a restart. */
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
  /** By default, those of `SERVICE_FACTORIES` the config enables: the services beyond egress and routes. */
  services?: GateServiceFactory[];
  /** By default, 32 MiB: the gate-wide budget for request-body prefixes held for DLP. */
  prefixBudget?: number;
  /** By default, 30 s: how long a body may stall while its prefix is read. */
  bodyIdleMs?: number;
  /** By default, 120 s: how long reading a body's prefix may take in all. */
  bodyDeadlineMs?: number;
  /** By default, 10 s: how long a tunnel's client has to send its ClientHello. */
  helloTimeoutMs?: number;
  /** By default, the policy's `dlp.scan_budget_ms`, else 500 ms: the scan time one request body or WebSocket frame may cost (`ScanBudget.maxScanMs`); set, it overrides the policy. */
  scanBudgetMs?: number;
  /** By default, 60 s: how long an inspected tunnel may sit between requests, or take to send one's head. */
  tunnelIdleMs?: number;
}

/**
 * Starts the gate: the **proxy port** (`node:http`, since `Bun.serve` cannot take
 * `CONNECT`) for egress, routes and, for backends that still poll it there,
 * `/healthz`; and, with `control` in the config, the **control port** (`Bun.serve`)
 * for `/healthz` and the services' own prefixes. Every proxy-port exchange is handed
 * to the first service whose `match` takes it; each runs the one pipeline.
 */
export async function startGate(config: GateConfig, env: Record<string, string | undefined>, options: StartGateOptions = {}): Promise<Gate> {
  const audit = openAuditLog(config.audit);
  let latest = config;
  const extra: GateService[] = [];
  // Services may widen the policy (supervise approvals) and ask for a rebuild when that changes.
  const egressOf = (next: GateConfig) => extra.reduce((egress, service) => service.extendEgress?.(egress) ?? egress, next.egress);
  const held = () => extra.flatMap((service) => service.heldSecrets?.() ?? []);
  const rebuild = () => void (generation = buildGeneration(egressOf(latest), env, held()));
  for (const factory of options.services ?? (await loadServiceFactories(config))) {
    const service = factory(config, { audit, env, onPolicyChange: rebuild, ...(config.state === undefined ? {} : { stateDir: config.state }) });
    if (service !== undefined) extra.push(service);
  }
  let generation: GateGeneration = buildGeneration(egressOf(config), env, held());
  const context: GateContext = {
    generation: () => generation,
    audit,
    lookup: options.lookup ?? systemLookup,
    budget: new PrefixBudget(options.prefixBudget),
    tunnels: new Set<Duplex>(),
  };
  if (options.upstreamCa !== undefined) context.upstreamCa = options.upstreamCa;
  if (options.bodyIdleMs !== undefined) context.bodyIdleMs = options.bodyIdleMs;
  if (options.bodyDeadlineMs !== undefined) context.bodyDeadlineMs = options.bodyDeadlineMs;
  if (options.helloTimeoutMs !== undefined) context.helloTimeoutMs = options.helloTimeoutMs;
  if (options.scanBudgetMs !== undefined) context.scanBudgetMs = options.scanBudgetMs;
  if (options.tunnelIdleMs !== undefined) context.tunnelIdleMs = options.tunnelIdleMs;
  await startTls(context);
  // Routes first: an origin-form `/r/…` is theirs; egress takes absolute-form and CONNECT.
  const services: GateService[] = [routesService(context), egressService(context), tlsService(context), ...extra];
  const names = () => ["egress", ...(generation.routes.size > 0 ? ["routes"] : []), ...(generation.tls.enabled ? ["tls"] : []), ...extra.map((service) => service.name)];
  let ready = false;

  const dispatch = (exchange: ProxyExchange) => services.find((service) => service.match?.(exchange) && service.handle !== undefined);

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? "";
    const problem = requestProblem(req);
    if (problem !== undefined) {
      // Audited here: no service saw it. Nothing of the target is logged, it may be huge.
      respond(res, problem.status, problem.text, undefined, true);
      return beginAudit(audit, req.socket, { method: req.method ?? "", host: "", path: "" })({ decision: "error", reason: problem.reason, status: problem.status });
    }
    if (target === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      return void res.end(JSON.stringify(healthReport(names())));
    }
    const exchange: ProxyExchange = { kind: "http", req, res };
    const service = dispatch(exchange);
    if (service === undefined) {
      respond(res, 404, `bottle gate: nothing at ${target.split("?")[0]} (routes live under ${ROUTE_PREFIX}<name>/)`);
      // Audited like every other answer (its target redacted: it is the agent's to choose).
      return beginAudit(audit, req.socket, { method: req.method ?? "", host: "", path: generation.scanner.auditTarget(target).path })({ decision: "error", reason: "not-found", status: 404 });
    }
    service.handle!(exchange).catch((error: unknown) => {
      // A client that hung up mid-request is not news.
      if (req.socket.destroyed) return res.destroy();
      process.stderr.write(`bottle gate: request failed: ${(error as Error)?.message ?? String(error)}\n`);
      if (!res.headersSent) respond(res, 502, "bottle gate: internal error");
      else res.destroy();
    });
  };

  const server = http.createServer({ keepAlive: true }, oneAtATime(onRequest, (req) => auditTooDeep(audit, req)));
  server.on("connect", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const exchange: ProxyExchange = { kind: "connect", req, socket, head };
    const service = dispatch(exchange);
    if (service === undefined) return void socket.destroy();
    service.handle!(exchange).catch((error: unknown) => {
      process.stderr.write(`bottle gate: tunnel failed: ${(error as Error)?.message ?? String(error)}\n`);
      socket.destroy();
    });
  });
  // A request Bun's parser rejects reaches only this listener, which must answer it
  // (Bun 1.4 leaves that to the listener, as node does): 400, 414 for an over-long
  // request line, or 505 for an unknown HTTP version, then close, and audit the decision.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A peer that reset, timed out or hung up mid-message (Bun 1.4.5 reports the last as
    // HPE_INVALID_EOF_STATE, after the request's own audit line) is not a new decision.
    if (!error.code?.startsWith("HPE_") || error.code === "HPE_INVALID_EOF_STATE" || !socket.writable) return void socket.destroy();
    const entry = parserRejection(error, socket);
    audit.record(entry);
    const reason = entry.status === 505 ? "HTTP Version Not Supported" : entry.status === 414 ? "URI Too Long" : "Bad Request";
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
  let control: ReturnType<typeof startControl> | undefined;
  try {
    control = config.control === undefined ? undefined : startControl({ listen: config.control, services: () => services, names, ready: () => ready });
  } catch (error) {
    server.close();
    throw error;
  }
  ready = true;

  return {
    port: (server.address() as AddressInfo).port,
    controlPort: control?.port,
    services,
    reload(next) {
      latest = next;
      for (const service of services) service.reload(next);
      rebuild();
    },
    async close(graceMs = 5_000) {
      ready = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Tunnels and streams in flight get the grace period, then everything left is cut.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.closeAllConnections();
          for (const tunnel of context.tunnels) tunnel.destroy();
          resolve();
        }, graceMs);
      });
      await Promise.race([closed, cut.then(() => Promise.race([closed, Bun.sleep(1_000)]))]);
      clearTimeout(timer);
      await control?.stop(true);
      await Promise.all(services.map((service) => service.close().catch(() => {})));
      await audit.close();
    },
  };
}
