/**
 * Startup benchmark: how long `dist/bottle --version` takes next to `docker --version`
 * (and bottle run from source). Uses hyperfine when installed (`apt-get install -y
 * hyperfine`), otherwise times the runs itself. Writes bench/startup/RESULTS.md.
 *
 *   bun bench/startup/run.ts [--runs N]
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { processRunner } from "../../src/core/runner.ts";
import { compile, ENTRY } from "../../scripts/compile.ts";

/** Scratch folders (two ~95 MB binaries among them), removed when the run ends. */
const scratch: string[] = [];
async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

const { values } = parseArgs({ options: { runs: { type: "string", default: "100" } } });
const runs = Number(values.runs);

/** One measured command: its label and argv. */
interface Subject {
  label: string;
  argv: string[];
}

/** Wall-clock times of one subject, in milliseconds, and its mean CPU time when known. */
interface Sample {
  label: string;
  times: number[];
  /** Mean user + system CPU per run: unlike wall time, barely moved by other load. */
  cpu?: number;
}

/** The q-quantile of sorted values, interpolating between neighbours. */
function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

async function haveHyperfine(): Promise<boolean> {
  return (await processRunner.run(["hyperfine", "--version"], { check: false }).catch(() => undefined))?.exitCode === 0;
}

async function withHyperfine(subjects: Subject[]): Promise<Sample[]> {
  const out = join(await scratchDir("bottle-bench-"), "results.json");
  // -N: no intermediate shell, so the numbers are the programs' own start-up.
  await processRunner.run(
    ["hyperfine", "-N", "--warmup", "5", "--runs", String(runs), "--export-json", out, ...subjects.map((s) => s.argv.join(" "))],
    { stdio: "inherit", timeoutMs: 1_800_000 },
  );
  const json = JSON.parse(await readFile(out, "utf8")) as { results: { times: number[]; user: number; system: number }[] };
  return json.results.map((result, index) => ({
    label: subjects[index]!.label,
    times: result.times.map((seconds) => seconds * 1000),
    cpu: (result.user + result.system) * 1000,
  }));
}

async function withLoop(subjects: Subject[]): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const subject of subjects) {
    const times: number[] = [];
    for (let i = 0; i < runs + 5; i++) {
      const started = performance.now();
      await processRunner.run(subject.argv);
      if (i >= 5) times.push(performance.now() - started);
    }
    samples.push({ label: subject.label, times });
  }
  return samples;
}

/** The floor: a compiled Bun program that only prints, built with the same flags. */
async function compileHello(): Promise<string> {
  const dir = await scratchDir("bottle-bench-hello-");
  await writeFile(join(dir, "hello.ts"), 'console.log("hello");\n');
  await processRunner.run([process.execPath, "build", "--compile", "--minify", `--outfile=${join(dir, "hello")}`, join(dir, "hello.ts")]);
  return join(dir, "hello");
}

// Always compiled from the current source (as `bun run build` does, into a scratch
// folder): a dist/bottle left from an older checkout would report old numbers.
const binary = await compile({ outfile: join(await scratchDir("bottle-bench-bin-"), "bottle") });
const subjects: Subject[] = [
  { label: "`dist/bottle --version` (compiled)", argv: [binary, "--version"] },
  { label: "compiled Bun hello-world (the floor)", argv: [await compileHello()] },
  { label: "`docker --version`", argv: ["docker", "--version"] },
  { label: "`bun src/cli/main.ts --version` (from source)", argv: [process.execPath, ENTRY, "--version"] },
];
const tool = (await haveHyperfine()) ? "hyperfine -N" : "a timing loop in bun";
const samples = await (tool.startsWith("hyperfine") ? withHyperfine(subjects) : withLoop(subjects)).finally(() =>
  Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))),
);

const rows = samples.map(({ label, times, cpu }) => {
  const sorted = times.toSorted((a, b) => a - b);
  const ms = (value: number) => value.toFixed(1);
  return `| ${label} | ${ms(quantile(sorted, 0.5))} | ${ms(quantile(sorted, 0.9))} | ${cpu === undefined ? "–" : ms(cpu)} | ${sorted.length} |`;
});
const [load1] = loadavg();
const cpu = cpus()[0]?.model ?? "unknown CPU";
const report = [
  "# Startup benchmark",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} with ${tool}, ${runs} runs after 5 warm-ups, on ${cpus().length} × ${cpu}`,
  `(${process.platform}-${process.arch}, Bun ${Bun.version}), load average ${load1?.toFixed(1)} at the end.`,
  "Wall times include waiting for a CPU on a busy machine; the CPU column (user + system) does not.",
  "Re-run: `bun bench/startup/run.ts`.",
  "",
  "| command | median (ms) | p90 (ms) | CPU, mean (ms) | runs |",
  "|---|---:|---:|---:|---:|",
  ...rows,
  "",
].join("\n");
await writeFile(join(import.meta.dir, "RESULTS.md"), report);
console.log(report);
