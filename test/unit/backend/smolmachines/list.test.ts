import { describe, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup } from "../../../../src/backend/smolmachines/cleanup.ts";
import { list } from "../../../../src/backend/smolmachines/list.ts";
import { listMachines } from "../../../../src/backend/smolmachines/machine-list.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { CLI_DIED_NOTE } from "../../../../src/core/live-marker.ts";
import type { Runner } from "../../../../src/core/runner.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

/** Deps with a private state root; the owner label is its `bottle` folder. */
function deps(runner: Runner, root: string) {
  const env = { XDG_STATE_HOME: root };
  return { runner, paths: bottlePaths(env), env, settings: {}, log: () => {} } satisfies BackendDeps;
}

const machine = (name: string, identity: string, owner: string, state = "running") => ({
  name, state, cpus: 1, memory_mib: 512, labels: { "dev.bottle.identity": identity, "dev.bottle.owner": owner },
});

describe("smolmachines list/cleanup by `smolvm machine ls --json` labels", () => {
  test("only this owner's machines; a dead CLI's bottle is stopped, and cleanup removes its machine then its gate", async () => {
    const root = await mkdtemp(join(tmpdir(), "smol-list-"));
    const owner = join(root, "bottle");
    const rows = [machine("bottle-mine-aaaaaaaa", "mine-aaaaaaaa", owner), machine("bottle-other-bbbbbbbb", "other-bbbbbbbb", "/someone/else"), { name: "users-own", state: "running", labels: {} }];
    const { runner, calls } = recordingRunner([
      { match: /^smolvm machine ls --json$/, stdout: JSON.stringify(rows) },
      { match: /^docker ps --all --filter label=dev.bottle.smolmachines.owner=/, stdout: "mine-aaaaaaaa-gate\tmine-aaaaaaaa\n" },
    ]);
    const d = deps(runner, root);
    expect(await list(d)).toEqual([{ identity: "mine-aaaaaaaa", agent: "mine", backend: "smolmachines", status: "stopped", createdAt: "", note: CLI_DIED_NOTE }]);
    const report = await cleanup(d, {});
    expect(report.removed).toEqual([
      { kind: "machine", name: "bottle-mine-aaaaaaaa" },
      { kind: "container", name: "mine-aaaaaaaa-gate" },
    ]);
    const ran = calls.map((c) => c.argv.join(" ")).filter((line) => !line.includes(" ls ") && !line.startsWith("docker ps"));
    expect(ran).toEqual([
      "smolvm machine stop --name bottle-mine-aaaaaaaa",
      "smolvm machine delete --name bottle-mine-aaaaaaaa -f",
      "docker rm --force mine-aaaaaaaa-gate",
    ]);
  });

  test("no smolvm on PATH: no machines, and not even a spawn attempt", async () => {
    const { runner, calls } = recordingRunner();
    expect(await listMachines({ ...runner, which: () => null })).toEqual([]);
    expect(calls).toEqual([]);
  });

  test("no smolvm on this host means no machines, not an error", async () => {
    const missing: Runner = { run: () => Promise.reject(new BottleError("`smolvm` is not installed or not on PATH")), start: () => { throw new Error("unused"); } };
    expect(await listMachines(missing)).toEqual([]);
  });

  test("an answer that is not smolvm's JSON is an error, not an empty list", async () => {
    const { runner } = recordingRunner([{ match: /machine ls/, stdout: "NAME STATE\nx running\n" }]);
    await expect(listMachines(runner)).rejects.toThrow("did not print JSON");
    const wrong = recordingRunner([{ match: /machine ls/, stdout: '[{"id": 1}]' }]);
    await expect(listMachines(wrong.runner)).rejects.toThrow("rows bottle does not understand");
  });
});
