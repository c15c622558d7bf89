import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { EgressSchema } from "../../../../src/manifest/egress-schema.ts";
import { parseIpLiteral } from "../../../../src/gate/egress/address.ts";
import { createPolicy } from "../../../../src/gate/egress/policy.ts";
import { resolveChecked } from "../../../../src/gate/egress/resolve.ts";

const policy = (egress: v.InferInput<typeof EgressSchema>) => createPolicy(v.parse(EgressSchema, egress));
const reason = (verdict: { allowed: boolean; reason?: string }) => (verdict.allowed ? "allowed" : verdict.reason);

describe("checkHost", () => {
  const rules = policy({
    allow: ["*.example.com", "api.test", "203.0.113.7"],
    deny: ["secret.example.com", "127.0.0.1"],
    routes: [{ name: "anthropic", upstream: "https://api.anthropic.com" }],
  });
  test.each([
    ["www.example.com", "allowed"],
    ["example.com", "not-allowed"],
    ["secret.example.com", "denied"],
    ["api.test", "allowed"],
    ["API.TEST.", "allowed"],
    ["other.test", "not-allowed"],
    // A route's upstream is reached through the route, never directly (finding 1).
    ["api.anthropic.com", "not-allowed"],
    ["203.0.113.7", "allowed"],
    ["3405803783", "allowed"],
    ["0x7f.1", "denied"],
  ])("%s → %s", (host, expected) => {
    expect(reason(rules.checkHost(host))).toBe(expected);
  });

  test("by default everything is refused", () => {
    expect(reason(policy({}).checkHost("example.com"))).toBe("not-allowed");
  });

  test("`*` allows every name, deny still wins", () => {
    const all = policy({ allow: ["*"], deny: ["*.evil.test"] });
    expect(reason(all.checkHost("anything.test"))).toBe("allowed");
    expect(reason(all.checkHost("x.evil.test"))).toBe("denied");
  });

  test("an IP literal inside allow_cidrs is allowed by name", () => {
    const local = policy({ allow_cidrs: ["127.0.0.0/8"] });
    expect(reason(local.checkHost("127.0.0.1"))).toBe("allowed");
    expect(reason(local.checkHost("10.0.0.1"))).toBe("not-allowed");
  });
});

describe("checkHost for a tunnel (CONNECT) port", () => {
  const rules = policy({
    allow: ["plain.test", "ported.test:8443", "*.multi.test:443,8443", "[::1]:9443", "10.0.0.5:5432"],
    allow_cidrs: ["10.0.0.0/8"],
  });
  test.each([
    ["plain.test", 443, "allowed"],
    ["plain.test", 8001, "port-not-allowed"],
    ["plain.test", undefined, "allowed"],
    ["ported.test", 8443, "allowed"],
    ["ported.test", 443, "port-not-allowed"],
    ["a.multi.test", 443, "allowed"],
    ["a.multi.test", 8443, "allowed"],
    ["a.multi.test", 22, "port-not-allowed"],
    ["::1", 9443, "allowed"],
    ["10.0.0.5", 5432, "allowed"],
    ["10.0.0.6", 443, "allowed"],
    ["10.0.0.6", 5432, "port-not-allowed"],
    ["other.test", 443, "not-allowed"],
  ] as const)("%s port %s → %s", (host, port, expected) => {
    expect(reason(rules.checkHost(host, port))).toBe(expected);
  });

  test("entries with ports validate; malformed ones are refused with the syntax", () => {
    expect(() => policy({ allow: ["x.test:0"] })).toThrow();
    expect(() => policy({ allow: ["x.test:99999"] })).toThrow();
    expect(() => policy({ allow: ["http://x.test"] })).toThrow();
    expect(() => policy({ deny: ["x.test:443"] })).toThrow();
  });
});

describe("checkAddress and resolveChecked", () => {
  const all = policy({ allow: ["*"] });
  test("refuses private addresses unless inside allow_cidrs", () => {
    expect(reason(all.checkAddress(parseIpLiteral("169.254.169.254")!))).toBe("private-address");
    expect(reason(all.checkAddress(parseIpLiteral("8.8.8.8")!))).toBe("allowed");
    const local = policy({ allow: ["*"], allow_cidrs: ["10.0.0.0/8"] });
    expect(reason(local.checkAddress(parseIpLiteral("10.9.9.9")!))).toBe("allowed");
    expect(reason(local.checkAddress(parseIpLiteral("192.168.0.1")!))).toBe("private-address");
  });

  test("a name with one private answer among public ones is refused", async () => {
    const result = await resolveChecked("rebind.test", all, async () => ["93.184.216.34", "127.0.0.1"]);
    expect(result).toEqual({ ok: false, status: 403, reason: "private-address", refused: { address: "127.0.0.1", kind: "loopback", resolved: true } });
  });

  test("connects to the checked address, not the name", async () => {
    const result = await resolveChecked("ok.test", all, async () => ["93.184.216.34"]);
    expect(result).toEqual({ ok: true, address: "93.184.216.34", family: 4 });
  });

  test("a name that does not resolve is an upstream failure (502), not a policy block", async () => {
    const result = await resolveChecked("nx.test", all, async () => {
      throw new Error("ENOTFOUND");
    });
    expect(result).toEqual({ ok: false, status: 502, reason: "dns-failure" });
  });

  test("an IP literal is checked without a lookup", async () => {
    let looked = false;
    const result = await resolveChecked("0x7f.1", all, async () => {
      looked = true;
      return [];
    });
    expect(result).toEqual({ ok: false, status: 403, reason: "private-address", refused: { address: "127.0.0.1", kind: "loopback", resolved: false } });
    expect(looked).toBe(false);
  });
});
