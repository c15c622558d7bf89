import { expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reapOrphanRegistries } from "../../../../src/backend/smolmachines/orphan-registries.ts";
import { seedContainerName, seedHomeCommands } from "../../../../src/backend/smolmachines/seed-home.ts";
import { LABEL } from "../../../../src/core/labels.ts";
import { processStart } from "../../../../src/core/live-marker.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { BUSYBOX_IMAGE, ensureBusyboxImage } from "../../../helpers/images.ts";

const DEAD_PID = 2 ** 22 + 23; // above Linux's pid_max default: never a running process

describeEngine("smolmachines: a home-seed container a killed start left (real engine)", () => {
  test("is reaped by its owner's next start or cleanup; one a live start is using, or another owner's, stays", async () => {
    await ensureBusyboxImage();
    const paths = bottlePaths({ XDG_STATE_HOME: await mkdtemp(join(tmpdir(), "smol-seed-orphan-")) });
    const other = bottlePaths({ XDG_STATE_HOME: await mkdtemp(join(tmpdir(), "smol-seed-orphan-")) });
    const suffix = `${process.pid}-${Date.now()}`;
    const make = (identity: string, owner: string, creator: string) =>
      processRunner.run(seedHomeCommands(identity, BUSYBOX_IMAGE, "/root", "/nowhere", { [LABEL.smolmachinesOwner]: owner, [LABEL.registryCreator]: creator }).create);
    const dead = `dead-${suffix}`;
    const live = `live-${suffix}`;
    const foreign = `foreign-${suffix}`;
    await make(dead, paths.state, `${DEAD_PID}:1`);
    await make(live, paths.state, `${process.pid}:${processStart(process.pid) ?? ""}`);
    await make(foreign, other.state, `${DEAD_PID}:1`);
    try {
      const removed = await reapOrphanRegistries({ runner: processRunner, paths, env: {}, settings: {}, log: () => {} });
      expect(removed).toEqual([{ kind: "container", name: seedContainerName(dead) }]);
      const left = await processRunner.run(["docker", "ps", "-a", "--filter", `name=-${suffix}$`, "--format", "{{.Names}}"]);
      expect(left.stdout.split("\n").filter(Boolean).sort()).toEqual([seedContainerName(foreign), seedContainerName(live)].sort());
    } finally {
      await processRunner.run(["docker", "rm", "--force", ...[dead, live, foreign].map(seedContainerName)], { check: false });
    }
  }, 120_000);
});
