import { afterAll, describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import net from "node:net";
import { blockReason, curl, makeTlsMaterial, rawExchange, startRecordingOrigin, startTestGate } from "./harness.ts";

// The gate needs no engine: these run wherever curl and openssl are installed.
describe("forward proxy through real curl", async () => {
  const origin = startRecordingOrigin();
  const tls = await makeTlsMaterial();
  const tlsOrigin = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: Bun.file(tls.certFile), key: Bun.file(tls.keyFile) },
    fetch: (request) => new Response(`tls origin saw ${new URL(request.url).pathname}`),
  });
  const gate = await startTestGate({
    allow: ["*.gate.test", "localhost", `origin.gate.test:${tlsOrigin.port}`],
    deny: ["blocked.gate.test"],
    allow_cidrs: ["127.0.0.0/8"],
  });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.server.stop(true);
    tlsOrigin.stop(true);
    await rm(tls.dir, { recursive: true, force: true });
  });

  test("a 502 names the host asked for, not the address the gate resolved it to", async () => {
    // A hunt, this round: Bun's fetch error named the URL it fetched, the checked address in it.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await curl(["-x", gate.proxy, `http://app.gate.test:${port}/admin`]);
    expect(result.status).toBe(502);
    expect(result.body).toContain("app.gate.test");
    expect(result.body).not.toContain("127.0.0.1");
  });

  test("plain GET reaches the origin with its Host, and the response comes back", async () => {
    const result = await curl(["-x", gate.proxy, `http://app.gate.test:${origin.server.port}/hello?q=1`]);
    expect(result.status).toBe(200);
    expect(result.body).toBe("origin saw GET /hello?q=1 (0 bytes)");
    expect(result.headers).toContain("x-origin: yes");
    const seen = origin.seen.at(-1)!;
    expect(seen.headers.host).toBe(`app.gate.test:${origin.server.port}`);
    expect(seen.headers["proxy-connection"]).toBeUndefined();
  });

  test("a POST body streams through whole", async () => {
    const body = "x".repeat(3 * 1024 * 1024);
    const file = `${tls.dir}/big.bin`;
    await Bun.write(file, body);
    const big = await curl(["-x", gate.proxy, "-H", "content-type: application/octet-stream", "--data-binary", `@${file}`, `http://app.gate.test:${origin.server.port}/big`]);
    expect(big.status).toBe(200);
    expect(big.body).toBe(`origin saw POST /big (${body.length} bytes)`);
    const chunked = await curl(["-x", gate.proxy, "-H", "transfer-encoding: chunked", "--data-binary", `@${file}`, `http://app.gate.test:${origin.server.port}/chunked`]);
    expect(chunked.body).toBe(`origin saw POST /chunked (${body.length} bytes)`);
  }, 30_000);

  test("keep-alive: two requests in one curl run share the client connection", async () => {
    const url = `http://app.gate.test:${origin.server.port}/a`;
    const result = await curl(["-v", "-x", gate.proxy, url, url]);
    expect(result.stderr).toMatch(/Re-using existing connection|reusing connection/i);
  });

  test("HTTPS via CONNECT to a TLS origin with its own CA", async () => {
    const result = await curl(["-x", gate.proxy, "--cacert", tls.caFile, `https://origin.gate.test:${tlsOrigin.port}/secure`]);
    expect(result.exitCode).toBe(0);
    expect(result.connectStatus).toBe(200);
    expect(result.body).toBe("tls origin saw /secure");
  });

  test("a denied name is 403 with X-Bottle-Block, for plain and CONNECT", async () => {
    const plain = await curl(["-x", gate.proxy, `http://blocked.gate.test:${origin.server.port}/`]);
    expect(plain.status).toBe(403);
    expect(blockReason(plain)).toBe("denied");
    expect(plain.body).toContain("blocked (denied)");
    const tunnel = await curl(["-x", gate.proxy, "--cacert", tls.caFile, `https://elsewhere.test:${tlsOrigin.port}/`]);
    expect(tunnel.connectStatus).toBe(403);
    expect(blockReason(tunnel)).toBe("not-allowed");
  });

  test("an unreachable upstream is 502 without X-Bottle-Block, for plain and CONNECT", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const plain = await curl(["-x", gate.proxy, `http://app.gate.test:${port}/`]);
    expect(plain.status).toBe(502);
    expect(blockReason(plain)).toBeUndefined();
    await using ported = await startTestGate({ allow: [`app.gate.test:${port}`], allow_cidrs: ["127.0.0.0/8"] });
    const tunnel = await curl(["-x", ported.proxy, `https://app.gate.test:${port}/`]);
    expect(tunnel.connectStatus).toBe(502);
    expect(blockReason(tunnel)).toBeUndefined();
    const unresolvable = await curl(["-x", gate.proxy, "http://nowhere.gate.test.invalid/"]);
    expect(unresolvable.status).toBe(403); // not allowed by name: policy answers before DNS
  });

  test("a name that does not resolve is 502 (upstream failure), not 403", async () => {
    await using wide = await startTestGate({ allow: ["*"] });
    const result = await curl(["-x", wide.proxy, "http://does-not-exist.invalid/"]);
    expect(result.status).toBe(502);
    expect(blockReason(result)).toBeUndefined();
  });

  test("malformed requests are 400", async () => {
    const untilStatus = (text: string) => text.includes("\r\n");
    // Rejected by the HTTP parser itself.
    expect(await rawExchange(gate.port, "GET / HTTP/1.1\r\nBad Header\r\n\r\n", 2_000, untilStatus)).toStartWith("HTTP/1.1 400");
    expect(await rawExchange(gate.port, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 2_000, untilStatus)).toStartWith("HTTP/1.1 400");
    expect(await rawExchange(gate.port, "\x16\x03\x01\x00\xa5\x01\x00", 2_000, untilStatus)).toStartWith("HTTP/1.1 400");
    // A lone word or spaced letters as the request line: answered, not left to time out.
    expect(await rawExchange(gate.port, "GARBAGE\r\n\r\n", 2_000, untilStatus)).toStartWith("HTTP/1.1 400");
    // A method, a target and no HTTP/1.x version reads as an unsupported version.
    expect(await rawExchange(gate.port, "G E T\r\n\r\n", 2_000, untilStatus)).toStartWith("HTTP/1.1 505");
    // Parsed, but meaningless to a proxy.
    expect(await rawExchange(gate.port, "CONNECT nohostport HTTP/1.1\r\nHost: x\r\n\r\n")).toStartWith("HTTP/1.1 400");
    expect(await rawExchange(gate.port, "CONNECT app.gate.test:99999 HTTP/1.1\r\nHost: x\r\n\r\n")).toStartWith("HTTP/1.1 400");
    expect(await rawExchange(gate.port, "GET https://app.gate.test/ HTTP/1.1\r\nHost: app.gate.test\r\nConnection: close\r\n\r\n")).toStartWith("HTTP/1.1 400");
  });

  test("a request Bun's parser refuses is audited with the status the client got, and none of its bytes", async () => {
    const statusOf = (answer: string) => Number(answer.slice(9, 12));
    const requests = [
      "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
      "hello world\r\n\r\n",
      "GET /secret-path HTTP/2.0\r\n\r\n",
      "GET /\r\n\r\n",
    ];
    const seen: number[] = [];
    for (const request of requests) seen.push(statusOf(await rawExchange(gate.port, request, 2_000, (text) => text.includes("\r\n"))));
    expect(seen).toEqual([400, 400, 505, 505]);
    // The earlier test's malformed requests are in the same log: these are the last ones.
    const rejected = (await gate.auditLines()).filter((line) => String(line.reason).startsWith("bad-request:")).slice(-requests.length);
    expect(rejected.map((line) => line.status)).toEqual(seen);
    for (const line of rejected) expect(line).toMatchObject({ decision: "error", method: "", host: "", path: "" });
    expect(JSON.stringify(rejected)).not.toContain("secret-path");
  });

  test("/healthz answers 200 JSON with the version and services", async () => {
    const result = await curl([`${gate.proxy}/healthz`]);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: "ok", services: ["egress"] });
  });

  test("an origin-form request to nothing is 404 and audited, its target redacted (round 2: it left no line)", async () => {
    const result = await curl([`${gate.proxy}/nothing-here?k=ghp_${"Zq7".repeat(12)}`]);
    expect(result.status).toBe(404);
    await Bun.sleep(100);
    const line = (await gate.auditLines()).filter((entry) => entry["reason"] === "not-found").at(-1);
    expect(line).toMatchObject({ decision: "error", status: 404 });
    expect(String(line?.["path"])).toStartWith("/nothing-here");
    expect(JSON.stringify(line)).not.toContain("Zq7Zq7Zq7");
  });

  test("every decision is one audit line with bytes and duration", async () => {
    const lines = await gate.auditLines();
    const blocked = lines.find((line) => line.host === `blocked.gate.test:${origin.server.port}`);
    expect(blocked).toMatchObject({ method: "GET", decision: "block", reason: "denied", status: 403 });
    const big = lines.find((line) => line.path === "/big");
    expect(big).toMatchObject({ decision: "allow", status: 200, bytes_up: 3 * 1024 * 1024 });
    // Only the first 1 MiB was scanned, and the line says so.
    expect(big?.scan_incomplete as string[]).toContain("body-prefix");
    expect(lines.find((line) => line.path === "/hello?q=1")?.scan_incomplete).toBeUndefined();
    const tunnel = lines.find((line) => line.method === "CONNECT" && line.decision === "allow");
    expect(tunnel?.bytes_up as number).toBeGreaterThan(0);
    expect(tunnel?.bytes_down as number).toBeGreaterThan(0);
    for (const line of lines) expect(typeof line.duration_ms).toBe("number");
  });
});
