import { afterAll, expect, test } from "bun:test";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { bottle, cliWorld, owned, type CliWorld } from "./cli.ts";
import { busyboxImage } from "./fixtures.ts";

let world: CliWorld | undefined;
afterAll(async () => {
  if (world) await bottle(world, ["cleanup", "--yes", "--all"]);
}, 120_000);

describeEngine("docker lifecycle through the CLI", () => {
  test("start --detach --cwd, list, logs --gate, stop, resume --prompt keeps the workspace, cleanup --all", async () => {
    await busyboxImage();
    world = await cliWorld();
    const started = await bottle(world, ["start", "bbtest", "--detach", "--cwd", "--json"]);
    expect({ code: started.exitCode, stderr: started.stderr }).toMatchObject({ code: 0 });
    const { identity, backend, agent, containers, networks } = JSON.parse(started.stdout) as Record<string, unknown> & { identity: string; containers: string[] };
    expect({ backend, agent }).toEqual({ backend: "docker", agent: "bbtest" });
    expect(containers).toEqual([`${identity}-gate`, `${identity}-agent`]);
    expect(networks).toEqual([`${identity}-internal`, `${identity}-egress`]);

    // The copied directory, uncommitted file included, is in the workspace.
    const copied = await processRunner.run(["docker", "exec", `${identity}-agent`, "cat", "/workspace/src/uncommitted.txt"]);
    expect(copied.stdout).toBe("work in progress\n");

    const listed = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { identity: string; status: string; agent: string; backend: string; age: string }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ identity, status: "running", agent: "bbtest", backend: "docker" });
    expect(listed[0]!.age).toMatch(/^\d+[smhd]$/);
    const table = await bottle(world, ["list"]);
    expect(table.stdout).toMatch(new RegExp(`^IDENTITY\\s+AGENT\\s+BACKEND\\s+STATUS\\s+AGE\\n${identity}\\s+bbtest\\s+docker\\s+running`));

    const logs = await bottle(world, ["logs", identity, "--gate"]);
    expect(logs.exitCode).toBe(0);
    expect(`${logs.stdout}${logs.stderr}`).toContain("listening");

    expect((await bottle(world, ["stop", identity])).exitCode).toBe(0);
    expect((await owned(world)).toSorted()).toEqual([`volume ${identity}-workspace`]);
    const stopped = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { status: string }[];
    expect(stopped[0]!.status).toBe("stopped");
    // A stopped bottle is not dead: plain cleanup keeps it.
    await bottle(world, ["cleanup", "--yes"]);
    expect(await owned(world)).toEqual([`volume ${identity}-workspace`]);

    const resumed = await bottle(world, ["resume", identity, "--prompt", "cat /workspace/README.md; exit 4"]);
    expect(resumed.stdout).toContain("# a project");
    expect(resumed.exitCode).toBe(4);

    const unknown = await bottle(world, ["attach", "nobody-aaaaaaaa"]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("no docker bottle nobody-aaaaaaaa");

    const cleaned = JSON.parse((await bottle(world, ["cleanup", "--yes", "--all", "--json"])).stdout) as { removed: { kind: string }[] };
    expect(cleaned.removed.map((entry) => entry.kind).toSorted()).toEqual(["state", "volume"]);
    expect(await owned(world)).toEqual([]);
  }, 300_000);
});
