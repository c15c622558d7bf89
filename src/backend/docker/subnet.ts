import { randomInt } from "node:crypto";
import { BottleError } from "../../core/errors.ts";

/**
 * By default, bottle networks take /28s (13 usable addresses: a bottle needs two) out of
 * 10.213.0.0/16. Docker's default pools hold only ~30 networks engine-wide, and every
 * bottle makes two; `BOTTLE_SUBNET_POOL` moves the range if it clashes with a LAN.
 */
export const DEFAULT_SUBNET_POOL = "10.213.0.0/16";

/** A /28 size in addresses. */
const SLOT = 16;

function parsePool(pool: string): { base: number; slots: number } {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(pool);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(match?.[5]);
  if (!match || octets.some((octet) => octet > 255) || prefix < 8 || prefix > 27) {
    throw new BottleError(`BOTTLE_SUBNET_POOL=${pool} is not an IPv4 range from /8 to /27`, { hint: `for example ${DEFAULT_SUBNET_POOL}` });
  }
  const size = 2 ** (32 - prefix);
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  return { base: address - (address % size), slots: size / SLOT };
}

function format(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/**
 * A random /28 of the pool: parallel starts rarely pick the same one, and launch
 * retries with another when the engine says it overlaps an existing network.
 */
export function pickSubnet(pool: string = DEFAULT_SUBNET_POOL, random: (max: number) => number = randomInt): string {
  const { base, slots } = parsePool(pool);
  return `${format(base + random(slots) * SLOT)}/28`;
}

/** True when `docker network create` failed because the subnet is taken. */
export function subnetTaken(stderr: string): boolean {
  return /overlap|address pool|already in use/i.test(stderr);
}
