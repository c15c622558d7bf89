import { BottleError } from "../../core/errors.ts";

/** A credential as the gate injects it: header lower-cased, `${NAME}` replaced. */
export interface ResolvedCredential {
  host: string;
  header: string;
  /** A secret: never logged, never sent to the agent. */
  value: string;
}

/** The credentials ready to inject, and every secret value they hold (for DLP). */
export interface ResolvedCredentials {
  credentials: ResolvedCredential[];
  heldSecrets: string[];
}

/**
 * Replaces `${NAME}` in each credential's value with the gate's own environment, as a
 * route's `inject.value` is. A missing or empty variable is an error naming it, never
 * an empty credential sent upstream. The whole value is held too (a literal value is
 * a secret like any other).
 */
export function resolveCredentials(
  credentials: readonly { host: string; header: string; value: string }[],
  env: Record<string, string | undefined>,
): ResolvedCredentials {
  const heldSecrets: string[] = [];
  const resolved = credentials.map((credential) => {
    const value = credential.value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const secret = env[name];
      if (secret === undefined || secret === "") {
        throw new BottleError(`the credential for ${credential.host} uses \${${name}}, but ${name} is not set in the gate's environment`, {
          hint: `pass ${name} to the gate (docker run -e ${name}), or remove the credential`,
        });
      }
      heldSecrets.push(secret);
      return secret;
    });
    heldSecrets.push(value);
    return { host: credential.host.toLowerCase(), header: credential.header.toLowerCase(), value };
  });
  return { credentials: resolved, heldSecrets };
}
