import { describe, expect, test } from "bun:test";
import { DEFAULT_ENGINE_SOCKET, engineSocket } from "../../../../src/backend/docker/engine-socket.ts";

/** The docker CLI's files by path (anything else is missing); records every path read. */
function files(byPath: Record<string, string>) {
  const reads: string[] = [];
  return { reads, read: (path: string) => (reads.push(path), byPath[path]) };
}

/** Where docker 20.10–28 keeps a named context's endpoint: `contexts/meta/<sha256 of the name>/meta.json`. */
const metaPath = (folder: string, name: string) => `${folder}/contexts/meta/${new Bun.CryptoHasher("sha256").update(name).digest("hex")}/meta.json`;
/** A meta.json as `docker context create NAME --docker host=HOST` writes it (docker 20.10.24). */
const meta = (name: string, host: string) => JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } });

const HOME = "/home/me";
const CONFIG = `${HOME}/.docker/config.json`;

describe("engineSocket: when bottle may ask the engine's socket instead of the docker CLI", () => {
  test("nothing set and no config: docker's default socket", () => {
    const { read, reads } = files({});
    expect(engineSocket({ HOME }, read)).toBe(DEFAULT_ENGINE_SOCKET);
    expect(reads).toEqual([CONFIG]);
  });

  test("the meta file's name is the context name's sha256, as docker writes it", () => {
    // Seen on docker 20.10.24: `docker context create bench-ctx` made this folder.
    expect(metaPath("/c", "bench-ctx")).toBe("/c/contexts/meta/64030aaf460e0965d510c0d8b79e4dc0b24c860d1d810fd27c36e68fee9b6292/meta.json");
  });

  test("DOCKER_CONFIG names the config folder, contexts included", () => {
    const { read, reads } = files({ "/etc/dock/config.json": '{"currentContext":"rootless"}', [metaPath("/etc/dock", "rootless")]: meta("rootless", "unix:///run/user/1000/docker.sock") });
    expect(engineSocket({ HOME, DOCKER_CONFIG: "/etc/dock" }, read)).toBe("/run/user/1000/docker.sock");
    expect(reads).toEqual(["/etc/dock/config.json", metaPath("/etc/dock", "rootless")]);
  });

  test("a unix DOCKER_HOST is its socket; any other host is the CLI's to reach", () => {
    const { read } = files({ [CONFIG]: '{"currentContext":"remote"}' });
    expect(engineSocket({ HOME, DOCKER_HOST: "unix:///run/user/1000/docker.sock" }, read)).toBe("/run/user/1000/docker.sock");
    for (const host of ["tcp://198.18.0.2:2376", "ssh://root@build-host", "npipe:////./pipe/docker_engine", "unix://"]) {
      expect(engineSocket({ HOME, DOCKER_HOST: host }, read)).toBeUndefined();
    }
  });

  test("DOCKER_HOST wins over DOCKER_CONTEXT, as the docker CLI decides", () => {
    const { read } = files({ [metaPath(`${HOME}/.docker`, "remote")]: meta("remote", "tcp://h:2376") });
    expect(engineSocket({ HOME, DOCKER_HOST: "unix:///tmp/d.sock", DOCKER_CONTEXT: "remote" }, read)).toBe("/tmp/d.sock");
    expect(engineSocket({ HOME, DOCKER_HOST: "tcp://h:2376", DOCKER_CONTEXT: "default" }, read)).toBeUndefined();
  });

  test("DOCKER_CONTEXT (`--context`) wins over the config's current context", () => {
    const { read } = files({
      [CONFIG]: '{"currentContext":"remote"}',
      [metaPath(`${HOME}/.docker`, "remote")]: meta("remote", "ssh://root@build-host"),
      [metaPath(`${HOME}/.docker`, "desktop-linux")]: meta("desktop-linux", `unix://${HOME}/.docker/desktop/docker.sock`),
    });
    expect(engineSocket({ HOME }, read)).toBeUndefined();
    expect(engineSocket({ HOME, DOCKER_CONTEXT: "default" }, read)).toBe(DEFAULT_ENGINE_SOCKET);
    expect(engineSocket({ HOME, DOCKER_CONTEXT: "desktop-linux" }, read)).toBe(`${HOME}/.docker/desktop/docker.sock`);
  });

  test("a context on tcp or ssh, or one with no meta file, goes through the CLI", () => {
    const { read } = files({
      [CONFIG]: '{"currentContext":"remote","auths":{}}',
      [metaPath(`${HOME}/.docker`, "remote")]: meta("remote", "tcp://198.18.0.2:2376"),
    });
    expect(engineSocket({ HOME }, read)).toBeUndefined();
    expect(engineSocket({ HOME, DOCKER_CONTEXT: "gone" }, read)).toBeUndefined();
  });

  test("a config without currentContext, or with `default`, is docker's own socket", () => {
    for (const text of ['{"auths":{},"credsStore":"pass"}', '{"currentContext":"default"}', '{"currentContext":""}']) {
      expect(engineSocket({ HOME }, files({ [CONFIG]: text }).read)).toBe(DEFAULT_ENGINE_SOCKET);
    }
  });

  test("a file bottle cannot read leaves the decision to the CLI", () => {
    for (const text of ["{not json", '{"currentContext":7}', "[]"]) expect(engineSocket({ HOME }, files({ [CONFIG]: text }).read)).toBeUndefined();
    for (const text of ["{not json", '{"Endpoints":{}}', "[]"]) {
      expect(engineSocket({ HOME, DOCKER_CONTEXT: "odd" }, files({ [metaPath(`${HOME}/.docker`, "odd")]: text }).read)).toBeUndefined();
    }
  });
});
