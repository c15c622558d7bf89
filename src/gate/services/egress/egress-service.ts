import type { GateContext } from "../../gate-context.ts";
import type { GateService } from "../gate-service.ts";
import { connectTunnel } from "./connect-tunnel.ts";
import { forwardRequest } from "./forward-request.ts";

/**
 * The egress proxy as a proxy-port service: absolute-form requests (`GET http://…`)
 * and `CONNECT` tunnels. Its policy lives in the gate's generation, so `reload` has
 * nothing of its own to swap.
 */
export function egressService(context: GateContext): GateService {
  return {
    name: "egress",
    match: (exchange) => exchange.kind === "connect" || !(exchange.req.url ?? "").startsWith("/"),
    handle: (exchange) =>
      exchange.kind === "connect"
        ? connectTunnel(context, exchange.req, exchange.socket, exchange.head)
        : forwardRequest(context, exchange.req, exchange.res),
    reload: () => {},
    close: async () => {},
  };
}
