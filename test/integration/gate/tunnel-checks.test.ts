import { afterAll, describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import net from "node:net";
import tls from "node:tls";
import { blockReason, clientHello, curl, makeTlsMaterial, startTestGate, tlsRecord } from "./harness.ts";

const SECRET = "held-secret-value-0123456789abcdef";

/** A TCP origin that records every byte it receives and never answers. */
function startRawOrigin() {
  const received: Buffer[] = [];
  const server = net.createServer((socket) => {
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", () => {});
  });
  return new Promise<{ port: number; bytes: () => Buffer; close: () => void }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ port: (server.address() as net.AddressInfo).port, bytes: () => Buffer.concat(received), close: () => server.close() }),
    ),
  );
}

/** CONNECT, wait for 200, send `bytes`, and resolve once the gate closes the tunnel (or after `waitMs`). */
function tunnelThenSend(gatePort: number, target: string, bytes: Buffer[], waitMs = 3_000): Promise<{ connect: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(gatePort, "127.0.0.1");
    let connect = "";
    const timer = setTimeout(() => (socket.destroy(), resolve({ connect, closed: false })), waitMs);
    socket.on("error", () => {});
    socket.on("close", () => (clearTimeout(timer), resolve({ connect, closed: true })));
    socket.once("data", async (chunk: Buffer) => {
      connect = chunk.toString("latin1").split("\r\n")[0]!;
      for (const piece of bytes) {
        socket.write(piece);
        await Bun.sleep(30);
      }
    });
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  });
}

describe("tunnels carry only TLS to the ports the policy names (finding 1)", async () => {
  const raw = await startRawOrigin();
  const material = await makeTlsMaterial();
  const ca = await Bun.file(material.caFile).text();
  const secure = tls.createServer({ cert: await Bun.file(material.certFile).text(), key: await Bun.file(material.keyFile).text() }, (socket) => {
    socket.on("data", (chunk) => socket.write(chunk));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
  const securePort = (secure.address() as net.AddressInfo).port;
  const gate = await startTestGate(
    {
      allow: ["bare.gate.test", `raw.gate.test:${raw.port}`, `origin.gate.test:443,${securePort}`, `127.0.0.1:${securePort}`],
      allow_cidrs: ["127.0.0.0/8"],
      // The tunnel checks bind opaque tunnels: inspection (the manifest's default) would terminate TLS here instead.
      tls: { inspect: false, passthrough: [] },
      routes: [{ name: "r", upstream: `http://route.gate.test:${raw.port}/base`, inject: { header: "authorization", value: "${TOKEN}" } }],
    },
    { TOKEN: SECRET },
  );
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    raw.close();
    secure.close();
    await rm(material.dir, { recursive: true, force: true });
  });

  test("an allowed host without named ports tunnels to 443 only: the review's `curl -p` to :8001 gets 403", async () => {
    const result = await curl(["-x", gate.proxy, "-p", `http://bare.gate.test:${raw.port}/x?d=${SECRET}`]);
    expect(result.connectStatus).toBe(403);
    expect(blockReason(result)).toBe("port-not-allowed");
    // Plain HTTP to the same host and port is scanned whole, and refused for the secret.
    const plain = await curl(["-x", gate.proxy, `http://bare.gate.test:${raw.port}/x?d=${SECRET}`]);
    expect(plain.status).toBe(403);
    expect(blockReason(plain)).toBe("dlp:held-secret");
    expect(raw.bytes().toString("latin1")).not.toContain(SECRET);
  });

  test("plaintext into a tunnel is closed before the upstream sees a byte (tunnel-not-tls)", async () => {
    const before = raw.bytes().length;
    const { connect, closed } = await tunnelThenSend(gate.port, `raw.gate.test:${raw.port}`, [Buffer.from(`GET /x?d=${SECRET} HTTP/1.1\r\nHost: raw\r\n\r\n`)]);
    expect(connect).toBe("HTTP/1.1 200 Connection Established");
    expect(closed).toBe(true);
    expect(raw.bytes().length).toBe(before);
    const line = (await gate.auditLines()).filter((entry) => entry.method === "CONNECT").at(-1);
    expect(line).toMatchObject({ decision: "block", reason: "tunnel-not-tls", bytes_up: 0 });
  });

  test("a ClientHello for another name is closed unsent (sni-mismatch)", async () => {
    const before = raw.bytes().length;
    const { closed } = await tunnelThenSend(gate.port, `raw.gate.test:${raw.port}`, [clientHello("evil.example")]);
    expect(closed).toBe(true);
    expect(raw.bytes().length).toBe(before);
    expect((await gate.auditLines()).at(-1)).toMatchObject({ method: "CONNECT", decision: "block", reason: "sni-mismatch" });
    // No SNI at all, to a name: the same.
    await tunnelThenSend(gate.port, `raw.gate.test:${raw.port}`, [clientHello(undefined)]);
    expect((await gate.auditLines()).at(-1)).toMatchObject({ reason: "sni-mismatch" });
  });

  test("a ClientHello with Encrypted Client Hello (a fronted inner name) is refused even with the right outer SNI", async () => {
    const ech = Buffer.from([0xfe, 0x0d, 0x00, 0x04, 0x00, 0x00, 0x01, 0x02]);
    const { closed } = await tunnelThenSend(gate.port, `raw.gate.test:${raw.port}`, [clientHello("raw.gate.test", [ech])]);
    expect(closed).toBe(true);
    expect((await gate.auditLines()).at(-1)).toMatchObject({ reason: "sni-mismatch" });
  });

  test("a real TLS client naming another host through the tunnel fails its handshake", async () => {
    const socket = net.connect(gate.port, "127.0.0.1");
    await new Promise<void>((resolve) => {
      socket.once("data", () => resolve());
      socket.write(`CONNECT origin.gate.test:${securePort} HTTP/1.1\r\nHost: x\r\n\r\n`);
    });
    const failed = await new Promise<boolean>((resolve) => {
      const client = tls.connect({ socket, servername: "localhost", ca }, () => resolve(false));
      client.on("error", () => resolve(true));
      client.on("close", () => resolve(true));
    });
    expect(failed).toBe(true);
    expect((await gate.auditLines()).at(-1)).toMatchObject({ reason: "sni-mismatch" });
  });

  test("a matching ClientHello followed by plaintext is cut at the plaintext", async () => {
    const before = raw.bytes().length;
    const hello = clientHello("raw.gate.test");
    const { closed } = await tunnelThenSend(gate.port, `raw.gate.test:${raw.port}`, [hello, tlsRecord(Buffer.from("shaped")), Buffer.from(`POST /x HTTP/1.1\r\n\r\n${SECRET}`)]);
    expect(closed).toBe(true);
    const seen = raw.bytes().subarray(before);
    expect(seen.subarray(0, hello.length).equals(hello)).toBe(true);
    expect(seen.toString("latin1")).not.toContain(SECRET);
    expect((await gate.auditLines()).at(-1)).toMatchObject({ reason: "tunnel-not-tls" });
  });

  /** A verified TLS session through a tunnel to `target`, sending `servername`; resolves with the echo of "ping". */
  const tlsPing = async (target: string, servername: string | undefined): Promise<string> => {
    const socket = net.connect(gate.port, "127.0.0.1");
    await new Promise<void>((resolve) => {
      socket.once("data", () => resolve());
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
    });
    return new Promise<string>((resolve, reject) => {
      const options = servername === undefined ? { socket, ca, checkServerIdentity: () => undefined } : { socket, ca, servername };
      const client = tls.connect(options, () => client.write("ping"));
      client.once("data", (chunk: Buffer) => (resolve(chunk.toString()), client.destroy()));
      client.on("error", reject);
    });
  };

  test("real TLS with the CONNECT host as SNI passes, on a port the entry names", async () => {
    expect(await tlsPing(`origin.gate.test:${securePort}`, "origin.gate.test")).toBe("ping");
  });

  test("an IP-literal CONNECT may omit SNI", async () => {
    expect(await tlsPing(`127.0.0.1:${securePort}`, undefined)).toBe("ping");
  });

  test("a route's upstream host is reachable through the route only, not by CONNECT or forward", async () => {
    const tunnel = await curl(["-x", gate.proxy, "-p", `http://route.gate.test:${raw.port}/`]);
    expect(tunnel.connectStatus).toBe(403);
    expect(blockReason(tunnel)).toBe("not-allowed");
    const plain = await curl(["-x", gate.proxy, `http://route.gate.test:${raw.port}/admin`]);
    expect(plain.status).toBe(403);
    expect(blockReason(plain)).toBe("not-allowed");
  });

  test("CONNECT with userinfo, a bad port or an unbracketed IPv6 is 400", async () => {
    for (const target of [`user:pw@raw.gate.test:${raw.port}`, "raw.gate.test:0", "::1:443", "raw.gate.test"]) {
      const { connect } = await tunnelThenSend(gate.port, target, [], 1_000);
      expect(connect).toBe("HTTP/1.1 400 Bad Request");
    }
  });
});

describe("a tunnel that never sends its ClientHello", async () => {
  const raw = await startRawOrigin();
  // An opaque tunnel (inspection off), as the hello timeout is a tunnel check.
  const gate = await startTestGate({ allow: [`raw.gate.test:${raw.port}`], allow_cidrs: ["127.0.0.0/8"], tls: { inspect: false, passthrough: [] } }, {}, undefined, undefined, { helloTimeoutMs: 300 });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    raw.close();
  });

  test("is closed after the hello deadline and audited", async () => {
    const { closed } = await tunnelThenSend(gate.port, `raw.gate.test:${raw.port}`, [], 3_000);
    expect(closed).toBe(true);
    expect((await gate.auditLines()).at(-1)).toMatchObject({ method: "CONNECT", decision: "block", reason: "tunnel-no-hello" });
  });
});
