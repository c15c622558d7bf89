import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { rawExchange, startRecordingOrigin, startTestGate } from "./harness.ts";

const untilHead = (text: string) => text.includes("\r\n\r\n");
const statusOf = (answer: string) => Number(answer.slice(9, 12));

describe("framing, statuses and smuggling (finding 11)", async () => {
  const origin = startRecordingOrigin();
  const port = origin.server.port;
  const target = `http://app.gate.test:${port}`;
  const gate = await startTestGate({
    allow: ["app.gate.test"],
    deny: ["denied.gate.test"],
    allow_cidrs: ["127.0.0.0/8"],
    routes: [{ name: "r", upstream: origin.url, inject: { header: "authorization", value: "Bearer ${TOKEN}" } }],
  }, { TOKEN: "route-token-abcdef0123456789" });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.server.stop(true);
  });

  test.each([
    ["two identical Content-Length", `POST ${target}/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd`, 400],
    ["Content-Length and Transfer-Encoding", `POST ${target}/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
    ["Transfer-Encoding xchunked", `POST ${target}/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`, 400],
    ["Transfer-Encoding chunked, identity", `POST ${target}/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`, 400],
    ["Transfer-Encoding twice", `POST ${target}/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
    ["an obs-folded Transfer-Encoding", `POST ${target}/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n`, 400],
    ["a space before the colon", `POST ${target}/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n`, 400],
    ["GET with a body", `GET ${target}/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd`, 400],
    ["HEAD with a chunked body", `HEAD ${target}/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n`, 400],
    ["GET with a body to a route", `GET /r/r/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd`, 400],
    ["a 20 KiB URL", `GET ${target}/${"a".repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
    ["a 1 MiB URL", `GET ${target}/${"a".repeat(1024 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
  ])("%s is refused (%d) before any upstream sees it, with one audit line", async (_, request, status) => {
    const before = origin.seen.length;
    const linesBefore = (await gate.auditLines()).length;
    const answer = await rawExchange(gate.port, request, 3_000, untilHead);
    expect(statusOf(answer)).toBe(status);
    expect(origin.seen.length).toBe(before);
    const lines = (await gate.auditLines()).slice(linesBefore);
    expect(lines.map((line) => [line.decision, line.status])).toEqual([["error", status]]);
  });

  test("a client that closes mid-body is one audit line, with no answer", async () => {
    const linesBefore = (await gate.auditLines()).length;
    const socket = net.connect(gate.port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    socket.write(`POST ${target}/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${"x".repeat(1000)}`);
    await Bun.sleep(100);
    socket.destroy();
    await Bun.sleep(200);
    const lines = (await gate.auditLines()).slice(linesBefore);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ decision: "error", reason: "client-closed", status: 0 });
  });

  test("a client that leaves while the upstream thinks is one audit line with status 0", async () => {
    const slow = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: async () => (await Bun.sleep(1_000), new Response("late")) });
    try {
      const linesBefore = (await gate.auditLines()).length;
      await rawExchange(gate.port, `GET http://app.gate.test:${slow.port}/slow HTTP/1.1\r\nHost: x\r\n\r\n`, 150);
      await Bun.sleep(300);
      const lines = (await gate.auditLines()).slice(linesBefore);
      expect(lines.map((line) => [line.path, line.decision, line.reason, line.status])).toEqual([["/slow", "error", "client-closed", 0]]);
    } finally {
      slow.stop(true);
    }
  });

  test("a pipelined second request gets its own policy decision", async () => {
    const answer = await rawExchange(
      gate.port,
      `GET ${target}/first HTTP/1.1\r\nHost: app.gate.test\r\n\r\nGET http://denied.gate.test:${port}/second HTTP/1.1\r\nHost: denied.gate.test\r\nConnection: close\r\n\r\n`,
      3_000,
    );
    expect(answer).toContain("HTTP/1.1 200");
    expect(answer).toContain("HTTP/1.1 403");
    expect(origin.seen.some((seen) => seen.url === "/second")).toBe(false);
  });

  describe("pipelined requests run one at a time, and a deep pipeline closes the connection", async () => {
    // The attack (a hunt for leaks, this round): one write of 300 pipelined requests made
    // 256 upstream exchanges in flight at once, one of 60,000 took the gate to 783 MiB.
    let inFlight = 0;
    let peak = 0;
    const paths: string[] = [];
    const slow = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(request) {
        paths.push(new URL(request.url).pathname);
        peak = Math.max(peak, ++inFlight);
        await Bun.sleep(30);
        inFlight--;
        return new Response(`answer ${new URL(request.url).pathname}`);
      },
    });
    afterAll(() => slow.stop(true));
    const pipeline = (count: number, last = "Connection: close\r\n") =>
      Array.from({ length: count }, (_, n) => `GET http://app.gate.test:${slow.port}/p${n} HTTP/1.1\r\nHost: x\r\n${n === count - 1 ? last : ""}\r\n`).join("");

    test("five in one write are each answered, in order, with one upstream exchange at a time", async () => {
      paths.length = 0;
      peak = 0;
      const answer = await rawExchange(gate.port, pipeline(5), 5_000, (text) => text.includes("answer /p4"));
      expect([...answer.matchAll(/answer (\/p\d)/g)].map((match) => match[1])).toEqual(["/p0", "/p1", "/p2", "/p3", "/p4"]);
      expect(paths).toEqual(["/p0", "/p1", "/p2", "/p3", "/p4"]);
      expect(peak).toBe(1);
    });

    test("300 in one write close the connection: at most the first reaches the upstream, and it is audited once", async () => {
      paths.length = 0;
      peak = 0;
      const linesBefore = (await gate.auditLines()).length;
      await rawExchange(gate.port, pipeline(300), 1_500);
      await Bun.sleep(200);
      expect(peak).toBeLessThanOrEqual(1);
      expect(paths.length).toBeLessThanOrEqual(1);
      const lines = (await gate.auditLines()).slice(linesBefore);
      expect(lines.filter((line) => line.reason === "pipeline-too-deep")).toHaveLength(1);
    });
  });

  test("the absolute-form target wins over a mismatched Host", async () => {
    await rawExchange(gate.port, `GET ${target}/host-check HTTP/1.1\r\nHost: denied.gate.test\r\nConnection: close\r\n\r\n`, 3_000, (text) => text.includes("bytes)"));
    expect(origin.seen.at(-1)).toMatchObject({ url: "/host-check", headers: { host: `app.gate.test:${port}` } });
  });

  test("a WebSocket upgrade through a forward request is never switched to a raw tunnel", async () => {
    const answer = await rawExchange(
      gate.port,
      `GET ${target}/ws HTTP/1.1\r\nHost: app.gate.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      2_000,
      untilHead,
    );
    expect(statusOf(answer)).not.toBe(101);
    const seen = origin.seen.at(-1)!;
    expect(seen.url).toBe("/ws");
    expect(seen.headers.upgrade).toBeUndefined();
  });

  test("`Connection` naming the injected header cannot strip the route's credential", async () => {
    await rawExchange(gate.port, "GET /r/r/conn HTTP/1.1\r\nHost: x\r\nConnection: authorization, x-bottle-block, close\r\n\r\n", 3_000, (text) => text.includes("bytes)"));
    expect(origin.seen.at(-1)).toMatchObject({ url: "/conn", headers: { authorization: "Bearer route-token-abcdef0123456789" } });
  });
});
