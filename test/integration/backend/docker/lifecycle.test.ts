import { afterAll, expect, test } from "bun:test";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { bottle, cliWorld, owned, tearDownWorld, type CliWorld } from "./cli.ts";
import { busyboxImage } from "./fixtures.ts";

let world: CliWorld | undefined;
afterAll(async () => {
  if (world) await tearDownWorld(world);
}, 120_000);

describeEngine("docker lifecycle through the CLI", () => {
  test("start --detach --cwd, list, logs --gate, stop, resume --prompt keeps the workspace, cleanup --all", async () => {
    await busyboxImage();
    world = await cliWorld("{}", {}, ["skills: [./skills/review]", "env: { GREETING: hello-literal, FROM_HOST: '${BOTTLE_TEST_FORWARDED}' }"]);
    await mkdir(join(world.root, "skills", "review"), { recursive: true });
    await writeFile(join(world.root, "skills", "review", "SKILL.md"), "# review\n");
    world.env.BOTTLE_TEST_FORWARDED = "forwarded-value";
    const started = await bottle(world, ["start", "bbtest", "--detach", "--cwd", "--json"]);
    expect({ code: started.exitCode, stderr: started.stderr }).toMatchObject({ code: 0 });
    const { identity, backend, agent, containers, networks } = JSON.parse(started.stdout) as Record<string, unknown> & { identity: string; containers: string[] };
    expect({ backend, agent }).toEqual({ backend: "docker", agent: "bbtest" });
    expect(containers).toEqual([`${identity}-gate`, `${identity}-agent`]);
    expect(networks).toEqual([`${identity}-internal`, `${identity}-egress`]);

    // The copied directory, uncommitted file included, is in the workspace.
    const copied = await processRunner.run(["docker", "exec", `${identity}-agent`, "cat", "/workspace/src/uncommitted.txt"]);
    expect(copied.stdout).toBe("work in progress\n");

    // Skills land in the agent's ~/.claude/skills; literal and forwarded env reach it.
    const skill = await processRunner.run(["docker", "exec", `${identity}-agent`, "sh", "-c", 'cat "$HOME/.claude/skills/review/SKILL.md"']);
    expect(skill.stdout).toBe("# review\n");
    const env = await processRunner.run(["docker", "exec", `${identity}-agent`, "env"]);
    expect(env.stdout).toContain("GREETING=hello-literal\n");
    expect(env.stdout).toContain("FROM_HOST=forwarded-value\n");
    const envFile = await stat(join(world.state, identity, "agent.env"));
    expect(envFile.mode & 0o777).toBe(0o600);

    const listed = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { identity: string; status: string; agent: string; backend: string; age: string }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ identity, status: "running", agent: "bbtest", backend: "docker" });
    expect(listed[0]!.age).toMatch(/^\d+[smhd]$/);
    const table = await bottle(world, ["list"]);
    expect(table.stdout).toMatch(new RegExp(`^IDENTITY\\s+AGENT\\s+BACKEND\\s+STATUS\\s+AGE\\s+SOURCE\\n${identity}\\s+bbtest\\s+docker\\s+running`));

    // One refused request, so the gate's audit has a line; it goes to a 0600 file in the bottle's state.
    await processRunner.run(["docker", "exec", `${identity}-agent`, "wget", "-q", "-O", "/dev/null", "http://refused.example/"], { check: false });
    const audit = join(world.state, identity, "audit", "audit.jsonl");
    for (const until = Date.now() + 10_000; Date.now() < until && !(await Bun.file(audit).text()).includes("refused.example"); ) await Bun.sleep(100);
    expect((await stat(audit)).mode & 0o777).toBe(0o600);
    const logs = await bottle(world, ["logs", identity, "--gate", "--json"]);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toContain("refused.example");

    expect((await bottle(world, ["stop", identity])).exitCode).toBe(0);
    expect((await owned(world)).toSorted()).toEqual([`volume ${identity}-home`, `volume ${identity}-workspace`]);
    const stopped = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { status: string }[];
    expect(stopped[0]!.status).toBe("stopped");
    // The audit outlives the gate: `logs --gate` after stop still reads it.
    const after = await bottle(world, ["logs", identity, "--gate", "--json"]);
    expect({ code: after.exitCode, refused: after.stdout.includes("refused.example") }).toEqual({ code: 0, refused: true });
    // A second stop says it was already stopped.
    const again = await bottle(world, ["stop", identity]);
    expect(again.stderr).toContain(`${identity} was already stopped`);
    // A stopped bottle is not dead: plain cleanup keeps it.
    await bottle(world, ["cleanup"]);
    expect((await owned(world)).toSorted()).toEqual([`volume ${identity}-home`, `volume ${identity}-workspace`]);

    const resumed = await bottle(world, ["resume", identity, "--prompt", "cat /workspace/README.md; exit 4"]);
    expect(resumed.stdout).toContain("# a project");
    expect(resumed.exitCode).toBe(4);

    const unknown = await bottle(world, ["attach", "nobody-aaaaaaaa"]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("no bottle nobody-aaaaaaaa");

    const cleaned = JSON.parse((await bottle(world, ["cleanup", "--yes", "--all", "--json"])).stdout) as { removed: { kind: string }[] };
    expect(cleaned.removed.map((entry) => entry.kind).toSorted()).toEqual(["state", "volume", "volume"]);
    expect(await owned(world)).toEqual([]);
  }, 300_000);
});
