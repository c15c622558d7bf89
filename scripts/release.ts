/**
 * `bun run release`: compiles bottle for every supported platform into `dist/release/`
 * (`bottle-<version>-<os>-<arch>`) and writes `SHA256SUMS` in the format `sha256sum -c`
 * checks. Targets other than this machine's download their Bun runtime from npm.
 */
import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { VERSION } from "../src/core/version.ts";
import { compile, reportFailure, ROOT, type CompileTarget } from "./compile.ts";

/** The platforms a release ships, as `bun build --target` names them. */
export const RELEASE_TARGETS: readonly CompileTarget[] = [
  "bun-linux-x64",
  "bun-linux-arm64",
  "bun-darwin-arm64",
  "bun-darwin-x64",
];

const dir = join(ROOT, "dist/release");

/** Builds every target one at a time (each compile holds a runtime in memory; CI has 2 cores). */
async function release(): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  const sums: string[] = [];
  for (const target of RELEASE_TARGETS) {
    const outfile = join(dir, releaseName(target));
    await compile({ outfile, target });
    const digest = createHash("sha256").update(await readFile(outfile)).digest("hex");
    sums.push(`${digest}  ${basename(outfile)}`);
    console.log(`built ${outfile}`);
  }
  await writeFile(join(dir, "SHA256SUMS"), `${sums.join("\n")}\n`);
  console.log(`wrote ${join(dir, "SHA256SUMS")}`);
}

/** Where each target's binary goes: `dist/release/bottle-<version>-<os>-<arch>`. */
export function releaseName(target: CompileTarget): string {
  return `bottle-${VERSION}-${target.replace(/^bun-/, "")}`;
}

// Only as `bun run release`: tests import the names above without building anything.
if (import.meta.main) {
  try {
    await release();
  } catch (error) {
    process.exitCode = reportFailure("release", error);
  }
}
