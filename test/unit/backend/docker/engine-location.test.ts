import { describe, expect, test } from "bun:test";
import { describeEngine, parseEngineLocation } from "../../../../src/backend/docker/engine-location.ts";

describe("parseEngineLocation", () => {
  test("a rootful engine on this host's socket shares files and routes", () => {
    const location = parseEngineLocation("default\tunix:///var/run/docker.sock\n", 'Debian GNU/Linux 12 (bookworm)\t["name=seccomp,profile=default"]\n');
    expect(location).toEqual({ context: "default", endpoint: "unix:///var/run/docker.sock", sharesFiles: true, reachesBridges: true });
    expect(describeEngine(location)).toBe("unix:///var/run/docker.sock (context default), local");
  });

  test("Docker Desktop and rootless engines share files but their bridges are not routed here", () => {
    const desktop = parseEngineLocation("desktop-linux\tunix:///home/me/.docker/desktop/docker.sock", 'Docker Desktop\t["name=seccomp,profile=unconfined","name=cgroupns"]');
    const rootless = parseEngineLocation("rootless\tunix:///run/user/1000/docker.sock", 'Ubuntu 24.04\t["name=seccomp,profile=builtin","name=rootless"]');
    for (const location of [desktop, rootless]) expect([location.sharesFiles, location.reachesBridges]).toEqual([true, false]);
  });

  test("tcp:// and ssh:// engines share nothing with this host", () => {
    for (const endpoint of ["tcp://198.18.0.2:2376", "ssh://root@build-host"]) {
      const location = parseEngineLocation(`remote\t${endpoint}`, "Debian GNU/Linux 12\t[]");
      expect([location.sharesFiles, location.reachesBridges]).toEqual([false, false]);
      expect(describeEngine(location)).toBe(`${endpoint} (context remote), remote`);
    }
  });
});
