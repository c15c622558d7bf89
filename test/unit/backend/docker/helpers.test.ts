import { describe, expect, test } from "bun:test";
import { agentCommand, promptArgs } from "../../../../src/backend/agent/agent-command.ts";
import { envFileText } from "../../../../src/backend/agent/agent-env.ts";
import { routeSecretNames } from "../../../../src/manifest/route-secrets.ts";
import { agentHome } from "../../../../src/backend/agent/agent-home.ts";
import { lddLibraries, pruneGateImages } from "../../../../src/backend/images/gate-image.ts";
import { dockerNames } from "../../../../src/backend/docker/names.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

describe("docker backend helpers", () => {
  test("ldd output gives the libraries and the loader", () => {
    const output = [
      "\tlinux-vdso.so.1 (0x00007fff)",
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f)",
      "\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f)",
    ].join("\n");
    expect(lddLibraries(output)).toEqual(["/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libm.so.6"]);
  });

  test("route secrets are the ${NAME}s of inject values, once each", () => {
    const route = (value: string) => ({ name: "r", upstream: "https://x", roles: [], inject: { header: "authorization", value } });
    expect(routeSecretNames({ allow: [], deny: [], allow_cidrs: [], dlp: { action: "block" }, routes: [route("Bearer ${A}"), route("${B}:${A}")] })).toEqual(["A", "B"]);
  });

  test("the agent command falls back to the image's entrypoint and cmd", () => {
    const image = { user: "", home: "/root" };
    expect(agentCommand(["claude"], { ...image, entrypoint: ["x"], cmd: null })).toEqual(["claude"]);
    expect(agentCommand([], { ...image, entrypoint: ["/bin/agent"], cmd: ["--flag"] })).toEqual(["/bin/agent", "--flag"]);
    expect(() => agentCommand([], { ...image, entrypoint: null, cmd: null })).toThrow(BottleError);
  });

  test("the agent's home is the image's HOME, else /root for root, else /home/USER", () => {
    expect(agentHome("agent", ["PATH=/bin", "HOME=/home/agent"])).toBe("/home/agent");
    expect(agentHome("", [])).toBe("/root");
    expect(agentHome("0:0", [])).toBe("/root");
    expect(agentHome("dev:dev", ["HOME=relative"])).toBe("/home/dev");
  });

  test("claude takes -p, other agents the prompt as the last argument", () => {
    expect(promptArgs(["/usr/local/bin/claude", "--x"], "hi")).toEqual(["-p", "hi"]);
    expect(promptArgs(["sh", "-c"], "exit 3")).toEqual(["exit 3"]);
  });

  test("env-file lines are KEY=VALUE, verbatim", () => {
    expect(envFileText({ A: "1", B: "x y=z" })).toBe("A=1\nB=x y=z\n");
  });

  test("taken unpinned names get a free suffix", () => {
    const names = dockerNames("a-bcdefghi", { taken: new Set(["a-bcdefghi-agent", "a-bcdefghi-agent-2"]) });
    expect(names.agent).toBe("a-bcdefghi-agent-3");
    expect(names.gate).toBe("a-bcdefghi-gate");
  });
});

describe("subnets", () => {
  test("a /28 slot of the pool, aligned", async () => {
    const { pickSubnet, subnetTaken } = await import("../../../../src/backend/docker/subnet.ts");
    expect(pickSubnet("10.213.0.0/16", () => 0)).toBe("10.213.0.0/28");
    expect(pickSubnet("10.213.0.0/16", () => 4095)).toBe("10.213.255.240/28");
    expect(pickSubnet("192.168.50.7/24", () => 1)).toBe("192.168.50.16/28");
    expect(() => pickSubnet("nonsense")).toThrow(BottleError);
    expect(subnetTaken("Error response from daemon: Pool overlaps with other one on this address space")).toBe(true);
  });
});

describe("pruneGateImages", () => {
  test("removes the other gate images of this builder only, never the one kept, and tolerates refusals", async () => {
    const { runner, calls } = recordingRunner([
      { match: /image ls/, stdout: "bottle-gate:0.1.0-old1\nbottle-gate:0.1.0-keep\n<none>:<none>\nbottle-gate:0.1.0-old2\n" },
      { match: /image rm/, exitCode: 1, stderr: "conflict: image is being used by running container" },
    ]);
    await pruneGateImages(runner, "bottle-gate:0.1.0-keep", "builder-1");
    expect(calls[0]?.argv).toContain("label=dev.bottle.role=gate-image");
    // Another checkout's or binary's gate images are not this one's to prune.
    expect(calls[0]?.argv).toContain("label=dev.bottle.gate.builder=builder-1");
    expect(calls[1]?.argv).toEqual(["docker", "image", "rm", "bottle-gate:0.1.0-old1", "bottle-gate:0.1.0-old2"]);
  });

  test("runs no rm when there is nothing stale", async () => {
    const { runner, calls } = recordingRunner([{ match: /image ls/, stdout: "bottle-gate:0.1.0-keep\n" }]);
    await pruneGateImages(runner, "bottle-gate:0.1.0-keep", "builder-1");
    expect(calls).toHaveLength(1);
  });
});
