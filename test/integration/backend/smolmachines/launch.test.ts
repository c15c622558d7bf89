import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { launchBottle } from "../../../../src/backend/lifecycle/launch-bottle.ts";
import { smolmachinesBackend } from "../../../../src/backend/smolmachines/index.ts";
import { guestExec } from "../../../../src/backend/smolmachines/machine-commands.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { CLI_DIED_NOTE, writeLiveMarker } from "../../../../src/core/live-marker.ts";
import { processRunner, type Runner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { disposeWorld, smolDeps, smolLeftovers, smolSpec, smolWorld, type SmolWorld } from "./fixtures.ts";

/** The real runner, remembering every argv (and optionally failing one step, as a broken host would). */
function spyRunner(failWhen?: (argv: readonly string[]) => boolean) {
  const calls: string[][] = [];
  const runner: Runner = {
    run: async (argv, options) => {
      calls.push([...argv]);
      if (failWhen?.(argv)) throw new BottleError(`injected failure: ${argv.slice(0, 4).join(" ")}`);
      return processRunner.run(argv, options);
    },
    start: (argv, options) => {
      calls.push([...argv]);
      return processRunner.start(argv, options);
    },
  };
  return { runner, calls };
}

describeEngine("smolmachines launch through the fake smolvm (real engine, real gate, real curl)", () => {
  let world: SmolWorld;
  beforeAll(async () => {
    world = await smolWorld();
  }, 300_000);
  afterAll(() => disposeWorld(world));

  test("the guest reaches the gate at 100.96.0.1 through its proxy env; workspace, env file and resources arrive", async () => {
    const copyFrom = await mkdtemp(join(world.root, "cwd-"));
    await writeFile(join(copyFrom, "hello.txt"), "hello from the host\n");
    await writeFile(join(copyFrom, ".hidden"), "dotfiles too\n");
    const secret = "tok-'quoted' $HOME \"and\" spaces";
    const deps = await smolDeps(world);
    deps.env.BOTTLE_TEST_FORWARDED = secret;
    const spec = smolSpec(world, { env: { FORWARDED: "${BOTTLE_TEST_FORWARDED}", GREETING: "it's a $literal" } }, {
      copyFrom,
      env: deps.env,
      bottle: { resources: { cpus: 1.5, memory: "1g" } },
    });
    const spy = spyRunner();
    const plan = await smolmachinesBackend.prepare(spec, { ...deps, runner: spy.runner });
    const machine = `bottle-${spec.identity}`;
    {
      await using bottle = await launchBottle(smolmachinesBackend, plan, { ...deps, runner: spy.runner });
      // Through the real gate: a host off the allowlist is a policy 403, an allowed one
      // that does not resolve is an upstream 502 — the gate's answers, not a network error.
      const status = "curl -s -o /dev/null --max-time 20 -w '%{http_code} %header{x-bottle-block}\\n'";
      const script = [
        `${status} http://blocked.test/x`,
        `${status} http://example.test/x`,
        "cat /workspace/hello.txt /workspace/.hidden",
        'printf "%s|%s\\n" "$GREETING" "$FORWARDED"',
        "stat -c %a /tmp/bottle/agent.env",
      ].join("; ");
      const result = await processRunner.run(guestExec(machine, ["sh", "-c", script]));
      expect(result.stdout.split("\n")).toEqual([
        "403 not-allowed",
        "502 ",
        "hello from the host",
        "dotfiles too",
        `it's a $literal|${secret}`,
        "600",
        "",
      ]);
      expect(await bottle.runPrompt("test -f /workspace/hello.txt")).toBe(0);
      expect(await bottle.runPrompt("exit 5")).toBe(5);

      const calls = await world.fake.calls();
      const create = calls.find((c) => c.argv[1] === "create" && c.argv.includes(machine))!.argv;
      expect(create.slice(0, 6)).toEqual(["machine", "create", "--from", expect.stringMatching(/\/agent\.smolmachine$/), "--name", machine]);
      expect(create.join(" ")).toContain("--allow-cidr 100.96.0.1/32");
      expect(create.join(" ")).toMatch(/-e HTTPS_PROXY=http:\/\/100\.96\.0\.1:\d+ /);
      expect(create.join(" ")).toContain(`-v ${deps.paths.bottleState(spec.identity)}/workspace:/workspace`);
      expect(create.join(" ")).toContain("--cpus 2 --mem 1024");
      // Secret and literal values never travel on any argv, to smolvm or docker.
      for (const argv of [...calls.map((c) => c.argv), ...spy.calls]) {
        expect(argv.join(" ")).not.toContain("tok-");
        expect(argv.join(" ")).not.toContain("$literal");
      }
      const vm = JSON.parse((await processRunner.run(["docker", "inspect", `smolvm-fake-${machine}`])).stdout)[0];
      expect(vm.HostConfig.Memory).toBe(1024 * 1024 * 1024);
      // The gate's container is capped as docker's is.
      const gateCreate = spy.calls.find((argv) => argv[0] === "docker" && argv[1] === "run" && argv.includes("--config"))!;
      const gateName = gateCreate[gateCreate.indexOf("--name") + 1]!;
      const limits = (await processRunner.run(["docker", "inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.PidsLimit}}", gateName])).stdout.trim();
      expect(limits).toBe(`${1024 ** 3} ${1024 ** 3} 512`);
      expect((await smolmachinesBackend.list(deps)).find((b) => b.identity === spec.identity)).toMatchObject({ backend: "smolmachines", status: "running" });
    }
    // Teardown in reverse order: machine stop, machine delete, then the gate.
    const order = spy.calls
      .map((argv) => argv.join(" "))
      .filter((line) => line.startsWith(`smolvm machine stop --name ${machine}`) || line.startsWith(`smolvm machine delete --name ${machine}`) || line.startsWith(`docker rm --force ${spec.identity}-gate`));
    expect(order).toEqual([`smolvm machine stop --name ${machine}`, `smolvm machine delete --name ${machine} -f`, `docker rm --force ${spec.identity}-gate`]);
    expect(await smolLeftovers(spec.identity)).toEqual([]);
  }, 240_000);

  test("a failure while provisioning tears down machine, gate and state", async () => {
    const deps = await smolDeps(world);
    const spec = smolSpec(world);
    const machine = `bottle-${spec.identity}`;
    const spy = spyRunner((argv) => argv[1] === "machine" && argv[2] === "exec");
    const plan = await smolmachinesBackend.prepare(spec, deps);
    const error = await launchBottle(smolmachinesBackend, plan, { ...deps, runner: spy.runner }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BottleError);
    expect((error as BottleError).message).toContain("injected failure");
    expect(spy.calls.some((argv) => argv.join(" ") === `smolvm machine start --name ${machine}`)).toBe(true);
    expect(await smolLeftovers(spec.identity)).toEqual([]);
    expect(existsSync(deps.paths.bottleState(spec.identity))).toBe(false);
  }, 240_000);

  test("without smolvm the backend says why in one line, with the fix", async () => {
    const deps = await smolDeps(world);
    const noSmolvm: Runner = {
      run: (argv, options) => (argv[0] === "smolvm" ? Promise.reject(new BottleError("`smolvm` is not installed or not on PATH")) : processRunner.run(argv, options)),
      start: processRunner.start,
    };
    const plan = await smolmachinesBackend.prepare(smolSpec(world), deps);
    const error = await launchBottle(smolmachinesBackend, plan, { ...deps, runner: noSmolvm }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BottleError);
    expect((error as BottleError).message).toBe("the smolmachines backend cannot run here: smolvm is not installed (only `--backend smolmachines` needs it)");
    expect((error as BottleError).hint).toContain("install smolvm");
  }, 60_000);

  test("after a crash: resuming reuses the workspace, and the next start reaps a dead bottle", async () => {
    const deps = await smolDeps(world);
    const gone = processRunner.start(["true"]);
    await gone.exited;
    // What a CLI killed with -9 leaves: a running machine and gate, a marker naming a dead pid.
    const crash = async (identity: string) => writeLiveMarker(deps.paths.bottleState(identity), "attached", gone.pid);

    const resumed = smolSpec(world);
    {
      await using bottle = await launchBottle(smolmachinesBackend, await smolmachinesBackend.prepare(resumed, deps), deps);
      expect(await bottle.runPrompt("echo kept > /workspace/mark")).toBe(0);
      await bottle.detach();
    }
    await crash(resumed.identity);
    {
      await using bottle = await launchBottle(smolmachinesBackend, await smolmachinesBackend.prepare(resumed, deps), deps);
      expect(await bottle.runPrompt("grep -q kept /workspace/mark")).toBe(0);
    }

    const dead = smolSpec(world);
    {
      await using bottle = await launchBottle(smolmachinesBackend, await smolmachinesBackend.prepare(dead, deps), deps);
      await bottle.detach();
    }
    await crash(dead.identity);
    expect((await smolmachinesBackend.list(deps)).find((b) => b.identity === dead.identity)).toMatchObject({ status: "stopped", note: CLI_DIED_NOTE });
    const next = smolSpec(world);
    {
      // The next start stops the dead bottle's running parts, and keeps its work.
      await using _bottle = await launchBottle(smolmachinesBackend, await smolmachinesBackend.prepare(next, deps), deps);
      expect(await smolLeftovers(dead.identity)).toEqual([]);
      expect(existsSync(deps.paths.bottleState(dead.identity))).toBe(true);
    }
    await smolmachinesBackend.cleanup(deps, { includeStopped: true });
    for (const spec of [resumed, dead, next]) expect(await smolLeftovers(spec.identity)).toEqual([]);
  }, 300_000);
});
