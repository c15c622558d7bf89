import type { Egress } from "../../../manifest/egress-schema.ts";
import type { GateConfig } from "../../config-schema.ts";
import { createScanner } from "../../dlp/create-scanner.ts";
import { resolveRoutes } from "../../resolve-routes.ts";
import type { GateService, GateServiceFactory } from "../gate-service.ts";
import { withApprovals } from "./approved-egress.ts";
import { handleMcpRequest } from "./mcp-endpoint.ts";
import { SUPERVISE_PREFIX } from "./supervise-config.ts";
import { Supervisor } from "./supervisor.ts";

/** The supervise service: a {@link GateService} that can also widen the egress policy with approvals. */
export interface SuperviseService extends GateService {
  /** `egress` with the hosts a person approved for this bottle added to `allow`. */
  extendEgress(egress: Egress): Egress;
  /** The allow entries approved so far. */
  approved(): string[];
}

/**
 * Makes the supervise MCP server from a gate config with a `supervise` key (else
 * `undefined`): it answers on the control port under `/mcp` with a bearer token read
 * from the gate's environment, and tells the gate (`context.onPolicyChange`) when an
 * approval changes what egress allows, so the gate rebuilds its generation (open
 * tunnels keep going).
 */
export const superviseService: GateServiceFactory = (config, context) => createSuperviseService(config, context);

/** {@link superviseService}, typed with the supervise extras. */
export function createSuperviseService(config: GateConfig, context: Parameters<GateServiceFactory>[1]): SuperviseService | undefined {
  if (config.supervise === undefined) return undefined;
  let current = config;
  // The host a request names is the agent's text: the audit line shows it as the
  // proxy's lines show a host, redacted by the same finder (route secrets included).
  const scannerFor = (next: GateConfig) => createScanner({ heldSecrets: resolveRoutes(next.egress.routes, context.env).heldSecrets });
  let scanner = scannerFor(config);
  const supervisor = new Supervisor(config.supervise, context.audit, () => context.onPolicyChange?.(), undefined, (host) => scanner.redactUrl(host));
  const egress = () => withApprovals(current.egress, supervisor.approved);
  return {
    name: "supervise",
    controlPrefix: SUPERVISE_PREFIX,
    fetch: (request, client) =>
      handleMcpRequest(request, { token: context.env[current.supervise?.token_env ?? ""], client: client.address, supervisor, egress }),
    reload(next) {
      current = next;
      scanner = scannerFor(next);
      if (next.supervise !== undefined) supervisor.reload(next.supervise);
    },
    async close() {
      supervisor.close();
    },
    extendEgress: (base) => withApprovals(base, supervisor.approved),
    approved: () => supervisor.approved,
  };
}
