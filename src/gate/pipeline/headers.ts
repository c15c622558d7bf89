import type { OutgoingHttpHeaders } from "node:http";

/** Hop-by-hop headers (RFC 9110 §7.6.1) and proxy credentials: never forwarded. */
const HOP_BY_HOP = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  // The gate's server already answered `100 Continue` and streams the body regardless;
  // passing the expectation on would make the upstream wait to grant it again.
  "expect",
]);

/** Credentials a client may send to a route: the gate strips them all and injects its own. */
export const CLIENT_CREDENTIALS = ["authorization", "x-api-key", "cookie", "proxy-authorization"];

/**
 * The end-to-end headers of a message from node's `rawHeaders`, keeping repeated
 * headers (set-cookie) and dropping hop-by-hop ones, those named in `Connection`,
 * and any in `drop`.
 */
export function endToEndHeaders(rawHeaders: readonly string[], drop: readonly string[] = []): OutgoingHttpHeaders {
  const dropped = new Set([...HOP_BY_HOP, ...drop]);
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]!.toLowerCase() !== "connection") continue;
    for (const token of rawHeaders[index + 1]!.split(",")) dropped.add(token.trim().toLowerCase());
  }
  const headers: OutgoingHttpHeaders = {};
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!.toLowerCase();
    if (dropped.has(name)) continue;
    const value = rawHeaders[index + 1]!;
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else headers[name] = Array.isArray(existing) ? [...existing, value] : [String(existing), value];
  }
  return headers;
}

/** Header pairs as the DLP scanner takes them. */
export function headerPairs(headers: OutgoingHttpHeaders): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) pairs.push([name, String(item)]);
  }
  return pairs;
}
