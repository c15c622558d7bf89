import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { clientHello, makeTlsMaterial, startTestGate } from "./harness.ts";

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

/** Writes `size` bytes to `socket` as fast as it drains; `sent` is how many it took so far. */
function uploading(socket: net.Socket, size: number): { sent: () => number } {
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024);
  const pump = () => {
    while (sent < size && !socket.destroyed) {
      sent += chunk.length;
      if (!socket.write(chunk)) return void socket.once("drain", pump);
    }
  };
  pump();
  return { sent: () => sent };
}

/** What a {@link countingOrigin} has sent of its GET answers and read of its POST bodies. */
interface Counts {
  produced: number;
  consumed: number;
}

/**
 * An origin's handler that writes `size` bytes to a GET only as fast as its socket
 * drains (`produced` is how far the path towards the client took them) and reads the
 * first megabyte of a POST's body, then stops reading.
 */
function countingOrigin(size: number, counts: Counts): http.RequestListener {
  return (req, res) => {
    if (req.method === "POST") {
      req.on("data", (chunk: Buffer) => {
        counts.consumed += chunk.length;
        if (counts.consumed > 1024 * 1024) req.pause();
      });
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" });
    const chunk = Buffer.alloc(64 * 1024);
    const pump = () => {
      while (counts.produced < size) {
        counts.produced += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    pump();
  };
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
  const gate = await startTestGate({ allow: [`big.gate.test:${port}`], allow_cidrs: ["127.0.0.0/8"] });
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
        // A tunnel opens with a ClientHello for its host; the origin starts on any byte.
        socket.write(clientHello("big.gate.test"));
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

/**
 * Plain HTTP (absolute-form and routes) pauses the far side too. This needs Bun 1.4:
 * on 1.3.14 `fetch` read a response body off the socket however slowly its stream was
 * read (oven-sh/bun#32471, fixed by oven-sh/bun#29831), and the `node:http` server kept
 * reading a request body after `req.pause()`. The gate's own writes wait for 'drain'.
 */
describe("backpressure through a plain HTTP request", async () => {
  // Socket buffers on both hops, loopback's autotuning and the 1 MiB DLP prefix hold
  // tens of MiB (18–44 MiB measured, more under load); without backpressure all of
  // SIZE moves, so a quarter of it tells the two apart.
  const SIZE = 256 * 1024 * 1024;
  const counts: Counts = { produced: 0, consumed: 0 };
  const origin = http.createServer(countingOrigin(SIZE, counts));
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const port = (origin.address() as net.AddressInfo).port;
  // The route injects a held secret, so its responses pass through the redacting stream.
  const gate = await startTestGate(
    {
      allow: ["*.gate.test"],
      allow_cidrs: ["127.0.0.0/8"],
      routes: [{ name: "big", upstream: `http://127.0.0.1:${port}`, inject: { header: "authorization", value: "Bearer ${TOKEN}" } }],
    },
    { TOKEN: "backpressure-token-0123456789" },
  );
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.closeAllConnections();
    origin.close();
  });

  test("a client that stops reading a redacted route download stops the origin", async () => {
    counts.produced = 0;
    const socket = net.connect(gate.port, "127.0.0.1");
    try {
      await new Promise<void>((resolve) => socket.once("connect", resolve));
      socket.on("error", () => {});
      socket.on("data", () => socket.pause());
      socket.write("GET /r/big/ HTTP/1.1\r\nHost: gate\r\n\r\n");
      expect(await settled(() => counts.produced)).toBeLessThan(SIZE / 4);
    } finally {
      socket.destroy();
    }
  }, 30_000);

  test("a client that stops reading a download stops the origin", async () => {
    counts.produced = 0;
    const socket = net.connect(gate.port, "127.0.0.1");
    try {
      await new Promise<void>((resolve) => socket.once("connect", resolve));
      socket.on("error", () => {});
      socket.on("data", () => socket.pause());
      socket.write(`GET http://big.gate.test:${port}/ HTTP/1.1\r\nHost: big.gate.test:${port}\r\n\r\n`);
      expect(await settled(() => counts.produced)).toBeLessThan(SIZE / 4);
    } finally {
      socket.destroy();
    }
  }, 30_000);

  test("an origin that stops reading an upload stops the client", async () => {
    const socket = net.connect(gate.port, "127.0.0.1");
    try {
      await new Promise<void>((resolve) => socket.once("connect", resolve));
      socket.on("error", () => {});
      socket.write(`POST http://big.gate.test:${port}/ HTTP/1.1\r\nHost: big.gate.test:${port}\r\nContent-Length: ${SIZE}\r\n\r\n`);
      const upload = uploading(socket, SIZE);
      expect(await settled(upload.sent)).toBeLessThan(SIZE / 4);
    } finally {
      socket.destroy();
    }
  }, 30_000);
});

/**
 * Inside an inspected tunnel the gate's TLS socket sits on the CONNECT socket, and on
 * Bun 1.4.5 it heeds neither side's backpressure by itself (see `carried-socket.ts`):
 * an agent that stopped reading grew the gate by ~240 MiB a second, an origin that
 * stopped reading an upload by ~400 (a hunt, this round).
 */
describe("backpressure through an inspected tunnel", async () => {
  const SIZE = 256 * 1024 * 1024;
  const material = await makeTlsMaterial();
  const counts: Counts = { produced: 0, consumed: 0 };
  const origin = https.createServer({ cert: readFileSync(material.certFile), key: readFileSync(material.keyFile) }, countingOrigin(SIZE, counts));
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const port = (origin.address() as net.AddressInfo).port;
  const gate = await startTestGate(
    { allow: [`origin.gate.test:${port}`], allow_cidrs: ["127.0.0.0/8"], tls: { inspect: true } },
    {},
    undefined,
    [readFileSync(material.caFile, "utf8")],
  );
  const gateCa = await (await fetch(`${gate.proxy}/tls/ca.pem`)).text();
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.closeAllConnections();
    origin.close();
    await rm(material.dir, { recursive: true, force: true });
  });

  /** A TLS session with the gate inside a CONNECT tunnel to the origin. */
  const tunnel = async (): Promise<tls.TLSSocket> => {
    const raw = net.connect(gate.port, "127.0.0.1");
    raw.on("error", () => {});
    await new Promise<void>((resolve) => raw.once("connect", resolve));
    raw.write(`CONNECT origin.gate.test:${port} HTTP/1.1\r\nHost: origin.gate.test:${port}\r\n\r\n`);
    await new Promise((resolve) => raw.once("data", resolve));
    const secure = tls.connect({ socket: raw, ca: gateCa, servername: "origin.gate.test" });
    secure.on("error", () => {});
    await new Promise((resolve) => secure.once("secureConnect", resolve));
    return secure;
  };

  test("a client that stops reading a download stops the origin", async () => {
    counts.produced = 0;
    const secure = await tunnel();
    try {
      secure.on("data", () => secure.pause());
      secure.write(`GET /big HTTP/1.1\r\nHost: origin.gate.test:${port}\r\n\r\n`);
      expect(await settled(() => counts.produced)).toBeLessThan(SIZE / 4);
    } finally {
      secure.destroy();
    }
  }, 30_000);

  test("an origin that stops reading an upload stops the client", async () => {
    const secure = await tunnel();
    try {
      secure.write(`POST /upload HTTP/1.1\r\nHost: origin.gate.test:${port}\r\nContent-Length: ${SIZE}\r\n\r\n`);
      const upload = uploading(secure, SIZE);
      expect(await settled(upload.sent)).toBeLessThan(SIZE / 4);
    } finally {
      secure.destroy();
    }
  }, 30_000);
});
