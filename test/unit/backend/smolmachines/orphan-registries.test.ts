import { describe, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEphemeralRegistry } from "../../../../src/backend/smolmachines/ephemeral-registry.ts";
import { cleanup } from "../../../../src/backend/smolmachines/cleanup.ts";
import { reapOrphanRegistries } from "../../../../src/backend/smolmachines/orphan-registries.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { LABEL } from "../../../../src/core/labels.ts";
import { processStart } from "../../../../src/core/live-marker.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

const DEAD_PID = 2 ** 22 + 17; // above Linux's pid_max default: never a running process

async function world() {
  const root = await mkdtemp(join(tmpdir(), "smol-registries-"));
  const paths = bottlePaths({ XDG_STATE_HOME: root });
  const rows = [
    `bottle-registry-live\t${process.pid}:${processStart(process.pid) ?? ""}\tregistry`,
    `bottle-registry-dead\t${DEAD_PID}:123\tregistry`,
    // This pid runs, but it is not the process that started the registry (a recycled pid).
    `bottle-registry-recycled\t${process.pid}:1\tregistry`,
    "bottle-registry-unlabelled\t\tregistry",
    // A home-seed container a killed start left (created, never started): it goes too; one a live start is using stays.
    `bottle-home-seed-x-dead\t${DEAD_PID}:123\thome-seed`,
    `bottle-home-seed-x-live\t${process.pid}:${processStart(process.pid) ?? ""}\thome-seed`,
    // A bottle's gate carries the same owner label: never a helper, whatever its labels say.
    `x-aaaaaaaa-gate\t${DEAD_PID}:123\tgate`,
  ];
  const recorder = recordingRunner([
    { match: (argv) => argv[1] === "ps" && argv.includes(`label=dev.bottle.smolmachines.owner=${paths.state}`) && argv.join(" ").includes('{{.Label "dev.bottle.role"}}'), stdout: `${rows.join("\n")}\n` },
    { match: /^smolvm machine ls --json$/, stdout: "[]" },
  ]);
  const deps: BackendDeps = { runner: recorder.runner, paths, env: {}, settings: {}, log: () => {} };
  const removals = () => recorder.calls.map((call) => call.argv.join(" ")).filter((line) => line.startsWith("docker rm"));
  return { deps, paths, removals, calls: recorder.calls };
}

describe("ephemeral registries a killed CLI left", () => {
  test("are removed when their CLI is gone; a registry a running CLI still uses stays", async () => {
    const { deps, removals } = await world();
    const removed = await reapOrphanRegistries(deps);
    expect(removed.map((entry) => entry.name)).toEqual(["bottle-registry-dead", "bottle-registry-recycled", "bottle-registry-unlabelled", "bottle-home-seed-x-dead"]);
    expect(removals()).toEqual(["docker rm --force bottle-registry-dead bottle-registry-recycled bottle-registry-unlabelled bottle-home-seed-x-dead"]);
  });

  test("cleanup reports them (a dry run removes nothing); cleanup of one named bottle leaves them", async () => {
    const dry = await world();
    const report = await cleanup(dry.deps, { dryRun: true });
    expect(report.removed).toContainEqual({ kind: "container", name: "bottle-registry-dead" });
    expect(dry.removals()).toEqual([]);
    const named = await world();
    await cleanup(named.deps, { identity: "x-aaaaaaaa" }).catch(() => undefined);
    expect(named.removals()).toEqual([]);
  });

  test("a registry is labelled with its owner and the pid that started it", async () => {
    const { deps, calls } = await world();
    // `docker port` answers nothing here, so startup fails right after `docker run`, and removes it.
    await startEphemeralRegistry(deps, { owner: deps.paths.state }).catch(() => undefined);
    const run = calls.find((call) => call.argv[1] === "run")!.argv.join(" ");
    expect(run).toContain(`--label dev.bottle.smolmachines.owner=${deps.paths.state}`);
    expect(run).toContain(`--label ${LABEL.registryCreator}=${process.pid}:`);
    expect(run).toContain("-p 127.0.0.1::5000");
  });
});
