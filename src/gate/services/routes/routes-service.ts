import type { GateContext } from "../../gate-context.ts";
import type { GateService } from "../gate-service.ts";
import { ROUTE_PREFIX, routeRequest } from "./route-request.ts";

/** Credential-injecting routes as a proxy-port service: origin-form requests under `/r/`. */
export function routesService(context: GateContext): GateService {
  return {
    name: "routes",
    match: (exchange) => exchange.kind === "http" && (exchange.req.url ?? "").startsWith(ROUTE_PREFIX),
    handle: async (exchange) => {
      if (exchange.kind === "http") await routeRequest(context, exchange.req, exchange.res);
    },
    reload: () => {},
    close: async () => {},
  };
}
