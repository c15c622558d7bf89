import { describe, expect, test } from "bun:test";
import { volumeSizes, volumeUsage } from "../../../../src/backend/docker/volume-sizes.ts";
import { workspaceSizes } from "../../../../src/backend/docker/workspace-sizes.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import type { SocketAnswer, SocketGet } from "../../../../src/core/socket-get.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

const OWNER = "/home/me/.local/state/bottle";
const labels = (identity: string) => ({ "dev.bottle.identity": identity, "dev.bottle.owner": OWNER, "dev.bottle.role": "volume" });

/** Trimmed from Docker 20.10.24's `GET /system/df` (API 1.41): it answers every section, whatever `type` asks. */
const API_DF = {
  LayersSize: 1,
  Images: [],
  Containers: [],
  Volumes: [
    { Name: "bb-aaaaaaaa-workspace", Driver: "local", Labels: labels("bb-aaaaaaaa"), UsageData: { RefCount: 1, Size: 36 } },
    { Name: "bb-aaaaaaaa-home", Labels: labels("bb-aaaaaaaa"), UsageData: { RefCount: 1, Size: 8457 } },
    { Name: "bb-bbbbbbbb-workspace", Labels: { ...labels("bb-bbbbbbbb"), "dev.bottle.owner": "/someone/else" }, UsageData: { RefCount: 0, Size: 5 } },
    { Name: "unmeasured", Labels: null, UsageData: { RefCount: -1, Size: -1 } },
  ],
  BuildCache: null,
};
/** `docker system df -v --format '{{json .Volumes}}'` for the same engine. */
const CLI_DF = JSON.stringify([
  { Name: "bb-aaaaaaaa-workspace", Labels: "dev.bottle.identity=bb-aaaaaaaa,dev.bottle.owner=/home/me/.local/state/bottle,dev.bottle.role=volume", Size: "36B" },
  { Name: "bb-aaaaaaaa-home", Labels: "dev.bottle.identity=bb-aaaaaaaa,dev.bottle.owner=/home/me/.local/state/bottle,dev.bottle.role=volume", Size: "8.457kB" },
  { Name: "plain", Labels: "", Size: "N/A" },
]);

function deps(answer?: SocketAnswer | Error) {
  const recorder = recordingRunner([{ match: /^docker system df /, stdout: CLI_DF }]);
  const asked: string[] = [];
  const socketGet: SocketGet = async (_socket, path) => {
    asked.push(path);
    if (answer instanceof Error) throw answer;
    return answer!;
  };
  const d: BackendDeps = {
    runner: recorder.runner,
    paths: { ...bottlePaths({ HOME: "/nowhere" }), state: OWNER },
    env: { HOME: "/nowhere" },
    settings: {},
    log: () => {},
    ...(answer === undefined ? {} : { socketGet }),
  };
  return { deps: d, calls: recorder.calls, asked };
}

describe("volume sizes: the engine API's exact bytes, else the CLI's text", () => {
  test("from the socket: bytes as the engine counts them, -1 as unknown; no docker process", async () => {
    const { deps: d, calls, asked } = deps({ status: 200, body: API_DF });
    expect(await volumeUsage(d)).toEqual([
      { name: "bb-aaaaaaaa-workspace", labels: labels("bb-aaaaaaaa"), bytes: 36 },
      { name: "bb-aaaaaaaa-home", labels: labels("bb-aaaaaaaa"), bytes: 8457 },
      { name: "bb-bbbbbbbb-workspace", labels: { ...labels("bb-bbbbbbbb"), "dev.bottle.owner": "/someone/else" }, bytes: 5 },
      { name: "unmeasured", labels: {}, bytes: undefined },
    ]);
    expect(asked).toEqual(["/system/df?type=volume"]);
    expect(calls).toEqual([]);
    expect(await workspaceSizes(d)).toEqual({ "bb-aaaaaaaa": 36 });
  });

  test("through the CLI (no socket, or one that fails or answers oddly): sizes parsed from its text", async () => {
    for (const answer of [undefined, new Error("connect ECONNREFUSED"), { status: 500, body: { message: "boom" } }, { status: 200, body: { Volumes: "x" } }]) {
      const { deps: d, calls } = deps(answer);
      expect(await workspaceSizes(d)).toEqual({ "bb-aaaaaaaa": 36 });
      expect(calls.map((call) => call.argv.slice(0, 4).join(" "))).toEqual(["docker system df --verbose"]);
    }
  });

  test("for people, by name, as cleanup --all lists them; an unmeasured volume has none", async () => {
    expect(await volumeSizes(deps({ status: 200, body: API_DF }).deps)).toEqual(
      new Map([["bb-aaaaaaaa-workspace", "36B"], ["bb-aaaaaaaa-home", "8.5kB"], ["bb-bbbbbbbb-workspace", "5B"]]),
    );
    expect((await volumeSizes(deps().deps)).get("bb-aaaaaaaa-home")).toBe("8.5kB");
  });

  test("a CLI that fails or prints something else is no sizes, not an error", async () => {
    for (const reply of [{ match: /^docker system df /, exitCode: 1, stderr: "Cannot connect" }, { match: /^docker system df /, stdout: "not json" }, { match: /^docker system df /, stdout: '{"a":1}' }]) {
      const recorder = recordingRunner([reply]);
      expect(await volumeUsage({ ...deps().deps, runner: recorder.runner })).toEqual([]);
    }
  });
});
