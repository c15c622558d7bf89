/**
 * Launch benchmark: warm `bottle start --detach` until ready, against floor.sh issuing
 * the same engine commands by hand (the engine's floor), as a ratio from one run;
 * teardown (`bottle stop`) against `docker rm -f` + `network rm` by hand; and the memory
 * a bottle costs beyond its agent (the gate container, and the agent's init). Uses the
 * binary compiled from the current source. Writes bench/launch/RESULTS.md.
 *
 *   bun bench/launch/run.ts [--runs N]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { processRunner } from "../../src/core/runner.ts";
import { benchWorld } from "./bench-world.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const { root, agentImage, bottle } = await benchWorld("launch");

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await work();
  return [performance.now() - start, value];
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Warm-up: builds the gate image from dist/bottle once, like any first start.
const warm = JSON.parse((await bottle(["start", "--detach", "--json"])).stdout) as { identity: string };
const details = JSON.parse(await Bun.file(join(root, "state/bottle", warm.identity, "docker.json")).text()) as { gateImage: { ref: string } };
await bottle(["stop", warm.identity]);

const floorConfig = join(root, "floor-gate.json");
await writeFile(floorConfig, JSON.stringify({ listen: "0.0.0.0:8080", egress: {} }));
const floorEnv = join(root, "floor.env");
await writeFile(floorEnv, "");
const floor = join(import.meta.dir, "floor.sh");
const floorAudit = join(root, "floor-audit");
await mkdir(floorAudit, { recursive: true });

const samples = { start: [] as number[], floor: [] as number[], stop: [] as number[], floorDown: [] as number[] };
let memory = "";
for (let run = 0; run < runs; run++) {
  const [start, result] = await timed(() => bottle(["start", "--detach", "--json"]));
  const { identity, containers } = JSON.parse(result.stdout) as { identity: string; containers: string[] };
  samples.start.push(start);
  if (run === 0) {
    const stats = await processRunner.run(["docker", "stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}", ...containers]);
    memory = stats.stdout.trim();
  }
  samples.stop.push((await timed(() => bottle(["stop", identity])))[0]);

  const id = `bench-floor-${process.pid}-${run}`;
  samples.floor.push((await timed(() => processRunner.run([floor, "up", id, details.gateImage.ref, agentImage, floorConfig, floorEnv, floorAudit])))[0]);
  samples.floorDown.push((await timed(() => processRunner.run([floor, "down", id])))[0]);
  await processRunner.run(["docker", "volume", "rm", `${id}-workspace`, `${id}-home`], { check: false });
}
await bottle(["cleanup", "--yes", "--all"]);
console.log(Object.entries(samples).map(([name, values]) => `${name}: ${values.map((value) => value.toFixed(0)).join(" ")}`).join("\n"));

const row = (label: string, ours: number[], theirs: number[]) =>
  `| ${label} | ${median(ours).toFixed(0)} | ${median(theirs).toFixed(0)} | ${(median(ours) / median(theirs)).toFixed(2)}× |`;
const table = [
  "| phase | bottle (ms, median) | by hand (ms, median) | ratio |",
  "|---|---:|---:|---:|",
  row("`start --detach` until ready", samples.start, samples.floor),
  row("teardown (`bottle stop`)", samples.stop, samples.floorDown),
].join("\n");
const report = [
  "# bench/launch",
  "",
  `${new Date().toISOString()}, ${runs} runs each, ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(" ")} (shared host).`,
  "",
  table,
  "",
  "Memory of a bottle beyond its agent (`docker stats`, first run; the agent container",
  "holds only docker-init and an idle `sleep`):",
  "",
  "```",
  memory,
  "```",
  "",
].join("\n");
await writeFile(join(import.meta.dir, "RESULTS.md"), report);
console.log(report);
