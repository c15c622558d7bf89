import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { startTestGate } from "./harness.ts";

const TOTAL = 128 * 1024 * 1024;

/** Resolves once `read()` has not changed for `quietMs` (the pipeline has stopped moving). */
async function settled(read: () => number, quietMs = 500): Promise<number> {
  let last = -1;
  while (read() !== last) {
    last = read();
    await Bun.sleep(quietMs);
  }
  return last;
}

describe("backpressure through a CONNECT tunnel", async () => {
  // A raw TCP origin that writes 128 MiB only as fast as its socket drains, so
  // `produced` is what the path towards the client actually accepted.
  let produced = 0;
  const origin = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => {
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (produced < TOTAL) {
          produced += chunk.length;
          if (!socket.write(chunk)) return void socket.once("drain", pump);
        }
        socket.end();
      };
      pump();
    });
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const port = (origin.address() as net.AddressInfo).port;
  const gate = await startTestGate({ allow: ["*.gate.test"], allow_cidrs: ["127.0.0.0/8"] });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.close();
  });

  test("a client that stops reading stops the origin, instead of the gate buffering the stream", async () => {
    const socket = net.connect(gate.port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    let answered = false;
    let received = 0;
    socket.on("data", (chunk: Buffer) => {
      if (!answered) {
        answered = true;
        socket.write("start");
        return;
      }
      received += chunk.length;
      // Take the first bytes, then stop reading altogether.
      socket.pause();
    });
    socket.write(`CONNECT big.gate.test:${port} HTTP/1.1\r\nHost: big.gate.test:${port}\r\n\r\n`);
    const stalledAt = await settled(() => produced);
    // Socket buffers on both hops hold some megabytes; a tunnel without backpressure
    // would have taken all 128 MiB into the gate's memory by now.
    expect(received).toBeGreaterThan(0);
    expect(stalledAt).toBeLessThan(TOTAL / 4);
    socket.destroy();
  }, 30_000);
});
