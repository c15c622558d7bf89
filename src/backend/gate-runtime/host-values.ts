import { requireRouteSecrets } from "../../manifest/resolve.ts";
import type { StartSpec } from "../types.ts";

/**
 * The values of the host variables a bottle's routes inject, read at the last moment
 * and never stored. An unset one is an error before anything starts (see
 * `requireRouteSecrets`): a route that injects an empty credential would only fail
 * later, far from the cause.
 */
export function routeSecretValues(spec: StartSpec, env: Record<string, string | undefined>): Record<string, string> {
  requireRouteSecrets(spec, env);
  return Object.fromEntries(spec.routeSecrets.map((name) => [name, env[name]!]));
}

/** The values of the agent's forwarded host variables (`{ key, from }`), read at launch, never stored. */
export function forwardedValues(spec: StartSpec, env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(spec.env.forwarded.map(({ key, from }) => [key, env[from] ?? ""]));
}
