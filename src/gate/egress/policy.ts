import { parseAllowEntry, type AllowEntry, type Egress } from "../../manifest/egress-schema.ts";
import { allowEntryHost } from "../../manifest/tls-schema.ts";
import { cidrContains, formatIp, parseCidr, parseIpLiteral, type Cidr, type IpAddress } from "./address.ts";
import { classifyAddress } from "./classify-address.ts";
import { hostMatches, normalizeHost } from "./host-match.ts";

/** A policy decision: allowed, or refused with the reason sent in `X-Bottle-Block`. */
export type Verdict = { allowed: true } | { allowed: false; reason: string };

/** The egress policy of one config generation; a reload builds a new one. */
export interface EgressPolicy {
  /**
   * By name: deny wins, then allow patterns and `allow_cidrs` for IP literals. With
   * `tunnelPort` (a `CONNECT`), the port must be one the matching entry names, by
   * default 443. A route's upstream is not allowed here: it is reached through its route.
   */
  checkHost(host: string, tunnelPort?: number): Verdict;
  /** After resolution: refuses non-public addresses unless inside `allow_cidrs`. */
  checkAddress(ip: IpAddress): Verdict;
}

const ALLOWED: Verdict = { allowed: true };

/** By default, a tunnel reaches port 443 only. */
const TUNNEL_PORTS = [443];

/**
 * Builds the policy. By default, every host is refused (`not-allowed`); `deny` wins
 * over `allow`; the SSRF guard applies to every host, `*` included.
 */
export function createPolicy(egress: Egress): EgressPolicy {
  const cidrs: Cidr[] = egress.allow_cidrs.map((text) => parseCidr(text)).filter((cidr) => cidr !== undefined);
  const allow: AllowEntry[] = egress.allow.map((entry) => parseAllowEntry(allowEntryHost(entry))).filter((entry) => entry !== undefined);
  const inAllowedCidr = (ip: IpAddress) => cidrs.some((cidr) => cidrContains(cidr, ip));

  return {
    checkHost(host, tunnelPort) {
      const ip = parseIpLiteral(host);
      // Patterns see an IP literal in its canonical spelling, so `0x7f.1` cannot dodge a deny of 127.0.0.1.
      const name = ip === undefined ? normalizeHost(host) : formatIp(ip);
      if (egress.deny.some((pattern) => matches(pattern, name))) return { allowed: false, reason: "denied" };
      const matching = allow.filter((entry) => matches(entry.pattern, name));
      const byCidr = ip !== undefined && inAllowedCidr(ip);
      if (matching.length === 0 && !byCidr) return { allowed: false, reason: "not-allowed" };
      if (tunnelPort === undefined) return ALLOWED;
      const ports = matching.flatMap((entry) => entry.ports ?? TUNNEL_PORTS);
      if (byCidr) ports.push(...TUNNEL_PORTS);
      return ports.includes(tunnelPort) ? ALLOWED : { allowed: false, reason: "port-not-allowed" };
    },
    checkAddress(ip) {
      if (inAllowedCidr(ip)) return ALLOWED;
      return classifyAddress(ip) === undefined ? ALLOWED : { allowed: false, reason: "private-address" };
    },
  };
}

/** A pattern that is itself an IP literal compares in canonical spelling too. */
function matches(pattern: string, name: string): boolean {
  const ip = parseIpLiteral(pattern);
  return hostMatches(ip === undefined ? pattern : formatIp(ip), name);
}
