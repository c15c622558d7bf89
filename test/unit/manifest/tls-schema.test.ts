import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { EgressSchema } from "../../../src/manifest/egress-schema.ts";
import { gateTls, inspectsTls } from "../../../src/manifest/tls-schema.ts";

const problems = (egress: unknown) => {
  const result = v.safeParse(EgressSchema, egress);
  return result.success ? [] : result.issues.map((issue) => issue.message);
};

describe("egress: tls, allow rules and credentials", () => {
  test("by default every host is inspected and there is no credential", () => {
    const egress = v.parse(EgressSchema, {});
    expect(egress.tls).toBeUndefined();
    expect(inspectsTls(egress)).toBe(true);
    expect(gateTls(egress)).toEqual({ inspect: true, passthrough: [] });
    expect(egress.credentials).toBeUndefined();
    // Naming only passthrough hosts keeps inspection on for the rest.
    const passthrough = v.parse(EgressSchema, { tls: { passthrough: ["*.apple.com"] } });
    expect(passthrough.tls).toEqual({ inspect: true, passthrough: ["*.apple.com"] });
    expect(gateTls(passthrough)).toEqual({ inspect: true, passthrough: ["*.apple.com"] });
  });

  test("inspect: false turns inspection off, and the gate is told so", () => {
    const egress = v.parse(EgressSchema, { tls: { inspect: false } });
    expect(inspectsTls(egress)).toBe(false);
    expect(gateTls(egress)).toEqual({ inspect: false, passthrough: [] });
  });

  test("the issue's example is valid", () => {
    expect(
      problems({
        tls: { inspect: true, passthrough: ["*.apple.com"] },
        allow: ["registry.npmjs.org", { host: "api.github.com", methods: ["GET", "POST"], paths: ["/repos/org/app/"] }],
        credentials: [{ host: "api.github.com", header: "authorization", value: "Bearer ${GH_TOKEN}" }],
      }),
    ).toEqual([]);
  });

  test("method and path rules need inspection, which is on by default", () => {
    expect(problems({ allow: [{ host: "api.github.com", methods: ["GET"] }] })).toEqual([]);
    expect(problems({ allow: [{ host: "api.github.com", methods: ["GET"] }], tls: { inspect: false } })).toEqual([
      "allow api.github.com (methods/paths) needs TLS inspection, which tls: { inspect: false } turns off: without it the gate cannot see HTTPS requests",
    ]);
    expect(problems({ allow: [{ host: "api.github.com", paths: ["/x"] }], tls: { inspect: false } })).toHaveLength(1);
  });

  test("an allow entry object without rules is just a host, inspection or not", () => {
    expect(problems({ allow: [{ host: "api.github.com" }] })).toEqual([]);
  });

  test("credentials need inspection", () => {
    expect(problems({ allow: ["a.example"], credentials: [{ host: "a.example", header: "authorization", value: "x" }] })).toEqual([]);
    expect(problems({ allow: ["a.example"], tls: { inspect: false }, credentials: [{ host: "a.example", header: "authorization", value: "x" }] })[0]).toContain(
      "credentials for a.example needs TLS inspection",
    );
  });

  test("rules or credentials on a passthrough host could never apply", () => {
    expect(
      problems({ allow: [{ host: "a.example", methods: ["GET"] }], tls: { inspect: true, passthrough: ["a.example"] } })[0],
    ).toContain("a.example is in tls.passthrough");
  });

  test.each([
    [{ allow: [{ host: "a.example", methods: ["get"] }], tls: { inspect: true } }, "an HTTP method in upper case"],
    [{ allow: [{ host: "a.example", paths: ["repos/"] }], tls: { inspect: true } }, "a path prefix starting with /"],
    [{ allow: [{ host: "a.example", paths: ["/x?y"] }], tls: { inspect: true } }, "a path prefix starting with /"],
    [{ allow: [{ host: "https://a.example" }] }, "not an allow entry"],
    [{ credentials: [{ host: "a.example", header: "bad header", value: "x" }], tls: { inspect: true } }, "not a valid header name"],
    [{ tls: { inspect: "yes" } }, "boolean"],
    [{ tls: { inspect: true, pinned: [] } }, "pinned"],
  ])("%j is refused (%s)", (egress, message) => {
    expect(problems(egress).join("\n")).toContain(message);
  });
});
