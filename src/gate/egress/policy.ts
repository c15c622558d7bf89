import { parseAllowEntry, type AllowEntry, type Egress } from "../../manifest/egress-schema.ts";
import { allowEntryHost } from "../../manifest/tls-schema.ts";
import { cidrContains, parseCidr, parseIpLiteral, type Cidr, type IpAddress } from "./address.ts";
import { classifyAddress, type AddressClass } from "./classify-address.ts";
import { canonicalHost, canonicalPattern, hostMatches } from "./host-match.ts";

/** A policy decision: allowed, or refused with the reason sent in `X-Bottle-Block`. */
export type Verdict = { allowed: true } | { allowed: false; reason: string };
/** An address check's decision: a refused address says which kind of range it is in. */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: "private-address"; kind: AddressClass };

/** The egress policy of one config generation; a reload builds a new one. */
export interface EgressPolicy {
  /**
   * By name: deny wins, then allow patterns and `allow_cidrs` for IP literals. With
   * `tunnelPort` (a `CONNECT`), the port must be one the matching entry names, by
   * default 443. A route does not allow its upstream here: only an allow entry does.
   */
  checkHost(host: string, tunnelPort?: number): Verdict;
  /** After resolution: refuses non-public addresses unless inside `allow_cidrs`. */
  checkAddress(ip: IpAddress): AddressVerdict;
}

const ALLOWED = { allowed: true } as const;

/** By default, a tunnel reaches port 443 only. */
const TUNNEL_PORTS = [443];
/** By default, a generation remembers this many host decisions (a busy gate asks about few hosts, often). */
const VERDICT_CACHE = 1024;

/**
 * Builds the policy. By default, every host is refused (`not-allowed`); `deny` wins
 * over `allow`; the SSRF guard applies to every host, `*` included.
 */
export function createPolicy(egress: Egress): EgressPolicy {
  const cidrs: Cidr[] = egress.allow_cidrs.map((text) => parseCidr(text)).filter((cidr) => cidr !== undefined);
  const allow: AllowEntry[] = egress.allow.map((entry) => parseAllowEntry(allowEntryHost(entry))).filter((entry) => entry !== undefined);
  const inAllowedCidr = (ip: IpAddress) => cidrs.some((cidr) => cidrContains(cidr, ip));

  // Patterns that are IP literals compare in canonical spelling, worked out once here.
  const deny = egress.deny.map(canonicalPattern);
  const allowed = allow.map((entry) => ({ ...entry, pattern: canonicalPattern(entry.pattern) }));
  const decide = (host: string, tunnelPort: number | undefined): Verdict => {
    const ip = parseIpLiteral(host);
    // Hosts are compared in canonical spelling too, so `0x7f.1` cannot dodge a deny of 127.0.0.1.
    const name = canonicalHost(host);
    if (deny.some((pattern) => hostMatches(pattern, name))) return { allowed: false, reason: "denied" };
    const matching = allowed.filter((entry) => hostMatches(entry.pattern, name));
    const byCidr = ip !== undefined && inAllowedCidr(ip);
    if (matching.length === 0 && !byCidr) return { allowed: false, reason: "not-allowed" };
    if (tunnelPort === undefined) return ALLOWED;
    const ports = matching.flatMap((entry) => entry.ports ?? TUNNEL_PORTS);
    if (byCidr) ports.push(...TUNNEL_PORTS);
    return ports.includes(tunnelPort) ? ALLOWED : { allowed: false, reason: "port-not-allowed" };
  };
  // Decisions are pure functions of the generation's policy, so they can be kept: the
  // IP-literal parsing and pattern matching were a few percent of a plain request.
  const verdicts = new Map<string, Verdict>();
  return {
    checkHost(host, tunnelPort) {
      const key = tunnelPort === undefined ? host : `${host}\u0000${tunnelPort}`;
      let verdict = verdicts.get(key);
      if (verdict === undefined) {
        verdict = decide(host, tunnelPort);
        if (verdicts.size >= VERDICT_CACHE) verdicts.clear();
        verdicts.set(key, verdict);
      }
      return verdict;
    },
    checkAddress(ip) {
      if (inAllowedCidr(ip)) return ALLOWED;
      const kind = classifyAddress(ip);
      return kind === undefined ? ALLOWED : { allowed: false, reason: "private-address", kind };
    },
  };
}

