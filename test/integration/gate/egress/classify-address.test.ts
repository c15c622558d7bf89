import { afterAll, describe, expect, test } from "bun:test";
import { blockReason, curl, startRecordingOrigin, startTestGate } from "../harness.ts";

// Issue 9 finding 8: each of these reached the gate's connect() on the reviewed main
// (classified public), with `allow: ["*"]` standing in for a wide allow list.
const ATTACKS = [
  ["[64:ff9b:1::7f00:3]", "local-use NAT64 around 127.0.0.3"],
  ["[::ffff:0:7f00:3]", "SIIT IPv4-translated 127.0.0.3"],
  ["[2001:0:4136:e378:8000:63bf:80ff:fffc]", "Teredo, obfuscated client 127.0.0.3"],
  ["[2002:c000:202::1]", "6to4 around TEST-NET-1"],
  ["[100::1]", "IPv6 discard-only"],
  ["[2001:db8::1]", "IPv6 documentation"],
  ["192.0.2.2", "TEST-NET-1 (the review host's own interface)"],
  ["198.51.100.1", "TEST-NET-2"],
  ["203.0.113.1", "TEST-NET-3"],
  ["192.88.99.1", "6to4 relay anycast"],
] as const;

describe("SSRF guard: special-purpose ranges and IPv4 wrapped in IPv6", async () => {
  const origin = startRecordingOrigin();
  const gate = await startTestGate({ allow: ["*"] }, {}, async (host) => {
    if (host === "testnet.gate.test") return ["192.0.2.2"];
    if (host === "nat64.gate.test") return ["64:ff9b::7f00:1"];
    throw new Error("ENOTFOUND");
  });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.server.stop(true);
  });

  test.each(ATTACKS)("plain request to %s (%s) is 403 private-address", async (host) => {
    const result = await curl(["-x", gate.proxy, `http://${host}:${origin.server.port}/`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("private-address");
  });

  test.each(ATTACKS)("CONNECT to %s (%s) is 403 private-address", async (host) => {
    const result = await curl(["-x", gate.proxy, "-p", `http://${host}:443/`]);
    expect(result.connectStatus).toBe(403);
    expect(blockReason(result)).toBe("private-address");
  });

  test.each([
    ["testnet.gate.test", "a name whose address is in TEST-NET-1"],
    ["nat64.gate.test", "a name whose DNS64 answer wraps loopback"],
  ])("%s (%s) is refused after resolution", async (host) => {
    const result = await curl(["-x", gate.proxy, `http://${host}:${origin.server.port}/`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("private-address");
  });

  test("every refusal is audited as private-address", async () => {
    const lines = await gate.auditLines();
    const refused = lines.filter((line) => line["reason"] === "private-address");
    expect(refused.length).toBe(ATTACKS.length * 2 + 2);
  });
});
