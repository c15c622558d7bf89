import { lookup } from "node:dns/promises";
import { formatIp, parseIpLiteral, type IpAddress } from "./address.ts";
import type { AddressClass } from "./classify-address.ts";
import type { EgressPolicy } from "./policy.ts";

/** Where to connect: an address the policy has checked, or why not. */
export type Resolution =
  | { ok: true; address: string; family: 4 | 6 }
  | { ok: false; status: 403; reason: "private-address"; refused: RefusedAddress }
  | { ok: false; status: 502; reason: string };

/** The address a name resolved to (or the literal) that the SSRF guard refused, and
 * the kind of range it lies in. */
export type RefusedAddress = { address: string; kind: AddressClass; resolved: boolean };

/** Resolves a hostname to every address it has; tests may hand in their own. */
export type LookupAll = (host: string) => Promise<string[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), every address. */
export const systemLookup: LookupAll = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Resolves `host` in the gate and checks every address it returns: one refused
 * address refuses the host (a name that mixes public and private answers is an
 * attack). The caller connects to the returned address, never to the name again, so
 * there is no window for DNS rebinding between the check and the connection.
 */
export async function resolveChecked(host: string, policy: EgressPolicy, lookupAll: LookupAll = systemLookup): Promise<Resolution> {
  const known = literalResolution(host, policy);
  if (known !== undefined) return known;
  let answers: string[];
  try {
    answers = await lookupAll(host);
  } catch {
    return { ok: false, status: 502, reason: "dns-failure" };
  }
  const addresses = answers.map((answer) => parseIpLiteral(answer)).filter((ip) => ip !== undefined);
  if (addresses.length === 0) return { ok: false, status: 502, reason: "dns-failure" };
  return checkedAddresses(addresses, policy, true);
}

function checkedAddresses(addresses: readonly IpAddress[], policy: EgressPolicy, resolved: boolean): Resolution {
  for (const ip of addresses) {
    const verdict = policy.checkAddress(ip);
    if (!verdict.allowed) return { ok: false, status: 403, reason: verdict.reason, refused: { address: formatIp(ip), kind: verdict.kind, resolved } };
  }
  const first = addresses[0]!;
  return { ok: true, address: formatIp(first), family: first.family };
}

/** Per policy (one per config generation), the resolutions of IP-literal hosts. */
const literals = new WeakMap<EgressPolicy, Map<string, Resolution | null>>();

/**
 * The resolution of `host` when it is an IP literal (null inside: not one), kept per
 * policy: it is a pure function of the two, and parsing and classifying the same
 * address for every request was a few percent of a plain request. Names are not kept:
 * each is resolved and checked again.
 */
function literalResolution(host: string, policy: EgressPolicy): Resolution | undefined {
  let cache = literals.get(policy);
  if (cache === undefined) {
    cache = new Map();
    literals.set(policy, cache);
  }
  let resolution = cache.get(host);
  if (resolution === undefined) {
    const literal = parseIpLiteral(host);
    resolution = literal === undefined ? null : checkedAddresses([literal], policy, false);
    if (cache.size >= 1024) cache.clear();
    cache.set(host, resolution);
  }
  return resolution ?? undefined;
}
