import { afterAll, expect, test } from "bun:test";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { bottle, bottleProcess, cliWorld, owned, tearDownWorld, type CliWorld } from "./cli.ts";
import { busyboxImage } from "./fixtures.ts";

const worlds: CliWorld[] = [];
async function world(): Promise<CliWorld> {
  await busyboxImage();
  const made = await cliWorld("{}", process.env.BOTTLE_GATE_IMAGE ? { BOTTLE_GATE_IMAGE: process.env.BOTTLE_GATE_IMAGE } : {});
  worlds.push(made);
  return made;
}

// Whatever a failing test left, remove it: only objects this file's worlds own.
afterAll(async () => {
  for (const made of worlds) await tearDownWorld(made);
}, 300_000);

/** The progress lines launch prints, in order: one per stage (networks and volumes are made with the images' stage). */
const STAGES = ["preparing images", "starting the gate", "the gate is ready"];

describeEngine("docker faults", () => {
  for (const stage of STAGES) {
    test(`SIGINT while "${stage}" leaves nothing with the bottle's labels`, async () => {
      const made = await world();
      let sent = false;
      // --cwd: provisioning copies a folder, so that stage lasts long enough to be hit.
      const child = bottleProcess(made, ["start", "bbtest", "--detach", "--cwd"], (line) => {
        if (!sent && line.startsWith(stage)) {
          sent = true;
          child.kill("SIGINT");
        }
      });
      const result = await child.exited;
      expect(sent).toBe(true);
      expect(result.exitCode).toBe(130);
      expect(result.stderr).toContain("interrupted");
      expect(await owned(made)).toEqual([]);
    }, 180_000);
  }

  for (const name of ["SIGTERM", "SIGHUP"] as const) {
    test(`${name} while the gate starts unwinds the same way`, async () => {
      const made = await world();
      let sent = false;
      const child = bottleProcess(made, ["start", "bbtest", "--detach"], (line) => {
        if (!sent && line.startsWith("starting the gate")) {
          sent = true;
          child.kill(name);
        }
      });
      const result = await child.exited;
      expect(sent).toBe(true);
      expect(result.exitCode).toBe(130);
      expect(await owned(made)).toEqual([]);
    }, 180_000);
  }

  test("kill -9 of the CLI: the bottle is stopped, not lost; `cleanup` removes only its running parts", async () => {
    const made = await world();
    let killed = false;
    // Killed once its containers exist; not during the prompt, whose `docker exec` would
    // outlive the CLI holding this test's pipes open.
    const child = bottleProcess(made, ["start", "bbtest", "--prompt", "sleep 120"], (line) => {
      if (!killed && line.startsWith("the gate is ready")) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    const result = await child.exited;
    expect(result.signal).toBe("SIGKILL");
    expect((await owned(made)).length).toBeGreaterThan(0);
    const listed = JSON.parse((await bottle(made, ["list", "--json"])).stdout) as { identity: string; status: string; note?: string }[];
    expect(listed.map((entry) => entry.status)).toEqual(["stopped"]);
    expect(listed[0]!.note).toContain("its CLI died");
    const identity = listed[0]!.identity;
    const cleaned = await bottle(made, ["cleanup"]);
    expect(cleaned.exitCode).toBe(0);
    expect(cleaned.stdout).toContain(`removed container ${identity}-agent`);
    // Its work stays: the workspace and home volumes and its state, for `resume`.
    expect((await owned(made)).toSorted()).toEqual([`volume ${identity}-home`, `volume ${identity}-workspace`]);
    const dry = await bottle(made, ["cleanup", "--all"]);
    expect(dry.stdout).toContain(`would delete volume ${identity}-workspace`);
    expect(dry.stderr).toContain("cleanup --all --yes");
    expect((await owned(made)).length).toBe(2);
    expect((await bottle(made, ["cleanup", "--all", "--yes"])).exitCode).toBe(0);
    expect(await owned(made)).toEqual([]);
  }, 180_000);

  test("ten parallel `start --detach` give ten distinct working bottles", async () => {
    const made = await world();
    const results = await Promise.all(Array.from({ length: 10 }, () => bottle(made, ["start", "bbtest", "--detach", "--json"])));
    for (const result of results) expect({ exitCode: result.exitCode, stderr: result.stderr }).toMatchObject({ exitCode: 0 });
    const started = results.map((result) => JSON.parse(result.stdout) as { identity: string; containers: string[] });
    expect(new Set(started.map((entry) => entry.identity)).size).toBe(10);
    for (const { containers } of started) {
      const [gate, agent] = containers as [string, string];
      // Working: the agent reaches its own gate over the internal network.
      const probe = await processRunner.run(["docker", "exec", agent, "wget", "-Y", "off", "-q", "-O", "/dev/null", `http://${gate}:8080/healthz`], { check: false });
      expect({ agent, exitCode: probe.exitCode, stderr: probe.stderr }).toMatchObject({ exitCode: 0 });
    }
    const listed = JSON.parse((await bottle(made, ["list", "--json"])).stdout) as { status: string }[];
    expect(listed.filter((entry) => entry.status === "running").length).toBe(10);
    for (const { identity } of started) expect((await bottle(made, ["stop", identity])).exitCode).toBe(0);
    await bottle(made, ["cleanup", "--yes", "--all"]);
    expect(await owned(made)).toEqual([]);
  }, 600_000);

  test("a gate that dies at start fails the launch with its last log lines, and leaves nothing", async () => {
    await busyboxImage();
    const tag = "bottle-test-broken-gate:1";
    const dir = await mkdtemp(join(tmpdir(), "bottle-broken-gate-"));
    await writeFile(join(dir, "Dockerfile"), `FROM ${await busyboxImage()}\nENTRYPOINT ["sh", "-c", "echo gate: bad config at line 3 >&2; exit 1", "--"]\n`);
    await processRunner.run(["docker", "build", "--quiet", "--tag", tag, dir]);
    const made = await cliWorld("{}", { BOTTLE_GATE_IMAGE: tag });
    worlds.push(made);
    const result = await bottle(made, ["start", "bbtest", "--detach"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("gate: bad config at line 3");
    // It names what it polled (or that the gate had no address at all), and shows the gate's log from before its removal.
    expect(result.stderr).toMatch(/bottle: the gate \S+ did not become ready \((GET http:\/\/[\d.]+:8080\/healthz|it has no address on network \S+: it exited at once)\)/);
    expect(await owned(made)).toEqual([]);
  }, 180_000);

  test("an engine that is not running gives a one-line error with the fix", async () => {
    const made = await cliWorld("{}", { DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    const result = await bottle(made, ["start", "bbtest", "--detach"]);
    expect(result.exitCode).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^bottle: the Docker engine is not running/);
    expect(lines[1]).toMatch(/^  hint: start it/);
    expect(lines.length).toBe(2);
  }, 60_000);
});
