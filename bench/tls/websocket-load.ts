import { randomBytes } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import type { TlsRoute } from "./tls-load.ts";

/** A masked client text frame of `payload` (under 64 KiB). */
function clientFrame(payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index & 3]!));
  const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([Buffer.from([0x81]), length, mask, masked]);
}

/** The size of the first whole server frame in `buffer`, or 0 while it is incomplete (payloads under 64 KiB). */
function serverFrameSize(buffer: Buffer): number {
  if (buffer.length < 2) return 0;
  const short = buffer[1]! & 0x7f;
  const [head, length] = short === 126 ? (buffer.length < 4 ? [0, 0] : [4, buffer.readUInt16BE(2)]) : [2, short];
  return head === 0 || buffer.length < head + length ? 0 : head + length;
}

/**
 * Message round trips on one WebSocket for `durationMs`: open (CONNECT first through
 * the gate), upgrade `/ws`, then send a `size`-byte text message and wait for its echo,
 * again and again. Resolves with each round trip's latency.
 */
export async function runWebSocketLoad(route: TlsRoute, size: number, durationMs: number): Promise<number[]> {
  let raw: net.Socket | undefined;
  if (route.gatePort !== undefined) {
    raw = net.connect(route.gatePort, "127.0.0.1");
    raw.setNoDelay(true);
    await new Promise<void>((resolve, reject) => raw!.once("connect", resolve).once("error", reject));
    raw.write(`CONNECT ${route.host}:${route.originPort} HTTP/1.1\r\nHost: ${route.host}:${route.originPort}\r\n\r\n`);
    await new Promise<void>((resolve) => raw!.once("data", () => resolve()));
  }
  const socket = tls.connect({ ...(raw === undefined ? { host: "127.0.0.1", port: route.originPort } : { socket: raw }), servername: route.host, ca: route.ca, ALPNProtocols: ["http/1.1"] });
  await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
  socket.setNoDelay(true);
  let buffer: Buffer = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    waiting?.();
  });
  socket.once("close", () => failed?.(new Error("closed")));
  const until = (ready: () => number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        const at = ready();
        if (at === 0) return;
        buffer = buffer.subarray(at);
        waiting = undefined;
        resolve();
      };
      waiting = check;
      failed = reject;
      check();
    });
  socket.write(`GET /ws HTTP/1.1\r\nHost: ${route.host}:${route.originPort}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\n\r\n`);
  await until(() => {
    const end = buffer.indexOf("\r\n\r\n");
    if (end >= 0 && !buffer.subarray(0, 12).toString("latin1").startsWith("HTTP/1.1 101")) throw new Error(buffer.subarray(0, end).toString("latin1"));
    return end < 0 ? 0 : end + 4;
  });
  const frame = clientFrame(Buffer.from("m".repeat(size)));
  const latencies: number[] = [];
  const deadline = performance.now() + durationMs;
  while (performance.now() < deadline) {
    const at = performance.now();
    socket.write(frame);
    await until(() => serverFrameSize(buffer));
    latencies.push(performance.now() - at);
  }
  socket.destroy();
  return latencies;
}
