import { expect, test } from "bun:test";
import { agentEnv } from "../../../../src/backend/agent/agent-env.ts";
import { prepare } from "../../../../src/backend/docker/prepare.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { AGENT_TRUST_ENV } from "../../../../src/gate/tls/agent-trust.ts";
import { defaultBottle } from "../../../../src/manifest/default-manifest.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

const trustKeys = Object.keys(AGENT_TRUST_ENV);

async function dockerAgentEnv(tls: { inspect: boolean; passthrough: string[] } | undefined) {
  const egress = { ...defaultBottle().egress, ...(tls === undefined ? {} : { tls }) };
  const spec = testSpec({ identity: "tls-abcdefgh", manifestDir: "/tmp", agent: { image: "example/agent:1" }, bottle: { egress, supervise: false } });
  const env = { HOME: "/home/u", XDG_STATE_HOME: "/nonexistent/state", CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-unit", BOTTLE_GATE_IMAGE: "bottle-gate:test" };
  const { runner } = recordingRunner([{ match: /^docker info/, stdout: '{"runc":{"path":"runc"}}' }]);
  const plan = await prepare(spec, { runner, paths: bottlePaths(env), env, settings: readSettings(env), log: () => {} });
  return plan.details.agentEnv;
}

test("docker's agent trusts the system bundle (which gets the gate's CA) by default, and not with inspect: false", async () => {
  const byDefault = await dockerAgentEnv(undefined);
  for (const key of trustKeys) expect(byDefault[key]).toBe(AGENT_TRUST_ENV[key]!);
  const off = await dockerAgentEnv({ inspect: false, passthrough: [] });
  for (const key of trustKeys) expect(off[key]).toBeUndefined();
});

test("agentEnv names no CA bundle unless the backend says it installed the CA (Kubernetes does not, yet)", () => {
  const spec = testSpec({ agent: { image: "example/agent:1" } });
  const plain = agentEnv(spec, "gate", 8080);
  for (const key of trustKeys) expect(plain[key]).toBeUndefined();
  const trusting = agentEnv(spec, "gate", 8080, { trustsGateCa: true });
  for (const key of trustKeys) expect(trusting[key]).toBe(AGENT_TRUST_ENV[key]!);
});
