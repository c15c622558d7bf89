import { expect, test } from "bun:test";
import { ConfigError } from "../../../src/core/config-file.ts";
import { BottleError } from "../../../src/core/errors.ts";
import { parseGateConfig } from "../../../src/gate/load-config.ts";
import { resolveRoutes } from "../../../src/gate/resolve-routes.ts";

const problems = (text: string) => {
  try {
    parseGateConfig("gate.yaml", text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
    throw error;
  }
  return [];
};

test("a minimal config gets the egress defaults: deny everything, DLP blocks", () => {
  const config = parseGateConfig("gate.yaml", "listen: 127.0.0.1:0\n");
  expect(config.egress).toEqual({ allow: [], deny: [], allow_cidrs: [], routes: [], dlp: { action: "block" } });
  expect(config.audit).toBeUndefined();
});

test("JSON is accepted", () => {
  const config = parseGateConfig("gate.json", '{"listen": "[::]:8080", "egress": {"allow": ["*"]}}');
  expect(config.egress.allow).toEqual(["*"]);
});

test("problems point at FILE:LINE:COL", () => {
  expect(problems('listen: "8080"\n')).toEqual(["1:9: HOST:PORT, such as 0.0.0.0:8080"]);
  expect(problems("listen: 1.2.3.4:99999\n")).toEqual(["1:9: a port from 0 to 65535"]);
  expect(problems("listen: 127.0.0.1:1\negress:\n  allow_cidrs: [10.0.0.0/8, nope]\n")).toEqual([
    "3:29: not a CIDR block: nope (such as 10.0.0.0/8 or fd00::/8)",
  ]);
  expect(problems("listen: 127.0.0.1:1\negress:\n  dlp: { action: loud }\n").length).toBe(1);
  expect(problems("listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n")[0]).toContain("duplicate key");
});

test("inject values come from the gate's environment, never the file", () => {
  const routes = [
    { name: "anthropic", upstream: "https://api.anthropic.com", roles: [], inject: { header: "Authorization", value: "Bearer ${TOKEN}" } },
  ];
  const resolved = resolveRoutes(routes, { TOKEN: "sk-held-value-123" });
  expect(resolved.routes.get("anthropic")?.inject).toEqual({ header: "authorization", value: "Bearer sk-held-value-123" });
  expect(resolved.heldSecrets).toEqual(["sk-held-value-123"]);
  expect(() => resolveRoutes(routes, {})).toThrow(BottleError);
  expect(() => resolveRoutes(routes, {})).toThrow("TOKEN is not set in the gate's environment");
});
