import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import * as v from "valibot";
import { GateConfigSchema } from "../../../src/gate/config-schema.ts";
import { blockReason, clientHello, curl, rawExchange, startTestGate, tlsRecord } from "./harness.ts";

/** Opens a CONNECT tunnel by hand and returns the socket once the gate said 200. */
function openTunnel(gatePort: number, target: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(gatePort, "127.0.0.1");
    socket.once("error", reject);
    socket.once("data", (chunk: Buffer) => {
      const answer = chunk.toString("latin1");
      if (answer.startsWith("HTTP/1.1 200")) resolve(socket);
      else reject(new Error(answer.split("\r\n")[0]));
    });
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  });
}

/** Writes bytes into the tunnel and waits for their echo. */
function echoBytes(socket: net.Socket, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      if (Buffer.concat(chunks).length < bytes.length) return;
      socket.off("data", onData);
      resolve(Buffer.concat(chunks));
    };
    socket.on("data", onData);
    socket.write(bytes);
  });
}

/** Writes a line into the tunnel as a TLS record (tunnels carry only TLS) and waits for the echo. */
async function echo(socket: net.Socket, line: string): Promise<string> {
  return (await echoBytes(socket, tlsRecord(Buffer.from(line)))).subarray(5).toString();
}

describe("live reload", async () => {
  const echoServer = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echoServer.listen(0, "127.0.0.1", resolve));
  const echoPort = (echoServer.address() as net.AddressInfo).port;
  const gate = await startTestGate({ allow: [`echo.gate.test:${echoPort}`], allow_cidrs: ["127.0.0.0/8"] });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    echoServer.close();
  });

  test("an open tunnel keeps working; the new policy applies to new requests", async () => {
    const tunnel = await openTunnel(gate.port, `echo.gate.test:${echoPort}`);
    const hello = clientHello("echo.gate.test");
    expect((await echoBytes(tunnel, hello)).equals(hello)).toBe(true);
    expect(await echo(tunnel, "before")).toBe("before");

    gate.reload(v.parse(GateConfigSchema, { listen: "127.0.0.1:0", egress: { allow: [`other.gate.test:${echoPort}`], allow_cidrs: ["127.0.0.0/8"] } }));

    expect(await echo(tunnel, "after")).toBe("after");
    const fresh = await curl(["-x", gate.proxy, `https://echo.gate.test:${echoPort}/`]);
    expect(fresh.connectStatus).toBe(403);
    expect(blockReason(fresh)).toBe("not-allowed");
    const answer = await rawExchange(gate.port, `CONNECT other.gate.test:${echoPort} HTTP/1.1\r\nHost: x\r\n\r\n`, 5_000, (text) => text.includes("\r\n\r\n"));
    expect(answer).toStartWith("HTTP/1.1 200");
    tunnel.destroy();
  });
});
