import { afterAll, describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BUSYBOX_IMAGE, ensureBusyboxImage } from "../../helpers/images.ts";
import { describeRemoteEngine, holdRemoteEngine, loadRemoteImages, remoteEngine, runnerWithEnv, type RemoteEngine } from "../../helpers/remote-engine.ts";
import { bottle, cliWorld, type CliWorld } from "../backend/docker/cli.ts";

const worlds: { world: CliWorld; flags: string[] }[] = [];

/** Everything on the second engine made by this world's CLI (its owner label), one line each. */
async function ownedThere(engine: RemoteEngine, world: CliWorld): Promise<string[]> {
  const runner = runnerWithEnv(engine.env);
  const filter = ["--filter", `label=dev.bottle.owner=${world.state}`];
  const [containers, networks, volumes] = await Promise.all([
    runner.run(["docker", "ps", "-a", ...filter, "--format", "container {{.Names}}"]),
    runner.run(["docker", "network", "ls", ...filter, "--format", "network {{.Name}}"]),
    runner.run(["docker", "volume", "ls", ...filter, "--format", "volume {{.Name}}"]),
  ]);
  return `${containers.stdout}${networks.stdout}${volumes.stdout}`.split("\n").filter((line) => line !== "");
}

afterAll(async () => {
  for (const { world, flags } of worlds) await bottle(world, [...flags, "cleanup", "--all", "--yes"]);
}, 120_000);

/**
 * One bottle's life through the CLI on the second engine, found by DOCKER_HOST with TLS
 * client certificates, or by `--context` naming the ssh context.
 */
function remoteLife(transport: "tls" | "ssh") {
  test(`start --cwd --detach, a refusal in the audit, cp, stop, logs --gate, resume, rm (${transport === "tls" ? "DOCKER_HOST=tcp:// with TLS" : "--context NAME over ssh://"})`, async () => {
    const engine = await remoteEngine(transport);
    await ensureBusyboxImage();
    await loadRemoteImages(BUSYBOX_IMAGE);
    const env: Record<string, string> = { ...engine.env, BOTTLE_SUBNET_POOL: "198.19.0.0/17" };
    const flags = transport === "ssh" ? ["--context", "bottle-remote-ssh"] : [];
    // Over ssh the engine is found by --context alone: no DOCKER_HOST names it.
    if (transport === "ssh") Object.assign(env, { DOCKER_HOST: "" });
    const world = await cliWorld("{ allow: [allowed.example] }", env);
    worlds.push({ world, flags });
    const run = (args: string[]) => bottle(world, [...flags, ...args]);

    const started = await run(["start", "bbtest", "--detach", "--cwd", "--json"]);
    expect({ code: started.exitCode, stderr: started.stderr }).toMatchObject({ code: 0 });
    const { identity } = JSON.parse(started.stdout) as { identity: string };
    expect(await ownedThere(engine, world)).toContain(`container ${identity}-gate`);

    // The agent asks for a host the policy refuses; the gate says 403 and audits it.
    const refused = await run(["shell", identity, "--", "sh", "-c", "wget -q -O - http://refused.example/ 2>&1; echo exit=$?"]);
    expect(refused.stdout).toContain("403");
    // --cwd went through the engine's API: the copied file comes back out the same way.
    const out = join(world.root, "copied.txt");
    expect((await run(["cp", `${identity}:src/uncommitted.txt`, out])).exitCode).toBe(0);
    expect(await readFile(out, "utf8")).toBe("work in progress\n");

    expect((await run(["stop", identity])).exitCode).toBe(0);
    // The audit outlives the gate: copied back from the engine's volume before the gate went.
    const audit = await run(["logs", "--gate", "--blocked", identity]);
    expect(audit.stdout).toContain("refused.example");
    expect(audit.stdout).toContain("not-allowed");

    const resumed = await run(["resume", identity, "--detach"]);
    expect({ code: resumed.exitCode, stderr: resumed.stderr }).toMatchObject({ code: 0 });
    const kept = await run(["shell", identity, "--", "cat", "/workspace/src/uncommitted.txt"]);
    expect(kept.stdout).toBe("work in progress\n");
    const listed = JSON.parse((await run(["list", "--json"])).stdout) as { identity: string; status: string }[];
    expect(listed.find((entry) => entry.identity === identity)?.status).toBe("running");

    expect((await run(["rm", "--force", identity])).exitCode).toBe(0);
    expect(await ownedThere(engine, world)).toEqual([]);
  }, 240_000);
}

describeRemoteEngine("the CLI on a remote engine", () => {
  holdRemoteEngine();
  describe("over tcp:// with TLS", () => remoteLife("tls"));
  describe("over ssh://", () => remoteLife("ssh"));
});
