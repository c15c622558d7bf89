import type { Server } from "bun";
import { BottleError } from "../../core/errors.ts";
import { parseListen } from "../config-schema.ts";
import type { GateService } from "../services/gate-service.ts";
import { healthReport } from "./health.ts";

/** What the control port serves: the services, their names for `/healthz`, and readiness. */
export interface ControlOptions {
  listen: string;
  services(): readonly GateService[];
  /** The names `/healthz` lists. */
  names(): string[];
  /** True once every listener is bound: `/healthz` answers 503 before. */
  ready(): boolean;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "cache-control": "no-store" } });
}

/**
 * Starts the control port on `Bun.serve`: `/healthz` (200 with every service's name
 * once the proxy port is bound too, 503 before) and each service's `controlPrefix`
 * (the longest matching prefix wins) routed to its `fetch`. Nothing here is a proxy:
 * an absolute-form or CONNECT request gets 404/405 from Bun, not a tunnel.
 */
export function startControl(options: ControlOptions): Server<undefined> {
  const { host, port } = parseListen(options.listen);
  try {
    return Bun.serve({
      hostname: host,
      port,
      // No development error page (a stack, a source excerpt, the gate's file paths):
      // a `CONNECT` here made `new URL` throw, and Bun 1.4.5 answered with one (a hunt
      // for leaks, this round). Whatever throws is a plain 500.
      development: false,
      error(error) {
        process.stderr.write(`bottle gate: control request failed: ${error.message}\n`);
        return new Response("bottle gate: internal error\n", { status: 500 });
      },
      async fetch(request, server) {
        if (request.method === "CONNECT") return new Response("bottle gate: the control port is no proxy\n", { status: 405 });
        const path = new URL(request.url).pathname;
        if (path === "/healthz") {
          if (request.method !== "GET" && request.method !== "HEAD") return new Response("method not allowed\n", { status: 405 });
          return options.ready() ? json(200, healthReport(options.names())) : json(503, { status: "starting" });
        }
        const service = options
          .services()
          .filter((candidate) => candidate.controlPrefix !== undefined && candidate.fetch !== undefined && path.startsWith(candidate.controlPrefix))
          .sort((a, b) => b.controlPrefix!.length - a.controlPrefix!.length)[0];
        if (service === undefined) return new Response(`bottle gate: nothing at ${path}\n`, { status: 404 });
        try {
          return await service.fetch!(request, { address: server.requestIP(request)?.address ?? "" });
        } catch (error) {
          process.stderr.write(`bottle gate: ${service.name} failed: ${(error as Error)?.message ?? String(error)}\n`);
          return new Response("bottle gate: internal error\n", { status: 500 });
        }
      },
    });
  } catch (error) {
    throw new BottleError(`the gate cannot listen on ${options.listen} (control): ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
      hint: "another process holds that port: pick another `control`",
    });
  }
}
