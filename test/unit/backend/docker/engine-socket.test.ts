import { describe, expect, test } from "bun:test";
import { DEFAULT_ENGINE_SOCKET, engineSocket } from "../../../../src/backend/docker/engine-socket.ts";

/** A docker config folder holding `config.json` with `text` (or none). */
function config(text: string | undefined) {
  const reads: string[] = [];
  return { reads, read: (path: string) => (reads.push(path), text) };
}

describe("engineSocket: when bottle may ask the engine's socket instead of the docker CLI", () => {
  test("nothing set and no config: docker's default socket", () => {
    const { read, reads } = config(undefined);
    expect(engineSocket({ HOME: "/home/me" }, read)).toBe(DEFAULT_ENGINE_SOCKET);
    expect(reads).toEqual(["/home/me/.docker/config.json"]);
  });

  test("DOCKER_CONFIG names the config folder", () => {
    const { read, reads } = config("{}");
    expect(engineSocket({ HOME: "/home/me", DOCKER_CONFIG: "/etc/dock" }, read)).toBe(DEFAULT_ENGINE_SOCKET);
    expect(reads).toEqual(["/etc/dock/config.json"]);
  });

  test("a unix DOCKER_HOST is its socket; any other host is the CLI's to reach", () => {
    const { read } = config('{"currentContext":"remote"}');
    expect(engineSocket({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" }, read)).toBe("/run/user/1000/docker.sock");
    for (const host of ["tcp://198.18.0.2:2376", "ssh://root@build-host", "npipe:////./pipe/docker_engine", "unix://"]) {
      expect(engineSocket({ DOCKER_HOST: host }, read)).toBeUndefined();
    }
  });

  test("DOCKER_HOST wins over DOCKER_CONTEXT, as the docker CLI decides", () => {
    expect(engineSocket({ DOCKER_HOST: "unix:///tmp/d.sock", DOCKER_CONTEXT: "remote" }, config(undefined).read)).toBe("/tmp/d.sock");
    expect(engineSocket({ DOCKER_HOST: "tcp://h:2376", DOCKER_CONTEXT: "default" }, config(undefined).read)).toBeUndefined();
  });

  test("a named context (DOCKER_CONTEXT, `--context`, or the config's current one) goes through the CLI", () => {
    expect(engineSocket({ DOCKER_CONTEXT: "remote" }, config(undefined).read)).toBeUndefined();
    expect(engineSocket({ DOCKER_CONTEXT: "default" }, config('{"currentContext":"remote"}').read)).toBe(DEFAULT_ENGINE_SOCKET);
    expect(engineSocket({}, config('{"currentContext":"desktop-linux","auths":{}}').read)).toBeUndefined();
    expect(engineSocket({}, config('{"currentContext":"default"}').read)).toBe(DEFAULT_ENGINE_SOCKET);
    expect(engineSocket({}, config('{"auths":{},"credsStore":"pass"}').read)).toBe(DEFAULT_ENGINE_SOCKET);
  });

  test("a config bottle cannot read leaves the decision to the CLI", () => {
    expect(engineSocket({}, config("{not json").read)).toBeUndefined();
    expect(engineSocket({}, config('{"currentContext":7}').read)).toBeUndefined();
    expect(engineSocket({}, config("[]").read)).toBeUndefined();
  });
});
