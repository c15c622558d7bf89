import type { GateContext } from "../gate-context.ts";
import type { GateService } from "../services/gate-service.ts";
import { CA_CERTIFICATE_PATH } from "./agent-trust.ts";

const pem = (context: GateContext) => context.tls?.caCertificate ?? "";
const HEADERS = { "content-type": "application/x-pem-file", "cache-control": "no-store" };

/**
 * Serves the gate's CA certificate (public) at `GET /tls/ca.pem`, on the control port
 * (under `/tls/`) and on the proxy port (for a backend that reaches only that one).
 * Inspected CONNECTs themselves are the egress service's: it hands them to the
 * termination in `context.tls`.
 */
export function tlsService(context: GateContext): GateService {
  return {
    name: "tls",
    controlPrefix: "/tls/",
    async fetch(request) {
      const path = new URL(request.url).pathname;
      if (path !== CA_CERTIFICATE_PATH || (request.method !== "GET" && request.method !== "HEAD")) return new Response("bottle gate: nothing here\n", { status: 404 });
      return new Response(pem(context), { headers: HEADERS });
    },
    match: (exchange) => exchange.kind === "http" && exchange.req.url === CA_CERTIFICATE_PATH && (exchange.req.method === "GET" || exchange.req.method === "HEAD"),
    async handle(exchange) {
      if (exchange.kind !== "http") return;
      exchange.res.writeHead(200, HEADERS);
      exchange.res.end(pem(context));
    },
    reload: () => {},
    close: async () => {},
  };
}
