import { describe, expect, test } from "bun:test";
import { apiContainerNetworks, apiExec, apiNetworkConnect, execStdout } from "../../../../src/backend/docker/engine-container-api.ts";
import type { EngineApi } from "../../../../src/backend/docker/engine-query.ts";
import type { SocketAnswer, SocketGetOptions } from "../../../../src/core/socket-get.ts";

const EXEC_ID = "276a18544e8d696da7f6d888a0513e506eec375b3d74b37d13c3ac86fd76f6b6";

/** One frame of a non-TTY exec's stream, as Docker 20.10.24 sends it: stream, 0, 0, 0, size (big endian), the bytes. */
const frame = (stream: 1 | 2, text: string) => String.fromCharCode(stream, 0, 0, 0, 0, 0, (text.length >> 8) & 0xff, text.length & 0xff) + text;

/** An engine answering from a list of (method path) → answer; records each request with its body. */
function fakeEngine(answers: Record<string, SocketAnswer | SocketAnswer[] | Error>) {
  const asked: { line: string; json: unknown }[] = [];
  const api: EngineApi = {
    socket: "/var/run/docker.sock",
    context: "default",
    get: async (_socket, path, options: SocketGetOptions = {}) => {
      const line = `${options.method ?? "GET"} ${path}`;
      asked.push({ line, json: options.json });
      const answer = answers[line];
      if (answer instanceof Error) throw answer;
      if (Array.isArray(answer)) return answer.shift() ?? { status: 500, body: "no more answers" };
      return answer ?? { status: 404, body: { message: "page not found" } };
    },
  };
  return { api, asked };
}

const execAnswers = (exitCode: number, stream: string, states: SocketAnswer[] = []) => ({
  "POST /containers/b-agent/exec": { status: 201, body: { Id: EXEC_ID } },
  [`POST /exec/${EXEC_ID}/start`]: { status: 200, body: stream },
  [`GET /exec/${EXEC_ID}/json`]: [...states, { status: 200, body: { ID: EXEC_ID, Running: false, ExitCode: exitCode, Pid: 4711 } }],
});

describe("apiExec: `docker exec` through the Engine API", () => {
  test("create, start (the output streams until the command ends), then its exit code", async () => {
    const { api, asked } = fakeEngine(execAnswers(0, frame(1, "installed\n") + frame(2, "warning: x\n")));
    const result = await apiExec(api, "b-agent", { cmd: ["sh", "-c", "true"], user: "0", env: { BOTTLE_GATE_CA: "pem" } });
    expect(result).toEqual({ exitCode: 0, stdout: "installed\n", stderr: "warning: x\n" });
    expect(asked.map((request) => request.line)).toEqual(["POST /containers/b-agent/exec", `POST /exec/${EXEC_ID}/start`, `GET /exec/${EXEC_ID}/json`]);
    expect(asked[0]!.json).toEqual({ Cmd: ["sh", "-c", "true"], Env: ["BOTTLE_GATE_CA=pem"], AttachStdout: true, AttachStderr: true, User: "0" });
    expect(asked[1]!.json).toEqual({ Detach: false, Tty: false });
  });

  test("a failing command is its exit code, not a throw; an exec still marked running is asked again", async () => {
    const running = { status: 200, body: { Running: true, ExitCode: null } };
    const { api, asked } = fakeEngine(execAnswers(3, "", [running, running]));
    expect(await apiExec(api, "b-agent", { cmd: ["false"] })).toEqual({ exitCode: 3, stdout: "", stderr: "" });
    expect(asked.filter((request) => request.line.endsWith("/json"))).toHaveLength(3);
  });

  test("what the engine answers otherwise throws (the caller then uses the CLI): no container, an odd id, a refused socket", async () => {
    for (const answers of [
      { "POST /containers/b-agent/exec": { status: 404, body: { message: "No such container: b-agent" } } },
      { "POST /containers/b-agent/exec": { status: 201, body: { Id: "../../containers/x" } } },
      { "POST /containers/b-agent/exec": new Error("connect ECONNREFUSED") },
      { ...execAnswers(0, ""), [`GET /exec/${EXEC_ID}/json`]: { status: 200, body: { Running: false, ExitCode: "0" } } },
    ]) {
      const { api } = fakeEngine(answers);
      await expect(apiExec(api, "b-agent", { cmd: ["true"] })).rejects.toThrow();
    }
  });

  test("a name that is no container name never reaches a path", async () => {
    const { api, asked } = fakeEngine({});
    await expect(apiExec(api, "../images/x", { cmd: ["true"] })).rejects.toThrow(/not a container name/);
    await expect(apiContainerNetworks(api, "a/b")).rejects.toThrow(/not a container name/);
    expect(asked).toEqual([]);
  });
});

describe("apiContainerNetworks", () => {
  test("each network's address, as `docker inspect` prints .NetworkSettings.Networks", async () => {
    const networks = { "b-egress": { IPAddress: "10.213.86.34", Gateway: "10.213.86.33", NetworkID: "6f8b" }, "b-internal": { IPAddress: "10.213.72.82" } };
    const { api } = fakeEngine({ "GET /containers/b-gate/json": { status: 200, body: { Id: "c0de", State: { Running: true }, NetworkSettings: { Networks: networks } } } });
    const found = await apiContainerNetworks(api, "b-gate");
    expect(found["b-egress"]?.IPAddress).toBe("10.213.86.34");
    expect(Object.keys(found).sort()).toEqual(["b-egress", "b-internal"]);
  });

  test("an exited container has no networks (null): none, so the caller says it exited", async () => {
    const { api } = fakeEngine({ "GET /containers/b-gate/json": { status: 200, body: { NetworkSettings: { Networks: null } } } });
    expect(await apiContainerNetworks(api, "b-gate")).toEqual({});
  });
});

describe("execStdout and apiNetworkConnect", () => {
  test("stdout of a command that succeeded; undefined for one that failed or an engine that could not run it", async () => {
    expect(await execStdout(fakeEngine(execAnswers(0, frame(1, "1000\n") + frame(2, "noise\n"))).api, "b-agent", ["id", "-u"], "agent")).toBe("1000\n");
    expect(await execStdout(fakeEngine(execAnswers(1, frame(2, "no such user\n"))).api, "b-agent", ["id", "-u"], "agent")).toBeUndefined();
    expect(await execStdout(fakeEngine({}).api, "b-agent", ["id", "-u"], "")).toBeUndefined();
  });

  test("the image's user is left to the image: no User in the exec", async () => {
    const { api, asked } = fakeEngine(execAnswers(0, ""));
    await execStdout(api, "b-agent", ["true"], "");
    expect(asked[0]!.json).not.toHaveProperty("User");
  });

  test("a network connect is the CLI's POST; any other answer throws (the caller then runs the CLI's)", async () => {
    const { api, asked } = fakeEngine({ "POST /networks/b-internal/connect": { status: 200, body: "" } });
    await apiNetworkConnect(api, "b-internal", "b-gate");
    expect(asked).toEqual([{ line: "POST /networks/b-internal/connect", json: { Container: "b-gate" } }]);
    const refused = fakeEngine({ "POST /networks/b-internal/connect": { status: 403, body: { message: "endpoint with name b-gate already exists" } } });
    await expect(apiNetworkConnect(refused.api, "b-internal", "b-gate")).rejects.toThrow(/403/);
    await expect(apiNetworkConnect(refused.api, "b/../x", "b-gate")).rejects.toThrow(/not a network name/);
  });
});
