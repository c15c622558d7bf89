/**
 * Interleaved A/B of the DLP scanner: `bun bench/dlp/ab.ts REF [WORD]` loads the
 * scanner of git commit REF (its `src/gate/dlp` copied under `node_modules/.dlp-ab/`,
 * so its dependencies resolve) beside this tree's, and scans each body with each in
 * turn (alternating which goes first), 7 rounds (`ROUNDS`), printing the median CPU (user + system) ms per MiB of each and their
 * ratio, and whether both found the same kinds. On a shared machine the load moves
 * between one-process runs; interleaving puts both scanners under the same load.
 * WORD keeps only the bodies whose name contains it; `SHORT_HELD=1` adds an
 * 8-character held secret; `SHAPES=found` scans the shapes of `found-shapes.ts`
 * instead of `inputs.ts`. Bounded: about a minute (found shapes: a few; each scan
 * stops at the 500 ms budget, as in the gate).
 */
import { existsSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../src/core/runner.ts";
import { createScanner } from "../../src/gate/dlp/create-scanner.ts";
import { type Input, inputs, MiB } from "./inputs.ts";

const [ref = "main", only] = process.argv.slice(2);
/** Scans per body and scanner (`ROUNDS=15` for a steadier median on a busy machine). */
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const root = join(import.meta.dir, "../..");
const git = async (...args: string[]): Promise<string> => {
  const result = await processRunner.run(["git", ...args], { cwd: root });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout.trim();
};
const commit = await git("rev-parse", "--verify", `${ref}^{commit}`);
const copy = join(root, "node_modules/.dlp-ab", commit);
if (!existsSync(join(copy, "src/gate/dlp/create-scanner.ts"))) {
  mkdirSync(copy, { recursive: true });
  await git("archive", `--output=${join(copy, "dlp.tar")}`, commit, "src/gate/dlp");
  await processRunner.run(["tar", "-xf", join(copy, "dlp.tar"), "-C", copy]);
}
const old: { createScanner: typeof createScanner } = await import(join(copy, "src/gate/dlp/create-scanner.ts"));

const heldSecrets = [
  `sk-ant-oat01-${"Q".repeat(10)}${crypto.randomUUID()}${crypto.randomUUID()}`,
  `ghs_${crypto.randomUUID().replaceAll("-", "").slice(0, 36)}`,
  `bottle-deploy-key-${crypto.randomUUID()}`,
  // `SHORT_HELD=1`: also a held secret of the shortest length held (8), which makes
  // decoded stretches of 8-12 bytes worth a held-form search (see `find-hits.ts`).
  ...(process.env.SHORT_HELD === "1" ? ["Hx7-pq2Z"] : []),
];
const scanners = [
  { name: commit.slice(0, 7), scanner: old.createScanner({ heldSecrets }) },
  { name: "this tree", scanner: createScanner({ heldSecrets }) },
];

const cpuMs = (run: () => unknown): number => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const kinds = (input: Input, scanner: ReturnType<typeof createScanner>): string =>
  [...new Set(scanner.scanBody(input.body, input.type, input.encoding).map((finding) => finding.kind))].sort().join(",");

console.log(`bun ${Bun.version}, load average ${loadavg().map((n) => n.toFixed(1)).join(" ")}`);
console.log(`| body (1 MiB) | ${scanners[0]?.name} | ${scanners[1]?.name} | ratio | same kinds |`);
console.log("|---|---:|---:|---:|---|");
// The found shapes take seconds to build: only when asked for.
const bodies = process.env.SHAPES === "found" ? (await import("./found-shapes.ts")).foundShapes : inputs;
for (const [name, input] of Object.entries(bodies)) {
  if (only !== undefined && !name.includes(only)) continue;
  const found = scanners.map(({ scanner }) => kinds(input, scanner)); // also the warm-up
  const times = scanners.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    // Each goes first in every other round: the garbage one scan leaves is collected
    // during whichever runs next.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) {
      const { scanner } = scanners[index] as (typeof scanners)[number];
      times[index]?.push(cpuMs(() => scanner.scanBody(input.body, input.type, input.encoding)));
    }
  }
  const scale = MiB / (input.scanned ?? input.body.length);
  const [a = 0, b = 0] = times.map((values) => median(values) * scale);
  console.log(`| ${name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(2)} | ${found[0] === found[1] ? "yes" : `NO: ${found[0]} / ${found[1]}`} |`);
}
console.log(`load average after: ${loadavg().map((n) => n.toFixed(1)).join(" ")}`);
