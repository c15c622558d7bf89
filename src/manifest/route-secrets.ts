import type { Egress } from "./egress-schema.ts";

/** The host variables a bottle's routes and credentials inject (`${NAME}` in their values), in order, once each. */
export function routeSecretNames(egress: Egress): string[] {
  const names = new Set<string>();
  for (const route of egress.routes) {
    for (const match of route.inject?.value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g) ?? []) names.add(match[1]!);
  }
  for (const credential of egress.credentials ?? []) {
    for (const match of credential.value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(match[1]!);
  }
  return [...names];
}
