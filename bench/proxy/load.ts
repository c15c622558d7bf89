import net from "node:net";
import tls from "node:tls";

/** How requests reach the origin: straight, as absolute-form through a proxy, or inside CONNECT tunnels. */
export type LoadMode = "direct" | "direct-tls" | "absolute" | "connect";

/** One load run. */
export interface LoadOptions {
  /** Where the client connects: the origin (direct) or the proxy. */
  port: number;
  originPort: number;
  /** The origin's TLS port, for CONNECT mode. */
  tlsPort: number;
  mode: LoadMode;
  /** Keep-alive connections, each with one request in flight. */
  concurrency: number;
  durationMs: number;
}

/** Requests completed and each one's latency in ms. */
export interface LoadResult {
  requests: number;
  errors: number;
  requestsPerSecond: number;
  latenciesMs: number[];
}

/** Reads one HTTP response (Content-Length framed) from a buffer; the bytes it used, or 0 if incomplete. */
function responseLength(buffer: Buffer): number {
  const end = buffer.indexOf("\r\n\r\n");
  if (end < 0) return 0;
  const head = buffer.subarray(0, end).toString("latin1");
  const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
  const total = end + 4 + length;
  return buffer.length >= total ? total : 0;
}

/** One client connection, ready for requests (tunnel established in CONNECT mode). */
interface Connection {
  socket: net.Socket | tls.TLSSocket;
  /** Resolves once `complete` finds a whole message in the buffer; rejects if the socket closes first. */
  next(complete: (bytes: Buffer) => number): Promise<Buffer>;
  closed: boolean;
}

/** Reads from `socket` until `\r\n\r\n`; resolves with the head and whatever came after. */
function readHead(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (!text.includes("\r\n\r\n")) return;
      socket.off("data", onData);
      resolve(text);
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error("closed before the CONNECT answer")));
  });
}

async function connect(options: LoadOptions): Promise<Connection> {
  const raw = net.connect(options.mode === "direct-tls" ? options.tlsPort : options.port, "127.0.0.1");
  raw.setNoDelay(true);
  raw.on("error", () => {});
  await new Promise<void>((resolve, reject) => raw.once("connect", resolve).once("error", reject));
  let socket: net.Socket | tls.TLSSocket = raw;
  if (options.mode === "direct-tls") {
    const secure = tls.connect({ socket: raw, servername: "localhost", rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
    secure.on("error", () => {});
    socket = secure;
  } else if (options.mode === "connect") {
    // Tunnels carry TLS (the gate lets nothing else through): CONNECT localhost:<tls port>,
    // then a TLS session with SNI localhost to the origin, requests inside it.
    raw.write(`CONNECT localhost:${options.tlsPort} HTTP/1.1\r\nHost: localhost:${options.tlsPort}\r\n\r\n`);
    const head = await readHead(raw);
    if (!head.startsWith("HTTP/1.1 200") && !head.startsWith("HTTP/1.0 200")) throw new Error(head.split("\r\n")[0]);
    const secure = tls.connect({ socket: raw, servername: "localhost", rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
    secure.on("error", () => {});
    socket = secure;
  }
  let buffer: Buffer = Buffer.alloc(0);
  let pending: { check: () => void; reject: (error: Error) => void } | undefined;
  const connection: Connection = {
    socket,
    closed: false,
    next: (complete) =>
      new Promise<Buffer>((resolve, reject) => {
        const check = () => {
          const used = complete(buffer);
          if (used === 0) return;
          const message = buffer.subarray(0, used);
          buffer = buffer.subarray(used);
          pending = undefined;
          resolve(message);
        };
        pending = { check, reject };
        if (connection.closed) reject(new Error("closed"));
        else check();
      }),
  };
  socket.on("data", (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    pending?.check();
  });
  socket.on("close", () => {
    connection.closed = true;
    pending?.reject(new Error("closed"));
  });
  return connection;
}

/**
 * A keep-alive client over raw sockets (no client library's overhead in the numbers).
 * A proxy that closes after a response (tinyproxy answers `Connection: close`) gets a
 * new connection, and that reconnect counts in the request's latency, as for any client.
 */
async function worker(options: LoadOptions, deadline: number, result: LoadResult): Promise<void> {
  const target = options.mode === "absolute" ? `http://127.0.0.1:${options.originPort}/` : "/";
  const request = `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${options.originPort}\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n`;
  let connection: Connection | undefined;
  const exchange = async (): Promise<void> => {
    if (connection === undefined || connection.closed) connection = await connect(options);
    connection.socket.write(request);
    const response = await connection.next(responseLength);
    if (/\r\nconnection:\s*close/i.test(response.subarray(0, response.indexOf("\r\n\r\n")).toString("latin1"))) {
      connection.socket.destroy();
      connection = undefined;
    }
  };
  while (performance.now() < deadline) {
    const started = performance.now();
    const reused = connection !== undefined;
    try {
      await exchange().catch(async (error: unknown) => {
        // A reused connection the server closed silently (tinyproxy does after each
        // response): retry once on a fresh one, as curl and browsers do.
        if (!reused) throw error;
        connection?.socket.destroy();
        connection = undefined;
        await exchange();
      });
    } catch {
      result.errors++;
      connection?.socket.destroy();
      connection = undefined;
      continue;
    }
    result.latenciesMs.push(performance.now() - started);
    result.requests++;
  }
  (connection as Connection | undefined)?.socket.destroy();
}

/** Runs `concurrency` keep-alive clients for `durationMs`. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { requests: 0, errors: 0, requestsPerSecond: 0, latenciesMs: [] };
  const started = performance.now();
  const deadline = started + options.durationMs;
  await Promise.all(Array.from({ length: options.concurrency }, () => worker(options, deadline, result).catch(() => void result.errors++)));
  result.requestsPerSecond = result.requests / ((performance.now() - started) / 1000);
  return result;
}

/** The p-th percentile (0–100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
