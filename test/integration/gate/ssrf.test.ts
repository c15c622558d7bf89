import { afterAll, describe, expect, test } from "bun:test";
import { blockReason, curl, rawExchange, startRecordingOrigin, startTestGate } from "./harness.ts";

const SPELLINGS_OF_LOOPBACK = ["127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "0x7f000001", "127.1", "127.0.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"];

/** The status line and the X-Bottle-Block value of a raw answer. */
function summary(answer: string): string {
  const status = answer.split("\r\n")[0] ?? "";
  const block = /^x-bottle-block: (.+)$/im.exec(answer)?.[1]?.trim();
  return block === undefined ? status : `${status} [${block}]`;
}

describe("SSRF guard", async () => {
  const origin = startRecordingOrigin();
  const port = origin.server.port;
  // `*` allows every name: only the address check stands between the client and loopback.
  // `*:PORT` lets CONNECT reach the origin's port, so the address check is what refuses.
  const open = await startTestGate({ allow: ["*", `*:${port}`] }, {}, async (host) => {
    if (host === "rebind.gate.test") return ["93.184.216.34", "127.0.0.1"];
    // What a filtering resolver on the way answers for a name it blocks (seen here for registry.npmjs.org).
    if (host === "filtered.gate.test") return ["203.0.113.80"];
    if (host === "localhost" || host.endsWith(".gate.test")) return ["127.0.0.1"];
    if (host === "metadata.gate.test") return ["169.254.169.254"];
    throw new Error("ENOTFOUND");
  });
  const trusting = await startTestGate({ allow: ["*"], allow_cidrs: ["127.0.0.0/8"] });
  afterAll(async () => {
    await open[Symbol.asyncDispose]();
    await trusting[Symbol.asyncDispose]();
    origin.server.stop(true);
  });

  test.each(SPELLINGS_OF_LOOPBACK)("plain request to %s is refused", async (host) => {
    const answer = await rawExchange(open.port, `GET http://${host}:${port}/ HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`);
    expect(summary(answer)).toBe("HTTP/1.1 403 Forbidden [private-address]");
  });

  test.each(SPELLINGS_OF_LOOPBACK)("CONNECT to %s is refused", async (host) => {
    const answer = await rawExchange(open.port, `CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);
    expect(summary(answer)).toBe("HTTP/1.1 403 Forbidden [private-address]");
  });

  test.each(SPELLINGS_OF_LOOPBACK)("%s is reached when 127.0.0.0/8 is in allow_cidrs", async (host) => {
    const answer = await rawExchange(trusting.port, `GET http://${host}:${port}/ok HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`, 5_000, (text) =>
      text.includes("bytes)"),
    );
    expect(summary(answer)).toBe("HTTP/1.1 200 OK");
    expect(answer).toContain("origin saw GET /ok");
  });

  test.each([
    ["http://127.0.0.1:9/", "loopback"],
    ["http://[::1]:9/", "IPv6 loopback"],
    ["http://localhost:9/", "a name resolving to loopback"],
    ["http://169.254.169.254/latest/meta-data/", "cloud metadata"],
    ["http://metadata.gate.test/", "a name resolving to metadata"],
    ["http://10.0.0.1/", "RFC 1918"],
    ["http://172.16.0.1/", "RFC 1918"],
    ["http://192.168.1.1/", "RFC 1918"],
    ["http://100.64.0.1/", "CGNAT"],
    ["http://0.0.0.0:9/", "unspecified"],
    ["http://[fd00::1]/", "ULA"],
    ["http://[fe80::1]/", "IPv6 link-local"],
    ["http://rebind.gate.test/", "a name with one private answer"],
  ])("curl to %s (%s) is 403 private-address", async (url) => {
    const result = await curl(["-x", open.proxy, url]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("private-address");
  });

  test("curl CONNECT to a metadata address is refused before any connection", async () => {
    const result = await curl(["-x", open.proxy, "https://169.254.169.254/"]);
    expect(result.connectStatus).toBe(403);
    expect(blockReason(result)).toBe("private-address");
  });

  test("a refusal says what kind of address the name resolved to, and the audit line which one", async () => {
    const plain = await curl(["-x", open.proxy, "http://filtered.gate.test/x"]);
    expect([plain.status, blockReason(plain)]).toEqual([403, "private-address"]);
    expect(plain.body).toContain("filtered.gate.test blocked (private-address): it resolves to a documentation address");
    expect(plain.body).toContain("egress.allow_cidrs");
    const tunnel = await rawExchange(open.port, "CONNECT filtered.gate.test:443 HTTP/1.1\r\nHost: filtered.gate.test:443\r\n\r\n");
    expect(tunnel).toContain("it resolves to a documentation address");
    // The agent is not told the address: with `*` allowed, the gate would resolve internal names for it.
    expect(plain.body + tunnel).not.toContain("203.0.113.80");
    const literal = await curl(["-x", open.proxy, "http://10.9.8.7/"]);
    expect(literal.body).toContain("10.9.8.7 blocked (private-address): a private (RFC 1918) address;");
    const lines = (await open.auditLines()).filter((line) => String(line.host).startsWith("filtered.gate.test") || line.host === "10.9.8.7");
    expect(lines.map((line) => [line.method, line.reason, line.address])).toEqual([
      ["GET", "private-address", "203.0.113.80"],
      ["CONNECT", "private-address", "203.0.113.80"],
      ["GET", "private-address", "10.9.8.7"],
    ]);
  });

  test("nothing refused reached the origin", () => {
    expect(origin.seen.every((request) => request.url === "/ok")).toBe(true);
  });
});
