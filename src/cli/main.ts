#!/usr/bin/env bun
import { parseArgs } from "node:util";
import { BottleError, ExitCode, UsageError } from "../core/errors.ts";
import { processRunner } from "../core/runner.ts";
import { VERSION } from "../core/version.ts";
import { COMMANDS, GLOBAL_FLAGS, type CommandSpec } from "./commands.ts";
import { isInteractive, type CommandContext } from "./context.ts";
import { commandHelp, mainHelp } from "./help.ts";

const stdout = { write: (text: string) => void process.stdout.write(text) };
const stderr = { write: (text: string) => void process.stderr.write(text) };

function parse(name: string, spec: CommandSpec, args: string[]) {
  const flags = { ...spec.flags, ...GLOBAL_FLAGS };
  try {
    const { values, positionals } = parseArgs({
      args,
      options: Object.fromEntries(
        Object.entries(flags).map(([flag, { type, short, multiple }]) => [flag, { type, short, multiple }]),
      ),
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > (spec.maxPositionals ?? 0)) {
      throw new UsageError(`\`bottle ${name}\` got an unexpected argument: ${positionals.at(-1)}`, `usage: ${spec.usage}`);
    }
    return { values, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = (error as Error).message.split(". ")[0]!.replace(/^Unknown option/, "unknown flag");
    throw new UsageError(`${message} (bottle ${name})`, `run \`bottle ${name} --help\``);
  }
}

/** Runs the CLI with `argv` (without the program name) and returns the exit code. */
export async function main(argv: string[], env = process.env): Promise<number> {
  const debug = argv.includes("--debug");
  const controller = new AbortController();
  try {
    const [first, ...rest] = argv;
    if (first === "--version" || first === "-v") {
      stdout.write(`bottle ${VERSION}\n`);
      return ExitCode.ok;
    }
    if (first === "--help" || first === "-h" || first === "help") {
      stdout.write(mainHelp());
      return ExitCode.ok;
    }
    // `bottle` alone, or `bottle --flag …`, is the picker's start flow.
    const pickerFlow = first === undefined || first.startsWith("-");
    const name = pickerFlow ? "start" : first;
    const spec = COMMANDS[name];
    if (spec === undefined) {
      throw new UsageError(`unknown command: ${name}`, "run `bottle --help` for the list of commands");
    }
    const { values, positionals } = parse(name, spec, pickerFlow ? argv : rest);
    if (values.help) {
      stdout.write(pickerFlow ? mainHelp() : commandHelp(name, spec));
      return ExitCode.ok;
    }
    const context: CommandContext = {
      positionals,
      flags: { ...values, picker: pickerFlow },
      runner: processRunner,
      env,
      cwd: process.cwd(),
      stdout,
      stderr,
      interactive: isInteractive(env),
      signal: controller.signal,
    };
    const module = await spec.load();
    return (await module.run(context)) ?? ExitCode.ok;
  } catch (error) {
    if (error instanceof BottleError) {
      stderr.write(`bottle: ${error.message}\n`);
      if (error.hint) stderr.write(`  hint: ${error.hint}\n`);
      if (debug && error.stack) stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    stderr.write(`bottle: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
    stderr.write(debug ? `${(error as Error)?.stack}\n` : "  hint: run again with --debug and report it\n");
    return ExitCode.failure;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
