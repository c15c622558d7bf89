import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { main } from "../../../../src/cli/main.ts";
import { writeJson } from "../../../../src/core/state.ts";
import type { SocketGet } from "../../../../src/core/socket-get.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { collector, workdir } from "../context.ts";

describe("list", () => {
  test("ages are short", async () => {
    const { age } = await import("../../../../src/cli/commands/list.ts");
    const now = Date.parse("2026-01-02T00:00:00Z");
    expect(age("2026-01-01T23:59:18Z", now)).toBe("42s");
    expect(age("2026-01-01T23:55:00Z", now)).toBe("5m");
    expect(age("2026-01-01T21:00:00Z", now)).toBe("3h");
    expect(age("2025-12-30T00:00:00Z", now)).toBe("3d");
    expect(age("", now)).toBe("?");
  });
});

/** `bottle list ARGS` in a fresh world holding one stopped docker bottle whose size was recorded at stop. */
async function listIn(args: string[], io: { socketGet?: SocketGet; debug?: boolean; blockedReason?: string } = {}) {
  const { cwd, env } = workdir();
  const stateDir = join(env.XDG_STATE_HOME!, "bottle", "bb-aaaaaaaa");
  await writeJson(join(stateDir, "docker.json"), {});
  await writeJson(join(stateDir, "metadata.json"), { identity: "bb-aaaaaaaa", backend: "docker", agent: "bb", createdAt: new Date().toISOString() });
  await writeJson(join(stateDir, "live.json"), { mode: "stopped", pid: process.pid });
  await writeJson(join(stateDir, "workspace-size.json"), { bytes: 12_345_678, at: "2026-12-01T12:00:00.000Z" });
  if (io.blockedReason !== undefined) await writeJson(join(stateDir, "supervise", "blocked.json"), { reason: io.blockedReason, request: "req-1", time: "2026-12-01T12:00:00.000Z" });
  const { runner, calls: all } = recordingRunner([{ match: /^docker ps /, stdout: "" }]);
  const stdout = collector();
  const stderr = collector();
  const code = await main(["list", ...args], env, { cwd, stdout, stderr, runner, interactive: false, ...(io.socketGet ? { socketGet: io.socketGet } : {}) });
  // The docker backend's engine calls; the smolmachines backend asks docker for its gates by a label of its own.
  const calls = all.filter((call) => call.argv[0] === "docker" && !call.argv.some((word) => word.startsWith("label=dev.bottle.smolmachines.owner=")));
  return { code, stdout: stdout.text(), stderr: stderr.text(), calls };
}

describe("bottle list, end to end on a recorder", () => {
  test("a test that hands in a runner gets the docker CLI path: no socket is asked", async () => {
    const { code, calls } = await listIn(["--json"]);
    expect(code).toBe(0);
    expect(calls.map((call) => call.argv.slice(0, 2).join(" "))).toEqual(["docker ps"]);
  });

  test("with a socket handed in, no docker process; --debug shows the GET as it shows commands", async () => {
    const asked: string[] = [];
    const socketGet: SocketGet = async (_socket, path) => (asked.push(path), { status: 200, body: [] });
    const { code, calls, stderr } = await listIn(["--debug"], { socketGet });
    expect(code).toBe(0);
    expect(calls).toEqual([]);
    expect(asked).toHaveLength(1);
    expect(stderr).toContain('GET unix:/var/run/docker.sock /containers/json?all=1&filters={"label":[');
  });

  test("a stopped bottle shows the size it had when it stopped, marked so; --json carries it as data", async () => {
    const table = await listIn([]);
    expect(table.stdout).toMatch(/^IDENTITY\s+AGENT\s+BACKEND\s+STATUS\s+AGE\s+SIZE\s+SOURCE\n/);
    expect(table.stdout).toMatch(/^bb-aaaaaaaa\s+bb\s+docker\s+stopped\s+\d+s\s+12MB at stop\s+-$/m);
    const json = JSON.parse((await listIn(["--json"])).stdout) as Record<string, unknown>[];
    expect(json[0]).toMatchObject({ identity: "bb-aaaaaaaa", status: "stopped", workspaceAtStop: { bytes: 12_345_678, at: "2026-12-01T12:00:00.000Z" } });
    expect(json[0]).not.toHaveProperty("workspaceBytes");
  });

  test("a blocked bottle's note, which quotes the agent's justification, is shown escaped, never obeyed", async () => {
    // The attack (a hunt for leaks, this round): the justification reached the NOTE
    // column raw, so an escape sequence in it redrew the person's terminal.
    const { stdout } = await listIn([], { blockedReason: "approved: needs jq\u001b[2J\u001b[H\u202eok" });
    expect(stdout).toContain("blocked");
    expect(stdout).toContain("needs jq\\u001b[2J\\u001b[H\\u202eok");
    expect(stdout).not.toContain("\u001b");
  });

  test("--size shows the size now, not the one at stop", async () => {
    const { stdout, calls } = await listIn(["--size"]);
    expect(calls.some((call) => call.argv.slice(0, 3).join(" ") === "docker system df")).toBe(true);
    // The recorder's df answers nothing: the size now is unknown, and the table says so rather than show the old one.
    expect(stdout).toMatch(/^bb-aaaaaaaa\s+bb\s+docker\s+stopped\s+\d+s\s+-\s+-$/m);
  });
});
