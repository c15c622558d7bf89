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
