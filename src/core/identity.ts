import { randomBytes } from "node:crypto";

/** Characters Docker accepts in container and network names, lowercase for DNS. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]*$/;

/**
 * Mints `<agent>-<random>`: eight base-32 characters (40 bits) make parallel starts of
 * the same agent in the same directory collide with negligible probability.
 */
export function mintIdentity(agent: string, random: (size: number) => Uint8Array = randomBytes): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const bytes = random(8);
  let suffix = "";
  for (const byte of bytes) suffix += alphabet[byte % 32];
  return `${agent}-${suffix}`;
}

/** True when `identity` has the shape `mintIdentity` produces. */
export function isIdentity(identity: string): boolean {
  return /^[a-z0-9][a-z0-9_.-]*-[a-z2-7]{8}$/.test(identity);
}
