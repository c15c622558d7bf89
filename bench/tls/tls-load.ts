import net from "node:net";
import tls from "node:tls";

/** How a TLS client reaches the origin: straight, or through a CONNECT tunnel of the gate. */
export interface TlsRoute {
  /** The gate's port; undefined for direct. */
  gatePort?: number;
  originPort: number;
  /** The name sent in CONNECT, SNI and Host. */
  host: string;
  /** The CA the client trusts: the origin's (direct, passthrough) or the gate's (inspected). */
  ca: string;
}

/** A kept-alive TLS connection that sends one GET at a time. */
export interface TlsClient {
  get(): Promise<void>;
  close(): void;
}

/** Opens a TLS connection on `route` (CONNECT first when through the gate), ready for requests. */
export async function openTlsClient(route: TlsRoute): Promise<TlsClient> {
  let raw: net.Socket | undefined;
  if (route.gatePort !== undefined) {
    raw = net.connect(route.gatePort, "127.0.0.1");
    raw.setNoDelay(true);
    await new Promise<void>((resolve, reject) => raw!.once("connect", resolve).once("error", reject));
    raw.write(`CONNECT ${route.host}:${route.originPort} HTTP/1.1\r\nHost: ${route.host}:${route.originPort}\r\n\r\n`);
    const answer = await new Promise<string>((resolve, reject) => raw!.once("data", (chunk: Buffer) => resolve(chunk.toString("latin1"))).once("error", reject));
    if (!answer.startsWith("HTTP/1.1 200")) throw new Error(`CONNECT refused: ${answer.split("\r\n")[0]}`);
  }
  const socket = tls.connect({
    ...(raw === undefined ? { host: "127.0.0.1", port: route.originPort } : { socket: raw }),
    servername: route.host,
    ca: route.ca,
    ALPNProtocols: ["http/1.1"],
  });
  await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
  socket.setNoDelay(true);
  let buffer: Buffer = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  socket.once("close", () => failed?.(new Error("closed")));
  socket.on("data", (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    waiting?.();
  });
  socket.on("error", () => {});
  const request = `GET / HTTP/1.1\r\nHost: ${route.host}:${route.originPort}\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n`;
  return {
    get: () =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          const end = buffer.indexOf("\r\n\r\n");
          if (end < 0) return;
          const length = Number(/content-length:\s*(\d+)/i.exec(buffer.subarray(0, end).toString("latin1"))?.[1] ?? 0);
          if (buffer.length < end + 4 + length) return;
          if (!buffer.subarray(0, 12).toString("latin1").startsWith("HTTP/1.1 200")) reject(new Error(buffer.subarray(0, end).toString("latin1")));
          buffer = buffer.subarray(end + 4 + length);
          waiting = undefined;
          resolve();
        };
        waiting = check;
        failed = reject;
        socket.write(request);
        check();
      }),
    close: () => socket.destroy(),
  };
}

/** Requests per second over `concurrency` kept-alive connections for `durationMs`, and each request's latency. */
export async function runTlsLoad(route: TlsRoute, concurrency: number, durationMs: number): Promise<{ requestsPerSecond: number; latenciesMs: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const clients = await Promise.all(Array.from({ length: concurrency }, () => openTlsClient(route)));
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const at = performance.now();
        try {
          await client.get();
          latencies.push(performance.now() - at);
        } catch {
          errors++;
          return;
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  for (const client of clients) client.close();
  return { requestsPerSecond: (latencies.length * 1000) / elapsed, latenciesMs: latencies, errors };
}

/** The time from opening a connection to the first response: CONNECT, handshake (and leaf minting), one GET. */
export async function timeFirstRequest(route: TlsRoute): Promise<number> {
  const at = performance.now();
  const client = await openTlsClient(route);
  await client.get();
  const elapsed = performance.now() - at;
  client.close();
  return elapsed;
}
