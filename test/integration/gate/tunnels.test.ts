import { afterAll, describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import net from "node:net";
import { dirname } from "node:path";
import tls from "node:tls";
import { makeTlsMaterial, startTestGate } from "./harness.ts";

/** Opens a CONNECT tunnel by hand; resolves with the socket once the gate answered 200. */
function openTunnel(gatePort: number, target: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(gatePort, "127.0.0.1");
    socket.once("error", reject);
    socket.once("data", (chunk: Buffer) => {
      if (chunk.toString("latin1").startsWith("HTTP/1.1 200")) resolve(socket);
      else reject(new Error(chunk.toString("latin1").split("\r\n")[0]));
    });
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  });
}

/** Opens a tunnel and speaks real TLS through it to the echo server, verified against `ca`. */
async function openTlsTunnel(gatePort: number, target: string, ca: string): Promise<tls.TLSSocket> {
  const raw = await openTunnel(gatePort, target);
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket: raw, servername: target.split(":")[0], ca }, () => resolve(secure));
    secure.once("error", reject);
  });
}

/** Sends `payload` through a tunnel to the echo server and collects the same number of bytes back. */
function roundTrip(socket: net.Socket | tls.TLSSocket, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= payload.length) {
        socket.off("data", onData);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on("data", onData);
    socket.write(payload);
  });
}

const closed = (socket: net.Socket | tls.TLSSocket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve())));

describe("CONNECT tunnels", async () => {
  const material = await makeTlsMaterial();
  const ca = await Bun.file(material.caFile).text();
  const upstreamSockets = new Set<net.Socket>();
  // A TLS echo origin: tunnels carry only TLS, so the test speaks it end to end.
  const echoServer = tls.createServer({ cert: await Bun.file(material.certFile).text(), key: await Bun.file(material.keyFile).text() }, (socket) => {
    upstreamSockets.add(socket);
    socket.on("close", () => upstreamSockets.delete(socket));
    socket.on("data", (chunk) => {
      if (chunk.toString() === "close-now") socket.end();
      else socket.write(chunk);
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => echoServer.listen(0, "127.0.0.1", resolve));
  const echoPort = (echoServer.address() as net.AddressInfo).port;
  const target = `origin.gate.test:${echoPort}`;
  // Opaque tunnels (inspection off): what these tests check is the tunnel itself.
  const gate = await startTestGate({ allow: [target], allow_cidrs: ["127.0.0.0/8"], tls: { inspect: false, passthrough: [] } });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    echoServer.close();
    await rm(material.dir, { recursive: true, force: true });
  });

  test("100 concurrent tunnels each carry 256 KiB both ways intact", async () => {
    const tunnels = await Promise.all(Array.from({ length: 100 }, () => openTlsTunnel(gate.port, target, ca)));
    const results = await Promise.all(
      tunnels.map(async (socket, index) => {
        const payload = Buffer.alloc(256 * 1024, index % 251);
        const echoed = await roundTrip(socket, payload);
        return echoed.equals(payload);
      }),
    );
    expect(results.every(Boolean)).toBe(true);
    for (const socket of tunnels) socket.destroy();
  }, 60_000);

  test("a client hanging up closes its upstream connection", async () => {
    const socket = await openTlsTunnel(gate.port, target, ca);
    await roundTrip(socket, Buffer.from("hello"));
    const before = upstreamSockets.size;
    expect(before).toBeGreaterThan(0);
    const upstream = [...upstreamSockets].at(-1)!;
    socket.destroy();
    await closed(upstream);
    expect(upstreamSockets.has(upstream)).toBe(false);
  });

  test("an upstream hanging up closes the client's tunnel after delivering what it sent", async () => {
    const socket = await openTlsTunnel(gate.port, target, ca);
    await roundTrip(socket, Buffer.from("last words"));
    socket.write("close-now");
    await closed(socket);
    expect(socket.destroyed).toBe(true);
  });

  test("shutdown stops accepting and cuts tunnels still open after the grace period", async () => {
    const own = await startTestGate({ allow: [target], allow_cidrs: ["127.0.0.0/8"], tls: { inspect: false, passthrough: [] } });
    const socket = await openTlsTunnel(own.port, target, ca);
    await roundTrip(socket, Buffer.from("still here"));
    await own.close(200);
    await closed(socket);
    const refused = await new Promise<boolean>((resolve) => {
      const probe = net.connect(own.port, "127.0.0.1");
      probe.once("connect", () => (probe.destroy(), resolve(false)));
      probe.once("error", () => resolve(true));
    });
    expect(refused).toBe(true);
    await rm(dirname(own.auditFile), { recursive: true, force: true });
  });
});
