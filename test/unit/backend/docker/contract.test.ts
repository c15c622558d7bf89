import { describe } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerBackend } from "../../../../src/backend/docker/index.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { runRecordedContract } from "../../../helpers/backend-contract.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { serveFakeGate } from "../../../helpers/fake-gate-address.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

/**
 * The gate's readiness probe is a real HTTP GET from the host to the gate's address:
 * here a loopback address of its own answers /healthz on the gate's port, and the
 * scripted `docker inspect` names it. It serves a CA certificate too: by default a
 * bottle's HTTPS is inspected, so launch installs the gate's CA in the agent.
 */
const gate = serveFakeGate();

describe("docker backend contract, recorded (no engine)", () => {
  runRecordedContract(async () => ({
    backend: dockerBackend,
    spec: () => testSpec({ agent: { image: "bottle-test-busybox:1", command: ["sh", "-c"] } }),
    async deps() {
      const root = await mkdtemp(join(tmpdir(), "bottle-contract-unit-"));
      const env = { HOME: root, XDG_STATE_HOME: join(root, "state"), XDG_CACHE_HOME: join(root, "cache"), BOTTLE_GATE_IMAGE: "bottle-gate:test", CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-unit" };
      const { runner, calls } = recordingRunner([
        { match: /^docker info /, stdout: '{"runc":{"path":"runc"}}' },
        { match: /^docker image inspect --format \{\{json \.Config\.Entrypoint/, stdout: 'null\t["sh"]\t""\t["HOME=/root"]' },
        { match: /^docker inspect --format \{\{json \.NetworkSettings\.Networks\}\}/, stdout: () => JSON.stringify(Object.fromEntries(calls.filter((call) => call.argv[1] === "network" && call.argv[2] === "create").map((call) => [call.argv.at(-1), { IPAddress: gate.address }]))) },
        { match: /^docker inspect --format \{\{\.State\.Running\}\}/, stdout: "true" },
        { match: /^docker exec .* sh -c id -u/, stdout: "0\n0\n/root\n\n" },
      ]);
      return { deps: { runner, paths: bottlePaths(env), env, settings: readSettings(env), log: () => {} }, calls };
    },
  }));
});
