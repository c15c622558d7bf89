import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { curl, startRecordingOrigin, startTestGate } from "./harness.ts";

/** Sends a request head announcing `length` body bytes and then `sent` of them; keeps the socket open. */
async function stalledBody(gatePort: number, url: string, length: number, sent: number): Promise<{ socket: net.Socket; answer: () => string; closed: Promise<void> }> {
  const socket = net.connect(gatePort, "127.0.0.1");
  let answer = "";
  socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  socket.write(`POST ${url} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${length}\r\n\r\n`);
  socket.write(Buffer.alloc(sent, "a"));
  return { socket, answer: () => answer, closed };
}

/** Resolves once `check` holds, polling; gives up after `ms`. */
async function eventually(check: () => boolean, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await Bun.sleep(20);
  }
  return check();
}

describe("bounded request-body prefixes (finding 4)", async () => {
  const origin = startRecordingOrigin();
  const url = `http://app.gate.test:${origin.server.port}/upload`;
  // A 1 MiB gate-wide budget, a 400 ms idle deadline and a 1.5 s whole-prefix one stand in for 32 MiB, 30 s and 120 s.
  const gate = await startTestGate({ allow: ["app.gate.test"], allow_cidrs: ["127.0.0.0/8"] }, {}, undefined, undefined, {
    prefixBudget: 1024 * 1024,
    bodyIdleMs: 400,
    bodyDeadlineMs: 1_500,
  });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.server.stop(true);
  });

  test("a body that stalls while its prefix is read gets 408 after the idle deadline, and one audit line", async () => {
    const stalled = await stalledBody(gate.port, url, 500_000, 1_000);
    expect(await eventually(() => stalled.answer().startsWith("HTTP/1.1 408"), 3_000)).toBe(true);
    await stalled.closed;
    const lines = (await gate.auditLines()).filter((line) => line.path === "/upload");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ decision: "error", reason: "body-timeout", status: 408 });
  });

  test("a body that trickles (a byte well inside the idle deadline each time) gets 408 body-too-slow at the whole-prefix deadline and gives its budget back (round 2: it held it for good)", async () => {
    const trickling = await stalledBody(gate.port, url, 900_000, 10);
    const drip = setInterval(() => trickling.socket.write("x"), 150);
    try {
      // Its share (900 KB of the 1 MiB budget) keeps a second body out while it lasts…
      const second = await stalledBody(gate.port, url, 300_000, 10);
      expect(await eventually(() => second.answer().startsWith("HTTP/1.1 503"), 1_000)).toBe(true);
      // …until the deadline ends it.
      expect(await eventually(() => trickling.answer().startsWith("HTTP/1.1 408"), 3_000)).toBe(true);
    } finally {
      clearInterval(drip);
    }
    await trickling.closed;
    const line = (await gate.auditLines()).filter((entry) => entry.reason === "body-too-slow");
    expect(line).toHaveLength(1);
    expect(line[0]).toMatchObject({ decision: "error", status: 408 });
    const file = join(await mkdtemp(join(tmpdir(), "gate-bounds-")), "body");
    await Bun.write(file, "x".repeat(300_000));
    const ok = await curl(["-x", gate.proxy, "--data-binary", `@${file}`, "-H", "content-type: text/plain", url]);
    await rm(dirname(file), { recursive: true, force: true });
    expect(ok.status).toBe(200);
  });

  test("beyond the gate-wide budget a stalled body gets 503 busy; the budget comes back when bodies end", async () => {
    const busyBefore = (await gate.auditLines()).filter((line) => line.reason === "busy").length;
    // Each body's share (its length, up to the 1 MiB scanned prefix) is taken when it starts.
    const holders = [await stalledBody(gate.port, url, 450_000, 300_000), await stalledBody(gate.port, url, 450_000, 300_000)];
    await Bun.sleep(100);
    const third = await stalledBody(gate.port, url, 450_000, 1_000);
    expect(await eventually(() => third.answer().startsWith("HTTP/1.1 503"), 3_000)).toBe(true);
    expect(third.answer().toLowerCase()).toContain("connection: close");
    for (const holder of holders) expect(holder.answer()).toBe("");
    for (const holder of holders) holder.socket.destroy();
    await Promise.all(holders.map((holder) => holder.closed));
    await Bun.sleep(50);
    // The same size of body now fits again, and reaches the origin whole.
    const file = join(await mkdtemp(join(tmpdir(), "gate-bounds-")), "body");
    await Bun.write(file, "x".repeat(600_000));
    const ok = await curl(["-x", gate.proxy, "--data-binary", `@${file}`, "-H", "content-type: text/plain", url]);
    await rm(dirname(file), { recursive: true, force: true });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe("origin saw POST /upload (600000 bytes)");
    const busy = (await gate.auditLines()).filter((line) => line.reason === "busy");
    expect(busy).toHaveLength(busyBefore + 1);
    expect(busy.at(-1)).toMatchObject({ decision: "error", status: 503 });
  });
});

describe("a body's share of the budget is not held for the rest of the exchange", async () => {
  // An origin that answers at once and keeps the answer open (a stream, a long poll).
  const opened: http.ServerResponse[] = [];
  const holding = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("streaming\n");
    opened.push(res);
  });
  await new Promise<void>((resolve) => holding.listen(0, "127.0.0.1", resolve));
  const holdingPort = (holding.address() as net.AddressInfo).port;
  const origin = startRecordingOrigin();
  const gate = await startTestGate({ allow: ["app.gate.test"], allow_cidrs: ["127.0.0.0/8"] }, {}, undefined, undefined, { prefixBudget: 1024 * 1024 });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    for (const res of opened) res.destroy();
    holding.close();
    origin.server.stop(true);
  });

  test("bodies sent to an origin that answered and streams on give their share back: the next body is not refused busy", async () => {
    // The attack (a hunt, this round): the share came back only when the exchange ended,
    // so answers kept open held the whole budget and every later body got 503 busy.
    const holders = [];
    for (let index = 0; index < 3; index++) {
      const holder = await stalledBody(gate.port, `http://app.gate.test:${holdingPort}/hold`, 600_000, 600_000);
      expect(await eventually(() => holder.answer().startsWith("HTTP/1.1 200"), 5_000)).toBe(true);
      holders.push(holder);
    }
    const file = join(await mkdtemp(join(tmpdir(), "gate-bounds-")), "body");
    await Bun.write(file, "x".repeat(600_000));
    const next = await curl(["-x", gate.proxy, "--data-binary", `@${file}`, "-H", "content-type: text/plain", `http://app.gate.test:${origin.server.port}/upload`]);
    await rm(dirname(file), { recursive: true, force: true });
    expect(next.status).toBe(200);
    expect(next.body).toBe("origin saw POST /upload (600000 bytes)");
    for (const holder of holders) holder.socket.destroy();
  });
});
