/** What one GET over a unix socket answered: the status and the body, parsed as JSON when it is JSON. */
export interface SocketAnswer {
  status: number;
  body: unknown;
}

/** The options of one socket request. */
export interface SocketGetOptions {
  /** By default, GET. A POST asks the engine to do something (an exec), with `json` as its body. */
  method?: "GET" | "POST";
  json?: unknown;
  signal?: AbortSignal;
  /** By default, 15 s: an engine that does not answer must not hang `bottle list`. */
  timeoutMs?: number;
}

/**
 * Asks an HTTP API on a local unix socket (the Docker engine's) one GET (or POST). It spawns
 * nothing: it is the engine's own API, which the docker CLI would ask the same way.
 * Fails as `fetch` does (no socket, refused, not permitted, timed out). Commands get it
 * next to their runner; a test that hands in a recorder leaves it out, and a backend
 * without it uses its CLI.
 */
export type SocketGet = (socket: string, path: string, options?: SocketGetOptions) => Promise<SocketAnswer>;

/** The real {@link SocketGet}: Bun's `fetch` over a unix socket (its `unix:` option, as on Bun 1.4.5). */
export const socketGet: SocketGet = async (socket, path, options = {}) => {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  const payload = options.json === undefined ? {} : { body: JSON.stringify(options.json), headers: { "content-type": "application/json" } };
  const response = await fetch(`http://localhost${path}`, { unix: socket, signal, method: options.method ?? "GET", ...payload });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an engine's plain-text error): the caller sees the text and the status.
  }
  return { status: response.status, body };
};
