/**
 * Launch benchmark: warm `bottle start --detach` until ready, against floor.sh issuing
 * the same engine commands by hand (the engine's floor), as a ratio from one run;
 * teardown (`bottle stop`) against `docker rm -f` + `network rm` by hand; and the memory
 * a bottle costs beyond its agent (the gate container, and the agent's init). Uses the
 * binary compiled from the current source. Each run starts bottle, then the floor, so
 * the per-run ratio pairs two starts a second apart: on a shared host its median moves
 * less than the ratio of the medians. Puts a new section at the top of
 * bench/launch/RESULTS.md (earlier sections stay below it).
 *
 *   bun bench/launch/run.ts [--runs N] [--no-inspect] [--baseline BINARY] [--note TEXT]
 *
 * `--no-inspect`: the bottle has `tls: { inspect: false }` (no CA to install; the floor
 * installs none). `--baseline`: another compiled bottle (e.g. main's) started in each
 * run too, after the floor, so before and after are measured in the same minutes.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { processRunner } from "../../src/core/runner.ts";
import { benchWorld } from "./bench-world.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    "no-inspect": { type: "boolean", default: false },
    baseline: { type: "string" },
    note: { type: "string", default: "" },
  },
});
const runs = Number(values.runs);
const inspect = !values["no-inspect"];
const { root, agentImage, env, bottle } = await benchWorld("launch", inspect ? {} : { egress: "{ tls: { inspect: false } }" });
const baseline = values.baseline === undefined ? undefined : (args: string[]) => processRunner.run([values.baseline!, ...args], { env, cwd: root });

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await work();
  return [performance.now() - start, value];
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Warm-up: builds the gate image from the binary once, like any first start.
const warm = JSON.parse((await bottle(["start", "--detach", "--json"])).stdout) as { identity: string };
const details = JSON.parse(await Bun.file(join(root, "state/bottle", warm.identity, "docker.json")).text()) as { gateImage: { ref: string } };
await bottle(["stop", warm.identity]);
if (baseline !== undefined) {
  const warmed = JSON.parse((await baseline(["start", "--detach", "--json"])).stdout) as { identity: string };
  await baseline(["stop", warmed.identity]);
}

const floorConfig = join(root, "floor-gate.json");
await writeFile(floorConfig, JSON.stringify({ listen: "0.0.0.0:8080", egress: {} }));
const floorEnv = join(root, "floor.env");
await writeFile(floorEnv, "");
const floor = join(import.meta.dir, "floor.sh");
const floorAudit = join(root, "floor-audit");
await mkdir(floorAudit, { recursive: true });

const samples = { start: [] as number[], floor: [] as number[], baseline: [] as number[], stop: [] as number[], floorDown: [] as number[] };
let memory = "";
const startAndStop = async (cli: (args: string[]) => Promise<{ stdout: string }>, into: number[], stops?: number[]) => {
  const [start, result] = await timed(() => cli(["start", "--detach", "--json"]));
  const { identity, containers } = JSON.parse(result.stdout) as { identity: string; containers: string[] };
  into.push(start);
  if (memory === "") {
    const stats = await processRunner.run(["docker", "stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}", ...containers]);
    memory = stats.stdout.trim();
  }
  const [stop] = await timed(() => cli(["stop", identity]));
  stops?.push(stop);
};
for (let run = 0; run < runs; run++) {
  await startAndStop(bottle, samples.start, samples.stop);
  const id = `bench-floor-${process.pid}-${run}`;
  samples.floor.push((await timed(() => processRunner.run([floor, "up", id, details.gateImage.ref, agentImage, floorConfig, floorEnv, floorAudit])))[0]);
  samples.floorDown.push((await timed(() => processRunner.run([floor, "down", id])))[0]);
  await processRunner.run(["docker", "volume", "rm", `${id}-workspace`, `${id}-home`], { check: false });
  if (baseline !== undefined) await startAndStop(baseline, samples.baseline);
}
await bottle(["cleanup", "--yes", "--all"]);

const ms = (values: number[]) => values.map((value) => value.toFixed(0)).join(" ");
const paired = (ours: number[], theirs: number[]) => median(ours.map((value, index) => value / theirs[index]!));
const row = (label: string, ours: number[], theirs: number[]) =>
  `| ${label} | ${median(ours).toFixed(0)} | ${median(theirs).toFixed(0)} | ${(median(ours) / median(theirs)).toFixed(2)}× | ${paired(ours, theirs).toFixed(2)}× |`;
const table = [
  "| phase | bottle (ms, median) | by hand (ms, median) | ratio of medians | median of per-run ratios |",
  "|---|---:|---:|---:|---:|",
  row("`start --detach` until ready", samples.start, samples.floor),
  ...(baseline === undefined ? [] : [row("the baseline's `start --detach`", samples.baseline, samples.floor)]),
  row("teardown (`bottle stop`)", samples.stop, samples.floorDown),
].join("\n");
const section = [
  `## ${new Date().toISOString()}${values.note === "" ? "" : `: ${values.note}`}`,
  "",
  `${runs} runs each, ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(" ")} (shared host), TLS inspection ${inspect ? "on (the default: the CA is installed)" : "off"}.`,
  "",
  table,
  "",
  "Each run's samples (ms):",
  "",
  "```",
  `start     ${ms(samples.start)}`,
  `floor     ${ms(samples.floor)}`,
  ...(baseline === undefined ? [] : [`baseline  ${ms(samples.baseline)}`]),
  `stop      ${ms(samples.stop)}`,
  `floor rm  ${ms(samples.floorDown)}`,
  "```",
  "",
  "Memory of a bottle beyond its agent (`docker stats`, first run; the agent container",
  "holds only docker-init and an idle `sleep`):",
  "",
  "```",
  memory,
  "```",
  "",
].join("\n");
const file = join(import.meta.dir, "RESULTS.md");
const earlier = (await readFile(file, "utf8").catch(() => "# bench/launch\n")).replace(/^# bench\/launch\n+/, "");
await writeFile(file, `# bench/launch\n\n${section}\n${earlier}`);
console.log(section);
