import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { launchBottle } from "../../../../src/backend/lifecycle/launch-bottle.ts";
import { smolmachinesBackend } from "../../../../src/backend/smolmachines/index.ts";
import { guestExec } from "../../../../src/backend/smolmachines/machine-commands.ts";
import { seedContainerName } from "../../../../src/backend/smolmachines/seed-home.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { writeAgentContext } from "../../../fixtures/smolvm/agent-context.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { disposeWorld, smolDeps, smolLeftovers, smolSpec, smolWorld, type SmolWorld } from "./fixtures.ts";

describeEngine("smolmachines: a fresh agent home starts with the image's home (fake smolvm, real engine)", () => {
  let world: SmolWorld;
  let dockerfile: string;
  beforeAll(async () => {
    world = await smolWorld();
    const context = join(world.root, "dotfiles-agent");
    await mkdir(context, { recursive: true });
    // The image ships dotfiles and Claude settings in its user's home, as real agent images do.
    dockerfile = await writeAgentContext(context, processRunner, basename(world.root), {
      user: "1000:1000",
      home: { ".profile": "export FROM_IMAGE=1\n", ".claude/settings.json": '{"theme":"dark"}\n', ".claude.json": '{"fromImage":true}' },
    });
  }, 300_000);
  afterAll(() => disposeWorld(world));

  test("the image's dotfiles (and ~/.claude.json) are in the home on the first start, the agent's own changes survive a resume", async () => {
    const deps = await smolDeps(world);
    // Claude Code's command: provisioning writes its first-run state only where the home has none.
    const spec = smolSpec(world, { image: { dockerfile }, command: ["claude"] }, { env: deps.env });
    const machine = `bottle-${spec.identity}`;
    const inGuest = (script: string) => processRunner.run(guestExec(machine, ["sh", "-c", script]), { check: false, timeoutMs: 60_000 });
    {
      await using _bottle = await launchBottle(smolmachinesBackend, await smolmachinesBackend.prepare(spec, deps), deps);
      const seen = await inGuest('echo "$HOME"; cat "$HOME/.profile" "$HOME/.claude/settings.json"');
      expect(seen.stdout).toBe('/home/agent\nexport FROM_IMAGE=1\n{"theme":"dark"}\n');
      // The image's ~/.claude.json is kept, not replaced by the first-run state, and made the agent's own (0600).
      expect((await inGuest('cat "$HOME/.claude.json"; echo; stat -c "%a %u" "$HOME/.claude.json"')).stdout).toBe('{"fromImage":true}\n600 1000\n');
      // The home is the agent's to change: it edits a seeded file and adds one of its own.
      const wrote = await inGuest('echo "export MINE=1" > "$HOME/.profile" && echo kept > "$HOME/.claude/history" && echo ok');
      expect(wrote.stdout).toBe("ok\n");
    }
    // The home folder lives in the bottle's state, outside any machine.
    expect(await Bun.file(join(deps.paths.bottleState(spec.identity), "home", ".profile")).text()).toBe("export MINE=1\n");
    {
      const plan = await smolmachinesBackend.prepare(spec, deps);
      expect(plan.resume).toBe(true);
      await using _bottle = await launchBottle(smolmachinesBackend, plan, deps);
      // Never re-seeded over the agent's work: its edit and its own file are as it left them.
      const seen = await inGuest('cat "$HOME/.profile" "$HOME/.claude/history" "$HOME/.claude/settings.json"');
      expect(seen.stdout).toBe('export MINE=1\nkept\n{"theme":"dark"}\n');
    }
    // The container the home was copied from is gone.
    const seed = await processRunner.run(["docker", "ps", "-a", "--filter", `name=^${seedContainerName(spec.identity)}$`, "--format", "{{.Names}}"]);
    expect(seed.stdout).toBe("");
    expect(await smolLeftovers(spec.identity)).toEqual([]);
  }, 600_000);
});
