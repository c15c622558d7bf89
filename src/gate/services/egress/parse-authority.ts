/** A CONNECT target split into host and port. */
export interface Authority {
  host: string;
  port: number;
}

/**
 * Reads `host:port` or `[v6]:port` as CONNECT sends it; undefined for anything else
 * (no port, a port out of range, stray characters).
 */
export function parseAuthority(text: string): Authority | undefined {
  const match = /^(\[[0-9A-Fa-f:.%A-Za-z]+\]|[A-Za-z0-9._~-]+):(\d{1,5})$/.exec(text);
  if (match === null) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
}
