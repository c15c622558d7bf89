import { afterAll, describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import net from "node:net";
import tls from "node:tls";
import { startTestGate } from "../harness.ts";
import { makeOriginMaterial, startTlsOrigin } from "./tls-origin.ts";

/** CONNECT through the gate, then node's TLS client trusting the gate's CA: an inspected tunnel. */
async function tunnel(gatePort: number, host: string, port: number, ca: string): Promise<tls.TLSSocket> {
  const raw = net.connect({ host: "127.0.0.1", port: gatePort });
  await new Promise<void>((resolve, reject) => raw.once("connect", resolve).once("error", reject));
  raw.write(`CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);
  const answer = await new Promise<string>((resolve) => raw.once("data", (chunk: Buffer) => resolve(chunk.toString())));
  expect(answer).toStartWith("HTTP/1.1 200");
  const socket = tls.connect({ socket: raw, servername: host, ca, ALPNProtocols: ["http/1.1"] });
  await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
  socket.on("error", () => {});
  return socket;
}

/** Sends one GET on `socket` and resolves with its answer's body once the whole answer came. */
function get(socket: tls.TLSSocket, host: string, path: string): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? -1);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0 && length >= 0 && text.length >= end + 4 + length) {
        socket.off("data", onData);
        resolve(text.slice(end + 4));
      }
    };
    socket.on("data", onData);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
  });
}

/** Resolves with how long `socket` stayed open, or `undefined` if it still was after `ms`. */
function closedWithin(socket: tls.TLSSocket, ms: number): Promise<number | undefined> {
  const started = performance.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
}

// Review round 2, finding 8: after its first request, an inspected tunnel had no
// deadline at all; a partial second request kept it (and its TLS state) open for good.
describe("inspected tunnels between requests (standalone gate, node's TLS client)", async () => {
  const material = await makeOriginMaterial(["origin.gate.test"]);
  const origin = startTlsOrigin(material);
  const host = `origin.gate.test:${origin.port}`;
  const gate = await startTestGate({ allow: [host], allow_cidrs: ["127.0.0.0/8"], tls: { inspect: true, passthrough: [] } }, {}, undefined, [
    await Bun.file(material.caFile).text(),
  ], { tunnelIdleMs: 600 });
  const ca = await (await fetch(`${gate.proxy}/tls/ca.pem`)).text();
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.stop();
    await rm(material.dir, { recursive: true, force: true });
  });

  test("a partial second request (headers never finished) is cut at the idle deadline", async () => {
    const socket = await tunnel(gate.port, "origin.gate.test", origin.port, ca);
    expect(await get(socket, host, "/one")).toBe("origin saw GET /one (0 bytes)");
    socket.write(`GET /two HTTP/1.1\r\nHost: ${host}\r\nX-Slow: ${"a".repeat(8000)}`);
    // Trickled on, a byte every 200 ms: activity does not buy time, only a whole head does.
    const trickle = setInterval(() => socket.write("a"), 200);
    const open = await closedWithin(socket, 5_000);
    clearInterval(trickle);
    socket.destroy();
    expect(open).toBeDefined();
    expect(origin.seen.some((seen) => seen.url === "/two")).toBe(false);
  });

  test("an idle kept-alive tunnel is closed after the deadline, and one in use is not", async () => {
    const idle = await tunnel(gate.port, "origin.gate.test", origin.port, ca);
    expect(await get(idle, host, "/idle")).toBe("origin saw GET /idle (0 bytes)");
    expect(await closedWithin(idle, 5_000)).toBeDefined();

    // Requests 300 ms apart for 1.8 s (three times the deadline) all go on one tunnel.
    const busy = await tunnel(gate.port, "origin.gate.test", origin.port, ca);
    let closed = false;
    busy.once("close", () => (closed = true));
    for (let index = 0; index < 6; index++) {
      expect(await get(busy, host, `/busy-${index}`)).toBe(`origin saw GET /busy-${index} (0 bytes)`);
      await Bun.sleep(300);
    }
    expect(closed).toBe(false);
    busy.destroy();
  });
  test("inside an inspected tunnel too, a deep pipeline closes it and reaches the origin at most once", async () => {
    // The attack (a hunt for leaks, this round): the inner server, like the proxy port's,
    // ran every pipelined request of one write at once.
    const socket = await tunnel(gate.port, "origin.gate.test", origin.port, ca);
    const before = origin.seen.length;
    socket.write(Array.from({ length: 200 }, (_, n) => `GET /deep${n} HTTP/1.1\r\nHost: ${host}\r\n\r\n`).join(""));
    expect(await closedWithin(socket, 3_000)).toBeDefined();
    await Bun.sleep(200);
    expect(origin.seen.length - before).toBeLessThanOrEqual(1);
    expect((await gate.auditLines()).filter((line) => line.reason === "pipeline-too-deep")).toHaveLength(1);
  });
});
