import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { withApprovals } from "../../../../src/gate/services/supervise/approved-egress.ts";
import { buildTlsGeneration } from "../../../../src/gate/tls/tls-generation.ts";
import { EgressSchema } from "../../../../src/manifest/egress-schema.ts";

const generation = (egress: v.InferInput<typeof EgressSchema>, env: Record<string, string> = {}) => buildTlsGeneration(v.parse(EgressSchema, egress), env);

describe("buildTlsGeneration", () => {
  const tls = generation({
    allow: [
      "registry.npmjs.org",
      "*.apple.com",
      { host: "api.github.com", methods: ["GET", "POST"], paths: ["/repos/org/app/", "/user"] },
      { host: "uploads.github.com", methods: ["PUT"] },
      { host: "both.example", paths: ["/a/"] },
      "both.example",
    ],
    tls: { inspect: true, passthrough: ["*.apple.com"] },
    credentials: [{ host: "api.github.com", header: "Authorization", value: "Bearer ${GH_TOKEN}" }],
  }, { GH_TOKEN: "ghp_secretsecretsecret" });

  test("inspection covers every host but the passthrough ones", () => {
    expect(tls.enabled).toBe(true);
    expect(tls.inspects("registry.npmjs.org")).toBe(true);
    expect(tls.inspects("api.github.com")).toBe(true);
    expect(tls.inspects("swscan.apple.com")).toBe(false);
  });

  test("a gate config without tls inspects nothing (the backend writes the bottle's decision); tls: {} inspects", () => {
    const off = generation({ allow: ["registry.npmjs.org"] });
    expect(off.enabled).toBe(false);
    expect(off.inspects("registry.npmjs.org")).toBe(false);
    expect(generation({ allow: ["registry.npmjs.org"], tls: {} }).inspects("registry.npmjs.org")).toBe(true);
  });

  test("an uninspected tunnel to a host with rules or a credential is refused: they would never apply", () => {
    const uninspected = generation(
      { allow: ["plain.example", { host: "api.github.com", methods: ["GET"] }, "cred.example"], credentials: [{ host: "cred.example", header: "x-token", value: "t0ken-value" }] },
    );
    expect(uninspected.checkTunnel("plain.example")).toEqual({ allowed: true });
    expect(uninspected.checkTunnel("API.github.com")).toEqual({ allowed: false, reason: "needs-inspection" });
    expect(uninspected.checkTunnel("cred.example")).toEqual({ allowed: false, reason: "needs-inspection" });
    // Inspected, the same hosts tunnel to the termination, where the rules bind.
    expect(tls.checkTunnel("api.github.com")).toEqual({ allowed: true });
    expect(tls.checkTunnel("swscan.apple.com")).toEqual({ allowed: true });
  });

  test.each([
    ["api.github.com", "GET", "/repos/org/app/pulls", true],
    ["api.github.com", "POST", "/repos/org/app/", true],
    ["api.github.com", "GET", "/repos/org/app", true],
    ["API.GitHub.com", "get", "/user", true],
    ["api.github.com", "GET", "/user/keys", true],
    ["api.github.com", "GET", "/users", "path-not-allowed"],
    ["api.github.com", "GET", "/repos/org/app2", "path-not-allowed"],
    ["api.github.com", "GET", "/repos/org/other/", "path-not-allowed"],
    ["api.github.com", "GET", "/repos/org/app/%2F..%2Fother", "path-not-allowed"],
    ["api.github.com", "DELETE", "/repos/org/app/", "method-not-allowed"],
    ["uploads.github.com", "PUT", "/anything", true],
    ["uploads.github.com", "GET", "/anything", "method-not-allowed"],
    // A plain entry as specific as a ruled one does not lift its rules.
    ["both.example", "DELETE", "/z", "path-not-allowed"],
    ["both.example", "DELETE", "/a/z", true],
    ["registry.npmjs.org", "PUT", "/-/user", true],
    ["10.0.0.7", "POST", "/", true],
  ])("%s %s %s → %s", (host, method, path, expected) => {
    const verdict = tls.checkRequest(host, method, path);
    expect(verdict.allowed ? true : verdict.reason).toBe(expected as never);
  });

  // What WHATWG parsing leaves as a segment, but Tomcat, nginx with merge_slashes off, a
  // C origin stopping at NUL, or a second decode read as `..` (review round 2, finding 6).
  test.each([
    "/repos/org/app/..;/other",
    "/repos/org/app/%2e%2e;/other",
    "/repos/org/app/..%3b/other",
    "/repos/org/app/..%3B/other",
    "/repos/org/app/..%00/other",
    "/repos/org/app/.;/x",
    "/repos/org/app/..;jsessionid=1/other",
    "/repos/org/app/%252e%252e/other",
    "/repos/org/app/%25252e%25252e/other",
    "/repos/org/app/..%09/other",
    "/repos/org/app/..%20/other",
    "/repos/org/app/%c0%ae%c0%ae/other",
    "/repos/org/app/%ef%bc%8e%ef%bc%8e/other",
    "/repos/org/app/%u002e%u002e/other",
    "/repos/org/app/.%E3%80%82/other",
    "/repos/org/app/x%00",
    "/repos/org/app/%252f..%252fother",
    "/repos/org/app/%5c..%5cother",
  ])("a disguised dot segment or slash under an allowed prefix is refused: %s", (path) => {
    expect(tls.checkRequest("api.github.com", "GET", path)).toEqual({ allowed: false, reason: "path-not-allowed" });
  });

  test.each(["/repos/org/app/a.b", "/repos/org/app/...", "/repos/org/app/x;v=1", "/repos/org/app/.github/x", "/repos/org/app/caf%C3%A9", "/repos/org/app/100%25"])(
    "an ordinary segment with dots, parameters or escapes passes: %s",
    (path) => {
      expect(tls.checkRequest("api.github.com", "GET", path)).toEqual({ allowed: true });
    },
  );

  test("a method override must be an allowed method too", () => {
    expect(tls.checkRequest("api.github.com", "GET", "/user", ["DELETE"])).toEqual({ allowed: false, reason: "method-not-allowed" });
    expect(tls.checkRequest("api.github.com", "GET", "/user", ["post"])).toEqual({ allowed: true });
    // A host without method rules does not care.
    expect(tls.checkRequest("registry.npmjs.org", "GET", "/x", ["DELETE"])).toEqual({ allowed: true });
  });

  test("a credential is found by host, header lower-cased, its value read from the env and held", () => {
    expect(tls.credentialFor("api.github.com")).toEqual({ host: "api.github.com", header: "authorization", value: "Bearer ghp_secretsecretsecret" });
    expect(tls.credentialFor("uploads.github.com")).toBeUndefined();
    expect(tls.heldSecrets).toContain("ghp_secretsecretsecret");
    expect(tls.heldSecrets).toContain("Bearer ghp_secretsecretsecret");
  });

  test("a credential naming a variable the gate does not have is an error naming it, not an empty header", () => {
    expect(() => generation({ allow: ["a.example"], tls: { inspect: true }, credentials: [{ host: "a.example", header: "x-token", value: "${MISSING}" }] })).toThrow(
      /MISSING is not set/,
    );
  });
});

test("an approved request-egress for a ruled host, or a wildcard over it, keeps the host's rules; a host only the approval names is allowed whole", () => {
  // The attack: an approved `api.github.com:443` or `*.github.com` was a plain entry,
  // and any plain entry naming a host allowed every method and path there.
  const egress = v.parse(EgressSchema, {
    allow: [{ host: "api.github.com", methods: ["GET"], paths: ["/repos/org/app/"] }],
    tls: { inspect: true },
  });
  // A trailing dot is no extra label (review of this change).
  for (const approved of ["api.github.com:443", "*.github.com", "api.github.com", "api.github.com.", "api.github.com.:443", "*.github.com."]) {
    const tls = buildTlsGeneration(withApprovals(egress, [approved]), {});
    expect([approved, tls.checkRequest("api.github.com", "POST", "/gists")]).toEqual([approved, { allowed: false, reason: "method-not-allowed" }]);
    expect([approved, tls.checkRequest("api.github.com", "GET", "/repos/org/other/")]).toEqual([approved, { allowed: false, reason: "path-not-allowed" }]);
    expect(tls.checkRequest("api.github.com", "GET", "/repos/org/app/pulls")).toEqual({ allowed: true });
  }
  // An object entry without rules is a plain entry too.
  const bare = buildTlsGeneration(v.parse(EgressSchema, { allow: [...egress.allow, { host: "api.github.com" }], tls: { inspect: true } }), {});
  expect(bare.checkRequest("api.github.com", "POST", "/gists")).toEqual({ allowed: false, reason: "method-not-allowed" });
  const wide = buildTlsGeneration(withApprovals(egress, ["*.github.com"]), {});
  expect(wide.checkRequest("uploads.github.com", "POST", "/anything")).toEqual({ allowed: true });
  // Under rules for the wildcard, a plain entry for one host is more specific: it decides there.
  const under = buildTlsGeneration(v.parse(EgressSchema, { allow: [{ host: "*.example.com", methods: ["GET"] }, "open.example.com"], tls: { inspect: true } }), {});
  expect(under.checkRequest("open.example.com", "DELETE", "/")).toEqual({ allowed: true });
  expect(under.checkRequest("other.example.com", "DELETE", "/")).toEqual({ allowed: false, reason: "method-not-allowed" });
});


describe("an IP-literal host is one host however it is spelled", () => {
  // The attack (a hunt, this round): the policy allowed `[::ffff:127.0.0.1]` as
  // 127.0.0.1, but the rules compared the spelling as written, so a DELETE to /admin
  // went past an entry allowing GET under /ok/ only.
  const tls = generation(
    {
      allow: [{ host: "127.0.0.1", methods: ["GET"], paths: ["/ok/"] }, { host: "[::ffff:93.184.216.34]", methods: ["GET"] }],
      tls: { inspect: true, passthrough: ["10.0.0.1"] },
      credentials: [{ host: "203.0.113.9", header: "Authorization", value: "Bearer ${TOKEN}" }],
    },
    { TOKEN: "a-credential-for-an-ip-host" },
  );
  const spellings = ["127.0.0.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "0x7f.1", "2130706433", "127.1"];

  test.each(spellings)("%s gets the entry's method and path rules", (host) => {
    expect(tls.checkRequest(host, "DELETE", "/admin")).toEqual({ allowed: false, reason: "method-not-allowed" });
    expect(tls.checkRequest(host, "GET", "/admin")).toEqual({ allowed: false, reason: "path-not-allowed" });
    expect(tls.checkRequest(host, "GET", "/ok/page").allowed).toBe(true);
  });

  test("an entry written as an IPv4-mapped address rules the plain spelling too", () => {
    expect(tls.checkRequest("93.184.216.34", "DELETE", "/x")).toEqual({ allowed: false, reason: "method-not-allowed" });
  });

  test("credentials and passthrough match every spelling", () => {
    expect(tls.credentialFor("[::ffff:203.0.113.9]")?.header).toBe("authorization");
    expect(tls.credentialFor("0xcb.0.113.9")?.header).toBe("authorization");
    expect(tls.inspects("[::ffff:10.0.0.1]")).toBe(false);
    expect(tls.inspects("10.1")).toBe(false);
    expect(tls.inspects("10.0.0.2")).toBe(true);
  });
});
