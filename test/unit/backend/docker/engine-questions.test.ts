import { describe, expect, test } from "bun:test";
import { engineQuestions } from "../../../../src/backend/docker/engine-questions.ts";
import { prepare } from "../../../../src/backend/docker/prepare.ts";
import type { BackendDeps, Plan } from "../../../../src/backend/types.ts";
import type { DockerDetails } from "../../../../src/backend/docker/docker-plan.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import type { SocketAnswer, SocketGet } from "../../../../src/core/socket-get.ts";
import { recordingRunner, type Reply } from "../../../helpers/recording-runner.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

const SOCKET = "/run/test-engine.sock";
const AGENT_IMAGE = "example/agent:1";
const GATE_IMAGE = "bottle-gate:test";

/** Trimmed from Docker 20.10.24's answers (API 1.41); some fields bottle ignores are kept. */
const INFO = {
  ID: "QX2L",
  Runtimes: { "io.containerd.runc.v2": { path: "runc" }, runc: { path: "runc" }, runsc: { path: "/usr/bin/runsc" } },
  OperatingSystem: "Debian GNU/Linux 12 (bookworm)",
  SecurityOptions: ["name=seccomp,profile=default"],
  ServerVersion: "20.10.24+dfsg1",
};
const CONTAINERS = [
  { Id: "bea7", Names: ["/claude-abcdefgh-agent"], State: "exited" },
  { Id: "c0de", Names: ["/web", "/other/alias"], State: "running" },
];
const IMAGE = {
  Id: "sha256:0437",
  RepoTags: [AGENT_IMAGE],
  Config: { User: "agent", Env: ["PATH=/usr/bin:/bin", "HOME=/home/agent"], Cmd: ["/bin/sh"], Entrypoint: ["/usr/bin/tini", "--"], Labels: null },
};
const MISSING = { status: 404, body: { message: "no such image: x: No such image: x" } };

/** A socket GET answering from a table by path (without the query); records every path asked. */
function fakeSocket(answers: Record<string, SocketAnswer | Error>) {
  const asked: string[] = [];
  const get: SocketGet = async (socket, path) => {
    if (socket !== SOCKET) throw new Error(`asked the wrong socket: ${socket}`);
    asked.push(path);
    const answer = answers[path.split("?")[0]!];
    if (answer instanceof Error) throw answer;
    return answer ?? { status: 404, body: { message: "page not found" } };
  };
  return { get, asked };
}

/** The same engine as the docker CLI prints it (the formats prepare and its helpers use). */
const CLI_REPLIES: Reply[] = [
  { match: /^docker info --format \{\{json \.Runtimes\}\}/, stdout: `${JSON.stringify(INFO.Runtimes)}\n` },
  { match: /^docker info --format \{\{\.OperatingSystem\}\}/, stdout: `${INFO.OperatingSystem}\t${JSON.stringify(INFO.SecurityOptions)}\n` },
  { match: /^docker context inspect/, stdout: `default\tunix://${SOCKET}\n` },
  { match: /^docker ps --all --format/, stdout: "claude-abcdefgh-agent\nweb\n" },
  { match: (argv) => argv[1] === "image" && argv.at(-1) === AGENT_IMAGE, stdout: '["/usr/bin/tini","--"]\t["/bin/sh"]\t"agent"\t["PATH=/usr/bin:/bin","HOME=/home/agent"]\n' },
  { match: (argv) => argv[1] === "image" && argv.at(-1) === GATE_IMAGE, stdout: "sha256:9a7e\n" },
  { match: /^docker image inspect/, exitCode: 1, stderr: "Error: No such image" },
];

function deps(options: { socket?: SocketGet; replies?: Reply[]; env?: Record<string, string> } = {}) {
  const recorder = recordingRunner(options.replies ?? CLI_REPLIES);
  const env = { HOME: "/home/u", XDG_STATE_HOME: "/nonexistent/state", DOCKER_HOST: `unix://${SOCKET}`, CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-unit", ...options.env };
  const value: BackendDeps = {
    runner: recorder.runner,
    paths: bottlePaths(env),
    env,
    settings: readSettings(env),
    log: () => {},
    ...(options.socket === undefined ? {} : { socketGet: options.socket }),
  };
  return { deps: value, calls: recorder.calls };
}

const healthy = () =>
  fakeSocket({
    "/info": { status: 200, body: INFO },
    "/containers/json": { status: 200, body: CONTAINERS },
    [`/images/${AGENT_IMAGE}/json`]: { status: 200, body: IMAGE },
    [`/images/${GATE_IMAGE}/json`]: { status: 200, body: { Id: "sha256:9a7e", Config: { User: "", Env: null, Cmd: null, Entrypoint: ["/usr/local/bin/bottle", "gate"] } } },
    "/images/bottle-base:bookworm/json": MISSING,
  });

describe("engineQuestions through the Engine API", () => {
  test("one GET /info answers runtimes and location; no docker CLI runs", async () => {
    const { get, asked } = healthy();
    const { deps: d, calls } = deps({ socket: get, env: { DOCKER_HOST: `unix://${SOCKET}` } });
    expect(await engineQuestions(d).engine()).toEqual({
      info: { runtimes: ["io.containerd.runc.v2", "runc", "runsc"] },
      location: { context: "default", endpoint: `unix://${SOCKET}`, sharesFiles: true, reachesBridges: true },
    });
    expect(asked).toEqual(["/info"]);
    expect(calls).toHaveLength(0);
  });

  test("a rootless engine or Docker Desktop shares files but not routes, as the CLI's answer says", async () => {
    for (const [system, security] of [
      ["Ubuntu 24.04 LTS", ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"]],
      ["Docker Desktop", ["name=seccomp,profile=unconfined"]],
    ] as const) {
      const { get } = fakeSocket({ "/info": { status: 200, body: { ...INFO, OperatingSystem: system, SecurityOptions: security } } });
      const { location } = await engineQuestions(deps({ socket: get }).deps).engine();
      expect(location).toMatchObject({ sharesFiles: true, reachesBridges: false });
    }
  });

  test("SecurityOptions null (an engine with none) is an empty list", async () => {
    const { get } = fakeSocket({ "/info": { status: 200, body: { ...INFO, SecurityOptions: null } } });
    const { calls, deps: d } = deps({ socket: get });
    expect((await engineQuestions(d).engine()).location.reachesBridges).toBe(true);
    expect(calls).toHaveLength(0);
  });

  test("container names lose their leading `/`; a legacy link's name is not one", async () => {
    const { get } = healthy();
    expect([...(await engineQuestions(deps({ socket: get }).deps).containerNames())].sort()).toEqual(["claude-abcdefgh-agent", "web"]);
  });

  test("an image's config and home as `docker image inspect` gives them; a 404 is an image the engine lacks", async () => {
    const { get } = healthy();
    const { deps: d, calls } = deps({ socket: get });
    const ask = engineQuestions(d);
    expect(await ask.imageConfig(AGENT_IMAGE)).toEqual({ entrypoint: ["/usr/bin/tini", "--"], cmd: ["/bin/sh"], user: "agent", home: "/home/agent" });
    expect(await ask.imagePresent(AGENT_IMAGE)).toBe(true);
    expect(await ask.imagePresent("bottle-base:bookworm")).toBe(false);
    expect(await ask.imageConfig("bottle-base:bookworm")).toBeUndefined();
    expect(calls).toHaveLength(0);
  });

  test("an image with no config (`Config: null`) runs as root with no command of its own", async () => {
    const { get } = fakeSocket({ "/images/bare:1/json": { status: 200, body: { Id: "sha256:1", Config: null } } });
    expect(await engineQuestions(deps({ socket: get }).deps).imageConfig("bare:1")).toEqual({ entrypoint: null, cmd: null, user: "", home: "/root" });
  });
});

describe("engineQuestions falls back to the docker CLI", () => {
  test("no socket GET (a test's recorder, or a runner handed in): only the CLI is asked", async () => {
    const { deps: d, calls } = deps();
    const ask = engineQuestions(d);
    expect((await ask.engine()).info.runtimes).toEqual(["io.containerd.runc.v2", "runc", "runsc"]);
    expect(await ask.imageConfig(AGENT_IMAGE)).toEqual({ entrypoint: ["/usr/bin/tini", "--"], cmd: ["/bin/sh"], user: "agent", home: "/home/agent" });
    expect(calls.map((call) => call.argv.slice(0, 3).join(" ")).sort()).toEqual(["docker context inspect", "docker image inspect", "docker info --format", "docker info --format"]);
  });

  test("a remote engine (DOCKER_HOST=tcp://…): the CLI, and its socket is never asked", async () => {
    const { get, asked } = healthy();
    const { deps: d, calls } = deps({ socket: get, env: { DOCKER_HOST: "tcp://10.0.0.5:2376" } });
    await engineQuestions(d).containerNames();
    expect(asked).toEqual([]);
    expect(calls.map((call) => call.argv.slice(0, 2).join(" "))).toEqual(["docker ps"]);
  });

  test("a socket that fails (no socket, no permission, a timeout): each question goes to the CLI", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const { get } = fakeSocket({ "/info": refused, "/containers/json": refused, [`/images/${AGENT_IMAGE}/json`]: refused });
    const { deps: d, calls } = deps({ socket: get });
    const ask = engineQuestions(d);
    expect((await ask.engine()).location.context).toBe("default");
    expect([...(await ask.containerNames())]).toEqual(["claude-abcdefgh-agent", "web"]);
    expect((await ask.imageConfig(AGENT_IMAGE))?.home).toBe("/home/agent");
    expect(calls.map((call) => call.argv[1]).sort()).toEqual(["context", "image", "info", "info", "ps"]);
  });

  test("an answer bottle does not read (a status, a missing field, a wrong type) goes to the CLI", async () => {
    for (const info of [
      { status: 500, body: { message: "daemon is shutting down" } },
      { status: 200, body: { ...INFO, Runtimes: undefined } },
      { status: 200, body: { ...INFO, SecurityOptions: "name=rootless" } },
      { status: 200, body: "<html>a proxy's page</html>" },
    ]) {
      const { get } = fakeSocket({ "/info": info, "/containers/json": { status: 200, body: [{ Names: "/web" }] }, [`/images/${AGENT_IMAGE}/json`]: { status: 200, body: { Config: {} } } });
      const { deps: d, calls } = deps({ socket: get });
      const ask = engineQuestions(d);
      expect((await ask.engine()).info.runtimes).toContain("runc");
      await ask.containerNames();
      await ask.imageConfig(AGENT_IMAGE);
      expect(calls.map((call) => call.argv[1]).sort()).toEqual(["context", "image", "info", "info", "ps"]);
    }
  });

  test("a reference the API path cannot carry as it is goes to the CLI", async () => {
    const { get, asked } = healthy();
    const { deps: d, calls } = deps({ socket: get });
    expect(await engineQuestions(d).imagePresent("bad ref?x=1")).toBe(false);
    expect(asked).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  test("an engine that is down: the CLI's one-line error with the fix, not the socket's", async () => {
    const { get } = fakeSocket({ "/info": new Error("connect ENOENT /run/test-engine.sock") });
    const down: Reply[] = [{ match: /^docker /, exitCode: 1, stderr: "Cannot connect to the Docker daemon at unix:///run/test-engine.sock. Is the docker daemon running?" }];
    const { deps: d } = deps({ socket: get, replies: down });
    const spec = testSpec({ identity: "claude-abcdefgh", agentName: "claude", manifestDir: "/tmp", agent: { image: AGENT_IMAGE, command: ["claude"] } });
    await expect(prepare(spec, { ...d, env: { ...d.env, BOTTLE_GATE_IMAGE: GATE_IMAGE } })).rejects.toThrow(/the Docker engine is not running or not reachable \(Cannot connect/);
  });
});

describe("prepare plans the same through the API as through the CLI", () => {
  /** The plan with its random subnets masked (prepare picks two at random each time). */
  const masked = (plan: Plan<DockerDetails>) =>
    JSON.parse(JSON.stringify({ ...plan, details: { ...plan.details, subnets: "<random>" } }).replace(/10\.213\.\d+\.\d+\/28/g, "<subnet>"));

  for (const gate of [GATE_IMAGE, undefined]) {
    test(`${gate === undefined ? "a gate image built from this source" : "a gate image named by BOTTLE_GATE_IMAGE"}`, async () => {
      const spec = testSpec({ identity: "claude-abcdefgh", agentName: "claude", manifestDir: "/tmp", agent: { image: AGENT_IMAGE, command: ["claude"] } });
      const env: Record<string, string> = gate === undefined ? {} : { BOTTLE_GATE_IMAGE: gate };
      const viaCli = deps({ env });
      const { get, asked } = healthy();
      const viaApi = deps({ socket: get, env });
      const [cli, api] = [await prepare(spec, viaCli.deps), await prepare(spec, viaApi.deps)];
      expect(masked(api)).toEqual(masked(cli));
      // The taken agent name moved aside, the image's home known, nothing to build but what is missing.
      expect(api.details.names.agent).toBe("claude-abcdefgh-agent-2");
      expect(api.details.found.agentImage?.home).toBe("/home/agent");
      expect(api.details.found.gateImage).toBe(gate !== undefined);
      expect(viaApi.calls).toHaveLength(0);
      expect(viaCli.calls.length).toBeGreaterThanOrEqual(5);
      expect(asked.map((path) => path.split("?")[0])).toContain("/info");
    });
  }
});
