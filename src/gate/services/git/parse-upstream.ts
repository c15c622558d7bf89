/** Where a repo's mirror comes from and approved pushes go, as the gate reads it. */
export type Upstream =
  | { kind: "ssh"; url: string; user: string | undefined; host: string; port: number | undefined; path: string }
  | { kind: "https"; url: string; host: string; port: number | undefined; path: string }
  | { kind: "local"; url: string; path: string };

/** What {@link parseUpstream} answers: the upstream, or why the text is not one. */
export type ParsedUpstream = { ok: true; upstream: Upstream } | { ok: false; message: string };

const SCP_LIKE = /^(?:([^@/:\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(?!\/\/)(.+)$/;

/**
 * Reads an upstream as git does: `ssh://[user@]host[:port]/path`, scp-like
 * `[user@]host:path`, `https://host/path`, or a local `/path` / `file:///path`.
 * Plain `http://` is refused (a token would travel in the clear), and so are
 * credentials inside an https URL: the agent's git config names the upstream URL, so
 * a token there would be the agent's to read. A token goes in `token:`.
 */
export function parseUpstream(text: string): ParsedUpstream {
  const fail = (message: string): ParsedUpstream => ({ ok: false, message });
  if (/\s/.test(text) || text === "") return fail("a git upstream has no spaces: such as git@github.com:org/app.git");
  if (text.startsWith("/")) return { ok: true, upstream: { kind: "local", url: text, path: text } };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    const match = SCP_LIKE.exec(text);
    if (match === null) return fail(`not a git URL: ${text} (ssh://…, git@host:path, https://…, or an absolute path)`);
    const host = match[2]!.replace(/^\[|\]$/g, "");
    return { ok: true, upstream: { kind: "ssh", url: text, user: match[1], host, port: undefined, path: match[3]! } };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`not a git URL: ${text}`);
  }
  const port = url.port === "" ? undefined : Number(url.port);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (scheme === "file") {
    if (url.host !== "") return fail(`a file:// upstream is a local path (file:///path), not on host ${url.host}`);
    return { ok: true, upstream: { kind: "local", url: text, path: decodeURIComponent(url.pathname) } };
  }
  if (scheme === "ssh") {
    if (host === "" || url.pathname.length <= 1) return fail(`an ssh upstream needs a host and a path: ${text}`);
    if (url.password !== "") return fail("an ssh upstream holds no password: the gate uses `key:`");
    const user = url.username === "" ? undefined : decodeURIComponent(url.username);
    return { ok: true, upstream: { kind: "ssh", url: text, user, host, port, path: url.pathname } };
  }
  if (scheme === "https") {
    if (url.username !== "" || url.password !== "") {
      return fail("credentials in an https upstream would be visible to the agent: put the token in `token: ${NAME}`");
    }
    if (host === "" || url.pathname.length <= 1) return fail(`an https upstream needs a host and a path: ${text}`);
    return { ok: true, upstream: { kind: "https", url: text, host, port, path: url.pathname } };
  }
  if (scheme === "http") return fail("plain http:// upstreams are refused (a token would travel in the clear): use https://");
  return fail(`unsupported git transport ${scheme}://: use ssh://, git@host:path, https:// or a local path`);
}

/**
 * The host as ssh looks it up in known_hosts: `host`, or `[host]:port` off port 22.
 */
export function knownHostsPattern(upstream: { host: string; port: number | undefined }): string {
  return upstream.port === undefined || upstream.port === 22 ? upstream.host : `[${upstream.host}]:${upstream.port}`;
}

/** The host a person would name for the upstream (`github.com`), or `local`. */
export function upstreamHost(upstream: Upstream): string {
  return upstream.kind === "local" ? "local" : upstream.host;
}
