import { formatIp, parseIpLiteral } from "./address.ts";

/** A hostname as compared: lower case, without a trailing dot or brackets. */
export function normalizeHost(host: string): string {
  let text = host.trim().toLowerCase();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  while (text.endsWith(".")) text = text.slice(0, -1);
  return text;
}

/**
 * Whether `host` matches an allow/deny pattern: `*` matches every host,
 * `*.example.com` matches subdomains only (not `example.com` itself), anything else
 * matches exactly. Both sides are compared normalised.
 */
export function hostMatches(pattern: string, host: string): boolean {
  const wanted = normalizeHost(pattern);
  const name = normalizeHost(host);
  if (wanted === "*") return true;
  if (wanted.startsWith("*.")) return name.endsWith(wanted.slice(1)) && name.length > wanted.length - 1;
  return name === wanted;
}

/**
 * A host as policy compares it: an IP literal in any spelling (`0x7f.1`,
 * `[::ffff:7f00:1]`) as its canonical address, any other name normalised. Every check
 * of one request (allow, deny, TLS rules, credentials) compares this form: the TLS
 * rules once compared the spelling as written, so `[::ffff:127.0.0.1]` passed the
 * policy as 127.0.0.1 and escaped that entry's method and path rules (a hunt, this round).
 */
export function canonicalHost(host: string): string {
  const ip = parseIpLiteral(host);
  return ip === undefined ? normalizeHost(host) : formatIp(ip);
}

/** A pattern that is itself an IP literal, in canonical spelling; any other pattern as written. */
export function canonicalPattern(pattern: string): string {
  const ip = parseIpLiteral(pattern);
  return ip === undefined ? pattern : formatIp(ip);
}
