/**
 * List benchmark: `bottle list` (the compiled binary, built from the current source)
 * against `docker ps -a`, the engine query it cannot do without, on a host with a few
 * bottles (two running, one stopped). Runs alternate, medians and their ratio are
 * reported (the host is shared: quote the ratio). Writes bench/list/RESULTS.md.
 *
 *   bun bench/list/run.ts [--runs N]
 */
import { rm, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { processRunner } from "../../src/core/runner.ts";
import { benchWorld } from "../launch/bench-world.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "21" } } });
const runs = Number(values.runs);
const { root, binary, env, bottle } = await benchWorld("list");

async function timed(argv: string[]): Promise<number> {
  const start = performance.now();
  await processRunner.run(argv, { env, cwd: root });
  return performance.now() - start;
}
const median = (samples: number[]) => samples.toSorted((a, b) => a - b)[Math.floor(samples.length / 2)]!;

const started: string[] = [];
try {
  for (let index = 0; index < 3; index++) started.push((await bottle(["start", "--detach"])).stdout.trim());
  await bottle(["stop", started[2]!]);
  const listed = JSON.parse((await bottle(["list", "--json"])).stdout) as unknown[];
  if (listed.length !== 3) throw new Error(`expected 3 bottles, list shows ${listed.length}`);

  const ours: number[] = [];
  const floor: number[] = [];
  for (let warm = 0; warm < 3; warm++) await Promise.all([timed([binary, "list"]), timed(["docker", "ps", "-a"])]);
  for (let run = 0; run < runs; run++) {
    ours.push(await timed([binary, "list"]));
    floor.push(await timed(["docker", "ps", "-a"]));
  }
  const report = [
    "# bench/list",
    "",
    `${new Date().toISOString()}, ${runs} runs each (alternating), ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(" ")} (shared host).`,
    "Three bottles on the host (two running, one stopped); `bottle` is the compiled binary.",
    "",
    "| command | median (ms) | ratio |",
    "|---|---:|---:|",
    `| \`bottle list\` | ${median(ours).toFixed(1)} | ${(median(ours) / median(floor)).toFixed(2)}× |`,
    `| \`docker ps -a\` | ${median(floor).toFixed(1)} | 1.00× |`,
    "",
  ].join("\n");
  await writeFile(join(import.meta.dir, "RESULTS.md"), report);
  console.log(report);
} finally {
  for (const identity of started) await bottle(["stop", identity]).catch(() => undefined);
  await bottle(["cleanup", "--all", "--yes"]).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
}
