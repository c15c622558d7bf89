import { BottleError } from "../core/errors.ts";
import type { Route } from "../manifest/egress-schema.ts";

/** A route with its credential read from the gate's environment. */
export interface ResolvedRoute {
  name: string;
  upstream: URL;
  /** The header to inject, lower case, and its value (a secret: never logged). */
  inject: { header: string; value: string } | undefined;
}

/** The routes ready to serve, and every secret value they hold (for DLP). */
export interface ResolvedRoutes {
  routes: Map<string, ResolvedRoute>;
  heldSecrets: string[];
}

/** A literal injected value, and its credential without a leading scheme word
 * (`Bearer`, `Basic`, `token`…), which is what an agent would try to carry out. */
function literalSecretForms(value: string): string[] {
  const credential = value.replace(/^[A-Za-z][A-Za-z0-9-]*\s+/, "");
  return credential === value ? [value] : [value, credential];
}

/**
 * Replaces `${NAME}` in each route's `inject.value` with the gate's own environment.
 * The config file never holds the secret; a missing or empty variable is an error
 * naming it, never an empty credential sent upstream.
 */
export function resolveRoutes(routes: readonly Route[], env: Record<string, string | undefined>): ResolvedRoutes {
  const heldSecrets: string[] = [];
  const resolved = new Map<string, ResolvedRoute>();
  for (const route of routes) {
    let inject: ResolvedRoute["inject"];
    if (route.inject !== undefined) {
      const value = route.inject.value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
        const secret = env[name];
        if (secret === undefined || secret === "") {
          throw new BottleError(`route ${route.name} injects \${${name}}, but ${name} is not set in the gate's environment`, {
            hint: `pass ${name} to the gate (docker run -e ${name}), or remove the route`,
          });
        }
        heldSecrets.push(secret);
        return secret;
      });
      // A value written without `${NAME}` is a credential the operator typed into the
      // config: held like any other (with and without its auth scheme word), so the
      // agent cannot send it out or get it echoed back (issue 9, finding 10).
      if (value === route.inject.value) heldSecrets.push(...literalSecretForms(value));
      inject = { header: route.inject.header.toLowerCase(), value };
    }
    resolved.set(route.name, { name: route.name, upstream: new URL(route.upstream), inject });
  }
  return { routes: resolved, heldSecrets };
}
