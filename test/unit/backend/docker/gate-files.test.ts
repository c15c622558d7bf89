import { describe, expect, test } from "bun:test";
import { prepare } from "../../../../src/backend/docker/prepare.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

/** A docker plan for an engine at `endpoint` (what `docker context inspect` answers). */
async function planFor(endpoint: string, supervise = false) {
  const recorder = recordingRunner([
    { match: /^docker context inspect/, stdout: `default\t${endpoint}\n` },
    { match: /^docker info --format \{\{json \.Runtimes/, stdout: '{"runc":{"path":"runc"}}' },
    { match: /^docker info/, stdout: 'Debian GNU/Linux 12 (bookworm)\t["name=seccomp,profile=default"]' },
  ]);
  const env = { HOME: "/home/u", XDG_STATE_HOME: "/home/u/state", BOTTLE_GATE_IMAGE: "bottle-gate:test", CLAUDE_CODE_OAUTH_TOKEN: "x" };
  const deps: BackendDeps = { runner: recorder.runner, paths: bottlePaths(env), env, settings: readSettings(env), log: () => {} };
  const plan = await prepare(testSpec({ identity: "claude-abcdefgh", agentName: "claude", manifestDir: "/tmp", agent: { image: "example/agent:1" }, ...(supervise ? { bottle: { supervise: true } } : {}) }), deps);
  return { plan, stateDir: plan.stateDir, lines: plan.commands.map((argv) => argv.join(" ")) };
}

describe("how the gate's files reach it", () => {
  test("an engine on this host's socket bind-mounts them from the state folder; the gate runs as their owner", async () => {
    const { plan, lines, stateDir } = await planFor("unix:///var/run/docker.sock");
    expect(plan.details.engine.sharesFiles).toBe(true);
    const gate = lines.find((line) => line.includes("--name claude-abcdefgh-gate"))!;
    expect(gate).toStartWith("docker run --detach");
    expect(gate).toContain(`--volume ${stateDir}/gate/config.json:/etc/bottle/gate.json:ro`);
    expect(gate).toContain(`--user ${process.getuid!()}:${process.getgid!()}`);
    expect(lines.some((line) => line.startsWith("docker cp") || line.startsWith("docker start"))).toBe(false);
  });

  for (const endpoint of ["tcp://build-host:2376", "ssh://me@build-host"]) {
    test(`${endpoint}: volumes filled by docker cp before the gate starts, no host path mounted`, async () => {
      const { plan, lines, stateDir } = await planFor(endpoint);
      expect(plan.details.engine).toMatchObject({ sharesFiles: false, reachesBridges: false });
      const at = (prefix: string) => lines.findIndex((line) => line.startsWith(prefix));
      const gate = lines[at("docker create --name claude-abcdefgh-gate")]!;
      expect(gate).toContain("--volume claude-abcdefgh-gate-etc-bottle:/etc/bottle");
      expect(gate).toContain("--volume claude-abcdefgh-gate-var-log-bottle:/var/log/bottle");
      expect(gate).toContain("--user 0");
      expect(gate).toContain("--cap-drop ALL");
      // Nothing of this host's filesystem is named as a mount anywhere.
      for (const line of lines) expect(line).not.toContain(`--volume ${stateDir}`);
      expect(at("docker volume create")).toBeLessThan(at("docker create"));
      expect(lines[at("docker cp")]).toBe(`docker cp ${stateDir}/gate/config.json claude-abcdefgh-gate:/etc/bottle/gate.json`);
      expect(at("docker create")).toBeLessThan(at("docker cp"));
      expect(at("docker cp")).toBeLessThan(at("docker start claude-abcdefgh-gate"));
      expect(at("docker start")).toBeLessThan(at("docker network connect"));
    });
  }

  test("supervise on a remote engine: the requests folder is a volume of the gate, nothing of this host is mounted", async () => {
    const { lines, stateDir } = await planFor("tcp://build-host:2376", true);
    const gate = lines.find((line) => line.startsWith("docker create --name claude-abcdefgh-gate"))!;
    expect(gate).toContain("--volume claude-abcdefgh-gate-var-lib-bottle-requests:/var/lib/bottle/requests");
    expect(lines.some((line) => line.startsWith("docker volume create") && line.includes("--label dev.bottle.identity=claude-abcdefgh") && line.endsWith(" claude-abcdefgh-gate-var-lib-bottle-requests"))).toBe(true);
    for (const line of lines) expect(line).not.toContain(`--volume ${stateDir}`);
    // Requests are written by the gate there: nothing is copied in.
    expect(lines.filter((line) => line.startsWith("docker cp")).every((line) => !line.includes("requests"))).toBe(true);
  });
});
