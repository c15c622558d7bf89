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
  | "reserved";

const RANGES: [string, AddressClass][] = [
  ["0.0.0.0/8", "unspecified"],
  ["127.0.0.0/8", "loopback"],
  ["10.0.0.0/8", "private"],
  ["172.16.0.0/12", "private"],
  ["192.168.0.0/16", "private"],
  // 169.254.169.254 is the cloud metadata service: the classic SSRF target.
  ["169.254.0.0/16", "link-local"],
  ["100.64.0.0/10", "cgnat"],
  ["192.0.0.0/24", "reserved"],
  ["198.18.0.0/15", "reserved"],
  ["224.0.0.0/4", "multicast"],
  ["255.255.255.255/32", "broadcast"],
  ["240.0.0.0/4", "reserved"],
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["fc00::/7", "ula"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "private"],
  ["ff00::/8", "multicast"],
].map(([cidr, kind]) => [cidr, kind] as [string, AddressClass]);

const PARSED: [Cidr, AddressClass][] = RANGES.map(([text, kind]) => [parseCidr(text)!, kind]);

// IPv6 forms that carry an IPv4 address inside: NAT64 (64:ff9b::/96), 6to4 (2002::/16)
// and the deprecated IPv4-compatible ::a.b.c.d. Each reaches the embedded address.
const NAT64 = parseCidr("64:ff9b::/96")!;
const SIX_TO_FOUR = parseCidr("2002::/16")!;
const COMPATIBLE = parseCidr("::/96")!;

/** The IPv4 address an IPv6 address tunnels to, if it is one of the embedding forms. */
function embeddedIpv4(ip: IpAddress): IpAddress | undefined {
  if (ip.family !== 6) return undefined;
  if (cidrContains(NAT64, ip)) return { family: 4, value: ip.value & 0xffffffffn };
  if (cidrContains(SIX_TO_FOUR, ip)) return { family: 4, value: (ip.value >> 80n) & 0xffffffffn };
  if (cidrContains(COMPATIBLE, ip) && ip.value > 1n) return { family: 4, value: ip.value & 0xffffffffn };
  return undefined;
}

/**
 * Classifies an address that must not be reached from a bottle without an explicit
 * `allow_cidrs` entry; undefined for a public address.
 */
export function classifyAddress(ip: IpAddress): AddressClass | undefined {
  for (const [cidr, kind] of PARSED) if (cidrContains(cidr, ip)) return kind;
  const inner = embeddedIpv4(ip);
  return inner === undefined ? undefined : classifyAddress(inner);
}
