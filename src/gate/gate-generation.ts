import type { Egress } from "../manifest/egress-schema.ts";
import { createScanner, type Scanner } from "./dlp/create-scanner.ts";
import { createPolicy, type EgressPolicy } from "./egress/policy.ts";
import { resolveRoutes, type ResolvedRoute } from "./resolve-routes.ts";
import { buildTlsGeneration, type TlsGeneration } from "./tls/tls-generation.ts";

/**
 * Everything one config generation decides. A reload builds a new generation and
 * swaps it in; a request reads the generation once when it starts, so a tunnel or a
 * streaming response opened under the old policy is never cut.
 */
export interface GateGeneration {
  policy: EgressPolicy;
  scanner: Scanner;
  dlpAction: Egress["dlp"]["action"];
  routes: Map<string, ResolvedRoute>;
  services: string[];
  /** TLS inspection, method/path rules and credentials. */
  tls: TlsGeneration;
}

/** Builds a generation from a validated egress policy and the gate's environment. */
export function buildGeneration(egress: Egress, env: Record<string, string | undefined>): GateGeneration {
  const { routes, heldSecrets } = resolveRoutes(egress.routes, env);
  const tls = buildTlsGeneration(egress, env);
  return {
    policy: createPolicy(egress),
    scanner: createScanner({ heldSecrets: [...heldSecrets, ...tls.heldSecrets] }),
    dlpAction: egress.dlp.action,
    routes,
    services: [...(routes.size > 0 ? ["egress", "routes"] : ["egress"]), ...(tls.enabled ? ["tls"] : [])],
    tls,
  };
}
