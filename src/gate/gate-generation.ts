import type { Egress } from "../manifest/egress-schema.ts";
import { createScanner, type Scanner } from "./dlp/create-scanner.ts";
import { createPolicy, type EgressPolicy } from "./egress/policy.ts";
import { createResponseRedactor, type ResponseRedactor } from "./pipeline/held-secret-redactor.ts";
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
  /** The policy's `dlp.scan_budget_ms`; undefined for the scanner's default. */
  scanBudgetMs: number | undefined;
  routes: Map<string, ResolvedRoute>;
  /** Redacts held secrets from route responses; undefined when the gate holds none. */
  redactor: ResponseRedactor | undefined;
  /** TLS inspection, method/path rules and credentials. */
  tls: TlsGeneration;
}

/**
 * Builds a generation from a validated egress policy and the gate's environment.
 * `otherSecrets` are what other services hold (a git token): DLP refuses and redacts
 * them like the routes' own.
 */
export function buildGeneration(egress: Egress, env: Record<string, string | undefined>, otherSecrets: readonly string[] = []): GateGeneration {
  const { routes, heldSecrets } = resolveRoutes(egress.routes, env);
  const tls = buildTlsGeneration(egress, env);
  // Credentials are held secrets: refused on the way out, redacted from what comes back.
  const scanner = createScanner({ heldSecrets: [...heldSecrets, ...tls.heldSecrets, ...otherSecrets] });
  return {
    policy: createPolicy(egress),
    scanner,
    dlpAction: egress.dlp.action,
    scanBudgetMs: egress.dlp.scan_budget_ms,
    routes,
    redactor: createResponseRedactor(scanner),
    tls,
  };
}
