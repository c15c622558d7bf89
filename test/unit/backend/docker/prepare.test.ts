import { describe, expect, test } from "bun:test";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepare } from "../../../../src/backend/docker/prepare.ts";
import { agentImageCommand } from "../../../../src/backend/images/image-commands.ts";
import type { BackendDeps, StartSpec } from "../../../../src/backend/types.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { testSpec, type TestSpecOptions } from "../../../helpers/start-spec.ts";
import { recordingRunner, type Reply } from "../../../helpers/recording-runner.ts";

const SECRET = "sk-ant-oat01-unit-test-secret-value";

function spec(options: TestSpecOptions = {}): StartSpec {
  return testSpec({
    identity: "claude-abcdefgh",
    agentName: "claude",
    manifestDir: "/tmp",
    env: { GH_TOKEN: "ghp_forwarded" },
    ...options,
    agent: { image: "example/agent:1", command: ["claude"], env: { GIT_AUTHOR_NAME: "Bottle", GH_TOKEN: "${GH_TOKEN}" }, ...options.agent },
  });
}

function deps(replies: Reply[], env: Record<string, string | undefined> = {}) {
  const recorder = recordingRunner([...replies, { match: /^docker info/, stdout: '{"runc":{"path":"runc"}}' }]);
  const full = { HOME: "/home/u", XDG_STATE_HOME: "/nonexistent/state", CLAUDE_CODE_OAUTH_TOKEN: SECRET, GH_TOKEN: "ghp_forwarded", BOTTLE_GATE_IMAGE: "bottle-gate:test", ...env };
  const value: BackendDeps = { runner: recorder.runner, paths: bottlePaths(full), env: full, settings: readSettings(full), log: () => {} };
  return { deps: value, calls: recorder.calls };
}

describe("docker prepare", () => {
  test("resolves a frozen plan and runs only read-only engine queries", async () => {
    const { deps: d, calls } = deps([]);
    const plan = await prepare(spec(), d);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(plan.backend).toBe("docker");
    const verbs = calls.map((call) => call.argv.slice(1, 3).join(" "));
    for (const verb of verbs) expect(verb).toMatch(/^(info|ps|network ls|volume ls|image inspect|context inspect)/);
    const details = plan.details;
    expect(details.names).toEqual({
      agent: "claude-abcdefgh-agent",
      gate: "claude-abcdefgh-gate",
      internal: "claude-abcdefgh-internal",
      egress: "claude-abcdefgh-egress",
      workspace: "claude-abcdefgh-workspace",
      home: "claude-abcdefgh-home",
    });
    expect(details.runtime).toBe("runc");
  });

  test("secrets are never on argv or in the plan: names only", async () => {
    const { deps: d } = deps([]);
    const plan = await prepare(spec(), d);
    const text = JSON.stringify(plan);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("ghp_forwarded");
    const gate = plan.commands.find((argv) => argv.includes("claude-abcdefgh-gate") && argv[1] === "run")!;
    expect(gate.join(" ")).toContain("--env CLAUDE_CODE_OAUTH_TOKEN");
    const agent = plan.commands.find((argv) => argv.includes("claude-abcdefgh-agent"))!;
    expect(agent.join(" ")).toContain("--env GH_TOKEN ");
    expect(agent.join(" ")).not.toContain("GIT_AUTHOR_NAME");
    expect(agent.join(" ")).toContain("--env-file");
  });

  test("the agent is on the internal network only, with the proxies and the Claude route", async () => {
    const { deps: d } = deps([]);
    const agent = (await prepare(spec(), d)).commands.find((argv) => argv.includes("claude-abcdefgh-agent"))!;
    const networks = agent.flatMap((word, index) => (word === "--network" ? [agent[index + 1]] : []));
    expect(networks).toEqual(["claude-abcdefgh-internal"]);
    const line = agent.join(" ");
    expect(line).toContain("HTTPS_PROXY=http://claude-abcdefgh-gate:8080");
    expect(line).toContain("ANTHROPIC_BASE_URL=http://claude-abcdefgh-gate:8080/r/anthropic");
    expect(line).toContain("CLAUDE_CODE_OAUTH_TOKEN=bottle-placeholder");
    expect(line).toContain("DISABLE_TELEMETRY=1");
    const internal = (await prepare(spec(), d)).commands.find((argv) => argv.includes("claude-abcdefgh-internal") && argv[2] === "create")!;
    expect(internal).toContain("--internal");
  });

  test("runtime auto picks runsc when the engine lists it", async () => {
    const { deps: d } = deps([{ match: /^docker info/, stdout: '{"runc":{},"runsc":{"path":"/usr/bin/runsc"}}' }]);
    const plan = await prepare(spec(), d);
    expect(plan.details.runtime).toBe("runsc");
    for (const argv of plan.commands.filter((argv) => argv[1] === "run")) expect(argv.join(" ")).toContain("--runtime runsc");
  });

  test("runtime runsc without it on the engine is a clear error; runc is never upgraded", async () => {
    const { deps: d } = deps([]);
    const err = await prepare(spec({ bottle: { runtime: "runsc" } }), d).catch((error) => error);
    expect(err).toBeInstanceOf(BottleError);
    expect(err.message).toContain("runsc");
    expect(err.hint).toContain("runtime: auto");
    const withRunsc = deps([{ match: /^docker info/, stdout: '{"runc":{},"runsc":{}}' }]);
    expect((await prepare(spec({ bottle: { runtime: "runc" } }), withRunsc.deps)).details.runtime).toBe("runc");
  });

  test("an engine that is not running is one line with the fix", async () => {
    const { deps: d } = deps([{ match: /^docker info/, exitCode: 1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n" }]);
    const err = await prepare(spec(), d).catch((error) => error);
    expect(err).toBeInstanceOf(BottleError);
    expect(err.message).not.toContain("\n");
    expect(err.message).toContain("not running");
    expect(err.hint).toContain("dockerd");
  });

  test("BOTTLE_CONTAINER pins the agent's name, and a taken one is an error", async () => {
    const free = deps([], { BOTTLE_CONTAINER: "my-agent" });
    expect((await prepare(spec(), free.deps)).details.names.agent).toBe("my-agent");
    const taken = deps([{ match: /^docker ps --all --format/, stdout: "other\nmy-agent\n" }], { BOTTLE_CONTAINER: "my-agent" });
    const err = await prepare(spec(), taken.deps).catch((error) => error);
    expect(err).toBeInstanceOf(BottleError);
    expect(err.message).toContain("my-agent");
    expect(err.hint).toContain("docker rm -f my-agent");
  });

  test("a missing route secret names the variable", async () => {
    const { deps: d } = deps([], { CLAUDE_CODE_OAUTH_TOKEN: undefined });
    const err = await prepare(spec(), d).catch((error) => error);
    expect(err).toBeInstanceOf(BottleError);
    expect(err.message).toContain("CLAUDE_CODE_OAUTH_TOKEN");
  });

  test("the plan's commands start with the image builds a start would run, only for images the engine lacks", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bottle-prepare-"));
    await writeFile(join(dir, "Dockerfile"), "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n");
    const built = spec({ manifestDir: dir, agent: { image: { dockerfile: "Dockerfile" } } });
    const missing = deps([{ match: /^docker image inspect --format .* bottle-(agent|gate)/, exitCode: 1 }], { BOTTLE_GATE_IMAGE: undefined, BOTTLE_BASE_IMAGE: "base:1" });
    const plan = await prepare(built, missing.deps);
    const details = plan.details;
    expect(plan.commands[0]).toEqual(["docker", "build", "--tag", details.agentImage.ref, "--file", join(dir, "Dockerfile"), "--build-arg", "BASE_IMAGE=base:1", dir]);
    expect(plan.commands[1]).toEqual(["docker", "build", "--quiet", "--tag", details.gateImage.ref, "<gate-image-context>"]);
    expect(plan.commands[2]!.slice(0, 3)).toEqual(["docker", "network", "create"]);
    // The same argv launch runs: one builder for both.
    expect(plan.commands[0]).toEqual(agentImageCommand(details.agentImage));

    // A missing plain reference is pulled; a BOTTLE_GATE_IMAGE is used as given, never built.
    const pulled = deps([{ match: /^docker image inspect --format .* example\/agent:1/, exitCode: 1 }]);
    const pulledPlan = await prepare(spec(), pulled.deps);
    expect(pulledPlan.commands.filter((argv) => argv[1] === "build" || argv[1] === "pull")).toEqual([["docker", "pull", "example/agent:1"]]);

    // Both images there (cached): no image command at all.
    const cached = await prepare(built, deps([], { BOTTLE_GATE_IMAGE: undefined, BOTTLE_BASE_IMAGE: "base:1" }).deps);
    expect(cached.commands.filter((argv) => argv[1] === "build" || argv[1] === "pull")).toEqual([]);
  });

  test("the agent's home is a volume of its own, mounted at the image's home", async () => {
    const { deps: d } = deps([{ match: /^docker image inspect --format \{\{json \.Config\.Entrypoint/, stdout: 'null\t["claude"]\t"agent"\t["PATH=/bin","HOME=/home/agent"]' }]);
    const plan = await prepare(spec(), d);
    const agent = plan.commands.find((argv) => argv.includes("claude-abcdefgh-agent"))!;
    expect(agent.join(" ")).toContain("--volume claude-abcdefgh-home:/home/agent");
    expect(plan.commands.some((argv) => argv[1] === "volume" && argv[2] === "create" && argv.at(-1) === "claude-abcdefgh-home")).toBe(true);
  });

  test("the gate mounts its config read-only and its audit folder from the bottle's state", async () => {
    const { deps: d } = deps([]);
    const plan = await prepare(spec(), d);
    const gate = plan.commands.find((argv) => argv.includes("claude-abcdefgh-gate") && argv[1] === "run")!.join(" ");
    expect(gate).toContain(`--volume ${plan.stateDir}/gate/config.json:/etc/bottle/gate.json:ro`);
    expect(gate).toContain(`--volume ${plan.stateDir}/audit:/var/log/bottle `);
  });
});
