import { describe, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerBackend } from "../../../../src/backend/docker/index.ts";
import { launchBottle } from "../../../../src/backend/lifecycle/launch-bottle.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { serveFakeGate } from "../../../helpers/fake-gate-address.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

/** The gate's /healthz and CA on a loopback address of its own, as the contract test serves them. */
const gate = serveFakeGate();

async function launched() {
  const root = await mkdtemp(join(tmpdir(), "bottle-steps-unit-"));
  const env = { HOME: root, XDG_STATE_HOME: join(root, "state"), XDG_CACHE_HOME: join(root, "cache"), BOTTLE_GATE_IMAGE: "bottle-gate:test", CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-unit" };
  const { runner, calls } = recordingRunner([
    { match: /^docker info /, stdout: '{"runc":{"path":"runc"}}' },
    { match: /^docker image inspect --format \{\{json \.Config\.Entrypoint/, stdout: 'null\t["sh"]\t""\t["HOME=/root"]' },
    { match: /^docker inspect --format \{\{json \.NetworkSettings\.Networks\}\}/, stdout: () => JSON.stringify(Object.fromEntries(calls.filter((call) => call.argv[1] === "network" && call.argv[2] === "create").map((call) => [call.argv.at(-1), { IPAddress: gate.address }]))) },
    { match: /^docker exec .* sh -c id -u/, stdout: "0\n0\n/root\n\n" },
  ]);
  const deps = { runner, paths: bottlePaths(env), env, settings: readSettings(env), log: () => {} };
  const plan = await dockerBackend.prepare(testSpec({ agent: { image: "bottle-test-busybox:1", command: ["sh", "-c"] } }), deps);
  const asked = calls.length;
  // How many commands ran before the last stage (the gate answered by then): counted at its start.
  let beforeLastStage = 0;
  const bottle = await launchBottle(dockerBackend, plan, { ...deps, onStep: (name) => void (name === "gate-ready" && (beforeLastStage = calls.length - asked)) });
  await bottle.detach();
  return { launch: calls.slice(asked).map((call) => call.argv.join(" ")), calls: calls.slice(asked), beforeLastStage };
}

describe("docker steps ask nothing twice, and install the CA from an exec started early", () => {
  test("prepare found both images: launch asks the engine about neither again", async () => {
    const { launch } = await launched();
    expect(launch.filter((line) => line.startsWith("docker image inspect"))).toEqual([]);
    expect(launch.some((line) => line.startsWith("docker run --detach --name") && line.includes("-agent"))).toBe(true);
  });

  test("the CA install starts right after the agent's container, while the gate is waited for, and gets the PEM on stdin", async () => {
    const { launch, calls, beforeLastStage } = await launched();
    const agentRun = launch.findIndex((line) => line.startsWith("docker run") && line.includes("-agent "));
    const install = launch.findIndex((line) => line.startsWith("docker exec --interactive --user 0") && line.includes("echo waiting"));
    expect(agentRun).toBeGreaterThanOrEqual(0);
    expect(install).toBeGreaterThan(agentRun);
    // Started in the stage that waits for the gate, not after it.
    expect(install).toBeLessThan(beforeLastStage);
    expect(launch.filter((line) => line.includes("echo waiting"))).toHaveLength(1);
    expect(calls[install]!.options.stdin).toBeInstanceOf(ReadableStream);
    expect(launch.join("\n")).not.toContain("MIIBfake");
  });
});
