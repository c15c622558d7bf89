import { expect, test } from "bun:test";
import * as v from "valibot";
import { CLAUDE_MCP_NAME, withClaudeMcpServer } from "../../../../../src/gate/services/supervise/claude-registration.ts";
import { newSuperviseToken, supervisePlan } from "../../../../../src/gate/services/supervise/supervise-plan.ts";
import { BottleSchema } from "../../../../../src/manifest/schema.ts";

const bottle = (supervise: unknown) => v.parse(BottleSchema, { supervise });
const where = { stateDir: "/state/claude-x", gateHost: "claude-x-gate", controlPort: 8081 };

test("off unless the bottle enables it", () => {
  expect(supervisePlan(bottle(false), { ...where, attended: true })).toBeUndefined();
  expect(supervisePlan(v.parse(BottleSchema, {}), { ...where, attended: true })).toBeUndefined();
});

test("attended only with a person at the terminal, unless the manifest says to wait anyway", () => {
  expect(supervisePlan(bottle(true), { ...where, attended: true })?.gateConfig.attended).toBe(true);
  expect(supervisePlan(bottle(true), { ...where, attended: false })?.gateConfig.attended).toBe(false);
  expect(supervisePlan(bottle({ when_unattended: "deny" }), { ...where, attended: false })?.gateConfig.attended).toBe(false);
  expect(supervisePlan(bottle({ when_unattended: "wait" }), { ...where, attended: false })?.gateConfig.attended).toBe(true);
});

test("the agent reaches it by the gate's name; expiry comes from the manifest", () => {
  const plan = supervisePlan(bottle({ expire_after: "90s" }), { ...where, attended: true })!;
  expect(plan.url).toBe("http://claude-x-gate:8081/mcp");
  expect(plan.agentEnv).toEqual({ BOTTLE_SUPERVISE_URL: "http://claude-x-gate:8081/mcp" });
  expect(plan.requestsDir).toBe("/state/claude-x/supervise/requests");
  expect(plan.gateConfig).toMatchObject({ requests: "/var/lib/bottle/requests", token_env: "BOTTLE_SUPERVISE_TOKEN", expire_after_seconds: 90 });
  expect(supervisePlan(bottle({ expire_after: "2h" }), { ...where, attended: true })!.gateConfig.expire_after_seconds).toBe(7200);
});

test("tokens are long and fresh", () => {
  const [a, b] = [newSuperviseToken(), newSuperviseToken()];
  expect(a).not.toBe(b);
  expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
});

test("Claude Code's user config gets an http MCP server with the bearer header; everything else is kept", () => {
  const existing = JSON.stringify({ hasCompletedOnboarding: true, projects: { "/workspace": { hasTrustDialogAccepted: true } }, mcpServers: { other: { type: "stdio", command: "x" }, [CLAUDE_MCP_NAME]: { type: "http", url: "old", headers: { Authorization: "Bearer old" } } } });
  const next = JSON.parse(withClaudeMcpServer(existing, "http://g:8081/mcp", "tok"));
  expect(next.hasCompletedOnboarding).toBe(true);
  expect(next.projects).toEqual({ "/workspace": { hasTrustDialogAccepted: true } });
  expect(next.mcpServers).toEqual({ other: { type: "stdio", command: "x" }, bottle: { type: "http", url: "http://g:8081/mcp", headers: { Authorization: "Bearer tok" } } });
  expect(JSON.parse(withClaudeMcpServer(undefined, "u", "t")).mcpServers.bottle.url).toBe("u");
  expect(JSON.parse(withClaudeMcpServer("not json", "u", "t"))).toEqual({ mcpServers: { bottle: { type: "http", url: "u", headers: { Authorization: "Bearer t" } } } });
});
