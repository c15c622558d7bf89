import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { processRunner, type Runner } from "../src/core/runner.ts";

/** The repository root, whatever the caller's cwd. */
export const ROOT = join(import.meta.dir, "..");

/** The CLI's entry point, the one file `bun build --compile` starts from. */
export const ENTRY = join(ROOT, "src/cli/main.ts");

/** A `bun build --target` for a compiled executable, e.g. `bun-linux-arm64`. */
export type CompileTarget = `bun-${"linux" | "darwin" | "windows"}-${string}`;

/** What to compile, and where. */
export interface CompileOptions {
  outfile: string;
  /** By default, this machine: Bun reuses its own runtime instead of downloading one. */
  target?: CompileTarget;
  runner?: Runner;
}

/**
 * The argv of `bun build --compile` for bottle. Autoloading `.env` and `bunfig.toml`
 * is off (Bun 1.3 enables both in compiled executables by default): the binary must
 * not change behaviour, or leak a project's variables into engine commands, because of
 * files that happen to sit in the directory it is started from.
 */
export function compileArgv(options: CompileOptions, bun: string = process.execPath): string[] {
  return [
    bun,
    "build",
    "--compile",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    "--minify",
    // Chunks per lazily loaded command: without it Bun 1.3.14 evaluates every command's
    // imports (node:http, node:net, streams) at startup, doubling `bottle --version`.
    "--splitting",
    // Each chunk ships as JavaScriptCore bytecode, not as source to parse at every start:
    // half of `bottle list`'s CPU in Bun 1.4.5 (bench/list). ESM bytecode needs `--compile`
    // and an explicit `--format=esm` (Bun 1.4.5 defaults bytecode builds to CommonJS,
    // which cannot split). Only for this machine's OS: bytecode made on one OS for another
    // crashed at launch in earlier Bun (oven-sh/bun#18416), and no darwin binary can be
    // run here to check 1.4.5; a linux-arm64 one was run under qemu.
    ...(sameOs(options.target) ? ["--bytecode", "--format=esm"] : []),
    ...(options.target === undefined ? [] : [`--target=${options.target}`]),
    `--outfile=${options.outfile}`,
    ENTRY,
  ];
}

/** Whether `target` (by default, this machine) is for the OS this script runs on. */
function sameOs(target: CompileTarget | undefined): boolean {
  return target === undefined || target.split("-")[1] === process.platform;
}

/**
 * Compiles bottle into one executable. Cross targets fetch their Bun runtime from the
 * npm registry on first use (`@oven/bun-<os>-<arch>`), so they need network once.
 */
export async function compile(options: CompileOptions): Promise<string> {
  await mkdir(dirname(options.outfile), { recursive: true });
  // Inherit the terminal: a bundling error is many lines, the runner's message keeps one.
  await (options.runner ?? processRunner).run(compileArgv(options), { cwd: ROOT, stdio: "inherit", timeoutMs: 300_000 });
  return options.outfile;
}

/** Prints a script's failure as one line (and its hint), not a stack; returns the exit code. */
export function reportFailure(script: string, error: unknown): number {
  const { message, hint } = error as { message?: string; hint?: string };
  console.error(`${script}: ${message ?? String(error)}`);
  if (hint) console.error(`  hint: ${hint}`);
  return 1;
}
