import { expect, test } from "bun:test";
import { prepare } from "../../../../src/backend/smolmachines/prepare.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { defaultBottle } from "../../../../src/manifest/default-manifest.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

test("smolmachines refuses TLS inspection before anything runs: the guest could not trust the bottle's CA", async () => {
  const { runner, calls } = recordingRunner();
  const egress = { ...defaultBottle().egress, tls: { inspect: true, passthrough: [] } };
  const spec = testSpec({ manifestDir: "/tmp", agent: { image: "bottle-agent:test" }, bottle: { egress } });
  const env = { HOME: "/home/u" };
  await expect(prepare(spec, { runner, paths: bottlePaths(env), env, settings: {}, log: () => {} })).rejects.toThrow("needs the docker backend");
  expect(calls).toEqual([]);
});
