import { describe, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiEngineObjects } from "../../../../src/backend/docker/engine-api.ts";
import { list } from "../../../../src/backend/docker/list.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import type { SocketAnswer, SocketGet } from "../../../../src/core/socket-get.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

const OWNER = "/home/me/.local/state/bottle";
const labels = (identity: string, role: string) => ({ "dev.bottle.identity": identity, "dev.bottle.owner": OWNER, "dev.bottle.role": role, "dev.bottle.version": "0.1.0" });

/** Trimmed from Docker 20.10.24's answers (API 1.41): only some of the fields bottle ignores are kept. */
const CONTAINERS = [
  { Id: "bea7", Names: ["/claude-aaaaaaaa-gate"], Image: "bottle-gate:0.1.0", Labels: labels("claude-aaaaaaaa", "gate"), State: "exited", Status: "Exited (255) 6 minutes ago" },
  { Id: "c0de", Names: ["/other/alias", "/claude-aaaaaaaa-agent"], Labels: labels("claude-aaaaaaaa", "agent"), State: "running", Status: "Up 2 minutes" },
];
const NETWORKS = [{ Name: "claude-aaaaaaaa-internal", Id: "cd45", Driver: "bridge", Internal: true, Labels: labels("claude-aaaaaaaa", "network") }];
const VOLUMES = { Volumes: [{ Name: "claude-aaaaaaaa-workspace", Driver: "local", Labels: labels("claude-aaaaaaaa", "volume"), Options: null }], Warnings: null };

/** A socket GET answering from a table by path (without the query); records every path asked. */
function fakeSocket(answers: Record<string, SocketAnswer | Error>) {
  const asked: { socket: string; path: string }[] = [];
  const get: SocketGet = async (socket, path) => {
    asked.push({ socket, path });
    const answer = answers[path.split("?")[0]!];
    if (answer instanceof Error) throw answer;
    return answer ?? { status: 404, body: { message: "page not found" } };
  };
  return { get, asked };
}

const healthy = () => fakeSocket({ "/containers/json": { status: 200, body: CONTAINERS }, "/networks": { status: 200, body: NETWORKS }, "/volumes": { status: 200, body: VOLUMES } });

describe("apiEngineObjects: the engine's answers, validated, as the CLI's rows", () => {
  test("containers, networks and volumes become the rows findEngineObjects makes", async () => {
    const { get } = healthy();
    expect(await apiEngineObjects(get, "/var/run/docker.sock", OWNER, undefined, ["container", "network", "volume"])).toEqual([
      { kind: "container", name: "claude-aaaaaaaa-gate", identity: "claude-aaaaaaaa", role: "gate", state: "exited" },
      { kind: "container", name: "claude-aaaaaaaa-agent", identity: "claude-aaaaaaaa", role: "agent", state: "running" },
      { kind: "network", name: "claude-aaaaaaaa-internal", identity: "claude-aaaaaaaa", role: "network", state: "" },
      { kind: "volume", name: "claude-aaaaaaaa-workspace", identity: "claude-aaaaaaaa", role: "volume", state: "" },
    ]);
  });

  test("the query is the CLI's label filter, on the socket it was given, with no API version in the path", async () => {
    const { get, asked } = healthy();
    await apiEngineObjects(get, "/run/user/1000/docker.sock", OWNER, "claude-aaaaaaaa", ["container"]);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.socket).toBe("/run/user/1000/docker.sock");
    const url = new URL(`http://engine${asked[0]!.path}`);
    expect(url.pathname).toBe("/containers/json");
    expect(url.searchParams.get("all")).toBe("1");
    expect(JSON.parse(url.searchParams.get("filters")!)).toEqual({ label: [`dev.bottle.owner=${OWNER}`, "dev.bottle.identity=claude-aaaaaaaa"] });
  });

  test("no volumes is `null` on Docker 20.10, and an object without labels has none", async () => {
    const { get } = fakeSocket({ "/volumes": { status: 200, body: { Volumes: null, Warnings: null } }, "/networks": { status: 200, body: [{ Name: "n", Labels: null }] } });
    expect(await apiEngineObjects(get, "/s", OWNER, undefined, ["volume", "network"])).toEqual([{ kind: "network", name: "n", identity: "", role: "", state: "" }]);
  });

  test("an error status or an answer of another shape is an error, never an empty list", async () => {
    const refused = fakeSocket({ "/containers/json": { status: 400, body: { message: "invalid filter" } } });
    await expect(apiEngineObjects(refused.get, "/s", OWNER, undefined, ["container"])).rejects.toThrow("answered /containers/json with 400");
    const odd = fakeSocket({ "/containers/json": { status: 200, body: [{ Names: "claude-aaaaaaaa-agent", State: "running" }] } });
    await expect(apiEngineObjects(odd.get, "/s", OWNER, undefined, ["container"])).rejects.toThrow("not what bottle reads");
    const text = fakeSocket({ "/containers/json": { status: 200, body: "<html>proxy</html>" } });
    await expect(apiEngineObjects(text.get, "/s", OWNER, undefined, ["container"])).rejects.toThrow("not what bottle reads");
  });
});

describe("docker list: the engine API when it can, the docker CLI otherwise", () => {
  const CLI_ROW = "claude-bbbbbbbb-agent\tclaude-bbbbbbbb\tagent\trunning\n";

  async function deps(env: Record<string, string>, socketGet?: SocketGet) {
    const root = await mkdtemp(join(tmpdir(), "bottle-engine-api-"));
    const recorder = recordingRunner([{ match: /^docker ps /, stdout: CLI_ROW }]);
    const paths = { ...bottlePaths({ XDG_STATE_HOME: join(root, "state"), HOME: root }), state: OWNER };
    const d: BackendDeps = { runner: recorder.runner, paths, env: { HOME: root, ...env }, settings: {}, log: () => {}, ...(socketGet === undefined ? {} : { socketGet }) };
    return { deps: d, calls: recorder.calls };
  }

  test("a local default engine is asked on its socket: no docker process at all", async () => {
    const { get, asked } = healthy();
    const { deps: d, calls } = await deps({}, get);
    expect((await list(d)).map((bottle) => bottle.identity)).toEqual(["claude-aaaaaaaa"]);
    expect(asked.map((entry) => entry.socket)).toEqual(["/var/run/docker.sock"]);
    expect(calls).toEqual([]);
  });

  test("without a socket GET (a recorder's world) the CLI answers", async () => {
    const { deps: d, calls } = await deps({});
    expect((await list(d)).map((bottle) => bottle.identity)).toEqual(["claude-bbbbbbbb"]);
    expect(calls.map((call) => call.argv.slice(0, 3).join(" "))).toEqual(["docker ps --all"]);
  });

  test("a remote engine or a named context goes through the CLI, the socket untouched", async () => {
    for (const env of [{ DOCKER_HOST: "tcp://198.18.0.2:2376" }, { DOCKER_CONTEXT: "remote" }] as Record<string, string>[]) {
      const { get, asked } = healthy();
      const { deps: d, calls } = await deps(env, get);
      expect((await list(d)).map((bottle) => bottle.identity)).toEqual(["claude-bbbbbbbb"]);
      expect(asked).toEqual([]);
      expect(calls).toHaveLength(1);
    }
  });

  test("a socket that fails (no engine there, no permission) or answers oddly falls back to the CLI", async () => {
    const failures = [
      fakeSocket({ "/containers/json": Object.assign(new Error("connect ENOENT /var/run/docker.sock"), { code: "ENOENT" }) }),
      fakeSocket({ "/containers/json": { status: 500, body: { message: "boom" } } }),
      fakeSocket({ "/containers/json": { status: 200, body: { not: "a list" } } }),
    ];
    for (const { get, asked } of failures) {
      const { deps: d, calls } = await deps({}, get);
      expect((await list(d)).map((bottle) => bottle.identity)).toEqual(["claude-bbbbbbbb"]);
      expect(asked).toHaveLength(1);
      expect(calls.map((call) => call.argv[1])).toEqual(["ps"]);
    }
  });
});
