import type { Egress } from "../../manifest/egress-schema.ts";

/** The port the gate listens on inside its container (each container has its own). */
export const GATE_PORT = 8080;

/** Where the gate's config is mounted inside its container. */
export const GATE_CONFIG_MOUNT = "/etc/bottle/gate.json";

/** What `bottle gate --config` reads (see the gate's config schema). */
export interface GateConfig {
  listen: string;
  egress: Egress;
}

/**
 * The gate's config for a bottle. Route credentials stay `${NAME}` references: the
 * file never holds a secret, the gate reads the values from its own environment.
 */
export function gateConfig(egress: Egress, port: number = GATE_PORT): GateConfig {
  return { listen: `0.0.0.0:${port}`, egress };
}

/** The host variables a bottle's routes and credentials inject (`${NAME}` in their values), in order, once each. */
export function gateSecretNames(egress: Egress): string[] {
  const names = new Set<string>();
  for (const route of egress.routes) {
    for (const match of route.inject?.value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g) ?? []) names.add(match[1]!);
  }
  for (const credential of egress.credentials ?? []) {
    for (const match of credential.value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(match[1]!);
  }
  return [...names];
}
