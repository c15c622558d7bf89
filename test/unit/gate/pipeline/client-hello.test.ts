import { expect, test } from "bun:test";
import net from "node:net";
import tls from "node:tls";
import { readClientHello } from "../../../../src/gate/pipeline/client-hello.ts";
import { TlsRecordGuard } from "../../../../src/gate/pipeline/tls-record-guard.ts";

/** The first bytes a real TLS client (Bun's node:tls) sends, with `servername`. */
async function realHello(servername: string | undefined): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const first = new Promise<Buffer>((resolve) => server.once("connection", (socket) => socket.once("data", resolve)));
  const client = tls.connect({ host: "127.0.0.1", port, ...(servername ? { servername } : {}), rejectUnauthorized: false });
  client.on("error", () => {});
  const bytes = await first;
  client.destroy();
  server.close();
  return bytes;
}

test("a real ClientHello's SNI is read, whole or arriving in pieces", async () => {
  const hello = await realHello("api.example.com");
  expect(readClientHello(hello)).toEqual({ state: "hello", sni: "api.example.com", hidden: false });
  for (const cut of [1, 5, 6, 40, hello.length - 1]) expect(readClientHello(hello.subarray(0, cut)).state).toBe("need-more");
  expect(new TlsRecordGuard().accept(hello)).toBe(true);
});

test("a real ClientHello to an address carries no SNI", async () => {
  expect(readClientHello(await realHello(undefined))).toEqual({ state: "hello", sni: undefined, hidden: false });
});

test.each([
  ["plaintext HTTP", Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n")],
  ["SSH", Buffer.from("SSH-2.0-OpenSSH_9.2\r\n")],
  ["an alert record", Buffer.from([21, 3, 3, 0, 2, 2, 40])],
  ["a ServerHello", Buffer.from([22, 3, 3, 0, 4, 2, 0, 0, 0])],
  ["a record version 2.0", Buffer.from([22, 2, 0, 0, 4, 1, 0, 0, 0])],
])("%s is not TLS", (_, bytes) => {
  expect(readClientHello(bytes).state).toBe("not-tls");
});

test("the record guard refuses plaintext after records, even split across chunks", () => {
  const guard = new TlsRecordGuard();
  expect(guard.accept(Buffer.from([23, 3, 3, 0, 3, 1]))).toBe(true);
  expect(guard.accept(Buffer.from([2, 3, 23, 3]))).toBe(true);
  expect(guard.accept(Buffer.from([3, 0, 1, 9]))).toBe(true);
  expect(guard.accept(Buffer.from("GET / HTTP/1.1\r\n"))).toBe(false);
});

test("mutated and truncated ClientHellos never throw", async () => {
  const hello = await realHello("api.example.com");
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let round = 0; round < 5_000; round++) {
    const mutated = Buffer.from(hello.subarray(0, 1 + Math.floor(random() * hello.length)));
    for (let flips = 0; flips < 3; flips++) mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
    expect(["need-more", "hello", "not-tls"]).toContain(readClientHello(mutated).state);
  }
});
