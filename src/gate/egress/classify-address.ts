import { cidrContains, parseCidr, type Cidr, type IpAddress } from "./address.ts";

/** Why an address is not on the public internet. */
export type AddressClass =
  | "unspecified"
  | "loopback"
  | "private"
  | "link-local"
  | "cgnat"
  | "ula"
  | "multicast"
  | "broadcast"
  | "documentation"
  | "benchmarking"
  | "discard"
  | "reserved";

/** Each class as a refusal names it: "it resolves to {phrase}". */
const CLASS_PHRASES: Record<AddressClass, string> = {
  unspecified: "an unspecified address (0.0.0.0/8, ::)",
  loopback: "a loopback address",
  private: "a private (RFC 1918) address",
  "link-local": "a link-local address (169.254/16 holds cloud metadata)",
  cgnat: "a carrier-grade NAT address (100.64/10)",
  ula: "a unique local IPv6 address (fc00::/7)",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  documentation: "a documentation address (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32), which a DNS server on the way hands out for names it blocks or fakes",
  benchmarking: "a benchmarking address (198.18/15)",
  discard: "a discard-only address",
  reserved: "a reserved address",
};

/** How a refusal names `kind` to the agent and in the logs. */
export function describeAddressClass(kind: AddressClass): string {
  return CLASS_PHRASES[kind];
}

/** A registry row: a block and its class, or `global` where the registry says it is globally reachable. */
type Row = [cidr: string, kind: AddressClass | "global"];

/**
 * The IANA IPv4 Special-Purpose Address Registry (as of 2024-10), by its "Globally
 * Reachable" column, plus multicast from the multicast registry. The most specific
 * row wins, so the two anycast addresses inside 192.0.0.0/24 stay reachable.
 * 192.88.99.0/24 (the deprecated 6to4 relay anycast) has no answer in the registry:
 * refused, as a relay would forward to whatever the 6to4 address wraps.
 */
const IPV4_ROWS: Row[] = [
  ["0.0.0.0/8", "unspecified"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "cgnat"],
  ["127.0.0.0/8", "loopback"],
  // 169.254.169.254 is the cloud metadata service: the classic SSRF target.
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "reserved"],
  ["192.0.0.9/32", "global"], // Port Control Protocol anycast
  ["192.0.0.10/32", "global"], // TURN anycast
  ["192.0.2.0/24", "documentation"],
  ["192.31.196.0/24", "global"], // AS112-v4
  ["192.52.193.0/24", "global"], // AMT
  ["192.88.99.0/24", "reserved"],
  ["192.168.0.0/16", "private"],
  ["192.175.48.0/24", "global"], // AS112 direct delegation
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
  ["255.255.255.255/32", "broadcast"],
];

/**
 * The IANA IPv6 Special-Purpose Address Registry (as of 2024-10), same reading. The
 * forms that wrap an IPv4 address (NAT64, SIIT, 6to4, Teredo) are judged by the IPv4
 * inside first; when that is public, the row decides, and only the NAT64 well-known
 * prefix is globally reachable. (`::ffff:0:0/96`, IPv4-mapped, never gets here:
 * `parseIpLiteral` turns it into the IPv4 address.) Outside 2000::/3 nothing is
 * allocated as global unicast, so an address there that no row names — SIIT's
 * `::ffff:0:0:0/96`, the deprecated IPv4-compatible `::/96`, unassigned space — is
 * refused as `reserved`.
 */
const IPV6_ROWS: Row[] = [
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["64:ff9b::/96", "global"], // NAT64 well-known prefix: judged by the IPv4 inside
  ["64:ff9b:1::/48", "reserved"], // local-use NAT64 (RFC 8215)
  ["100::/64", "discard"],
  ["100:0:0:1::/64", "discard"], // dummy prefix (RFC 9780)
  ["2000::/3", "global"],
  ["2001::/23", "reserved"], // IETF protocol assignments
  ["2001::/32", "reserved"], // Teredo: judged by the client address inside, else refused
  ["2001:1::1/128", "global"], // Port Control Protocol anycast
  ["2001:1::2/128", "global"], // TURN anycast
  ["2001:1::3/128", "global"], // DNS-SD service registration anycast
  ["2001:2::/48", "benchmarking"],
  ["2001:3::/32", "global"], // AMT
  ["2001:4:112::/48", "global"], // AS112-v6
  ["2001:10::/28", "reserved"], // deprecated ORCHID
  ["2001:20::/28", "global"], // ORCHIDv2
  ["2001:30::/28", "global"], // drone remote ID tags
  ["2001:db8::/32", "documentation"],
  ["2002::/16", "reserved"], // 6to4: judged by the IPv4 inside, else refused
  ["2620:4f:8000::/48", "global"], // AS112 direct delegation
  ["3fff::/20", "documentation"],
  ["5f00::/16", "reserved"], // SRv6 SIDs
  ["fc00::/7", "ula"],
  ["fe80::/10", "link-local"],
  // Deprecated site-local: still routed inside some networks.
  ["fec0::/10", "private"],
  ["ff00::/8", "multicast"],
];

const TABLE: [Cidr, AddressClass | "global"][] = [...IPV4_ROWS, ...IPV6_ROWS].map(([text, kind]) => [parseCidr(text)!, kind]);

/** The most specific row containing `ip`; IPv6 outside every row is unallocated, hence reserved. */
function lookupRow(ip: IpAddress): AddressClass | "global" | undefined {
  let best: [Cidr, AddressClass | "global"] | undefined;
  for (const row of TABLE) if (cidrContains(row[0], ip) && (best === undefined || row[0].prefix > best[0].prefix)) best = row;
  if (best !== undefined) return best[1];
  return ip.family === 6 ? "reserved" : undefined;
}

const NAT64 = parseCidr("64:ff9b::/96")!;
const NAT64_LOCAL = parseCidr("64:ff9b:1::/48")!;
// SIIT's IPv4-translated form ::ffff:0:a.b.c.d (RFC 2765), not the mapped ::ffff:a.b.c.d.
const TRANSLATED = parseCidr("::ffff:0:0:0/96")!;
const COMPATIBLE = parseCidr("::/96")!;
const SIX_TO_FOUR = parseCidr("2002::/16")!;
const TEREDO = parseCidr("2001::/32")!;

const v4 = (value: bigint): IpAddress => ({ family: 4, value: value & 0xffffffffn });

/**
 * Every IPv4 address an IPv6 address tunnels or translates to. A translator or relay
 * on the path (NAT64, SIIT, a 6to4 relay, a Teredo server) connects to it, so it is
 * judged as if the agent had named it. The local-use NAT64 prefix is read in its /96
 * layout (its true layout is the network's choice; the block is refused either way).
 * Teredo carries the server in bits 32–63 and the client, inverted, in the last 32.
 */
function embeddedIpv4(ip: IpAddress): IpAddress[] {
  if (ip.family !== 6) return [];
  if (cidrContains(NAT64, ip) || cidrContains(NAT64_LOCAL, ip) || cidrContains(TRANSLATED, ip)) return [v4(ip.value)];
  if (cidrContains(COMPATIBLE, ip) && ip.value > 1n) return [v4(ip.value)];
  if (cidrContains(SIX_TO_FOUR, ip)) return [v4(ip.value >> 80n)];
  if (cidrContains(TEREDO, ip)) return [v4(ip.value >> 64n), v4(~ip.value)];
  return [];
}

/**
 * Classifies an address that must not be reached from a bottle without an explicit
 * `allow_cidrs` entry; undefined for a public address. An address is public only when
 * the special-purpose registries call it globally reachable (or do not list it, for
 * IPv4) and every IPv4 address it wraps is public too.
 */
export function classifyAddress(ip: IpAddress): AddressClass | undefined {
  for (const inner of embeddedIpv4(ip)) {
    const kind = classifyAddress(inner);
    if (kind !== undefined) return kind;
  }
  const kind = lookupRow(ip);
  return kind === "global" ? undefined : kind;
}
