#!/usr/bin/env bun
import { didYouMean } from "../core/did-you-mean.ts";
import { BottleError, ExitCode, UsageError } from "../core/errors.ts";
import { processRunner, type Runner } from "../core/runner.ts";
import { socketGet, type SocketGet } from "../core/socket-get.ts";
import { VERSION } from "../core/version.ts";
import { guardClosedPipe } from "./closed-pipe.ts";
import { COMMANDS, GLOBAL_FLAGS, type CommandSpec } from "./commands.ts";
import { isInteractive, type CommandContext, type Output } from "./context.ts";
import { debugRunner } from "./debug-runner.ts";
import { commandHelp, mainHelp } from "./help.ts";

/** The outside world `main` touches; tests replace any part of it. */
export interface MainIO {
  stdout: Output;
  stderr: Output;
  cwd: string;
  runner: Runner;
  /** By default, true when both ends are a TTY and `CI` is not set (asked only once a command runs). */
  interactive: boolean;
  /** By default, true when stdin is a TTY (asked only once a command runs). */
  terminal?: boolean;
  signal: AbortSignal;
  /**
   * By default, the real engine socket when the runner is the real one too: a test that
   * hands in a runner (a recorder) gets no socket unless it hands one in as well.
   */
  socketGet?: SocketGet;
}

/**
 * The real process. Nothing here touches `process.stdout`/`stdin` until it is used:
 * the first touch builds node's stream layer, which costs Bun 1.3.14 ~20 ms of startup.
 */
function processIO(): Omit<MainIO, "interactive"> {
  return {
    stdout: { write: (text: string) => void guardClosedPipe(process.stdout).write(text) },
    stderr: { write: (text: string) => void guardClosedPipe(process.stderr).write(text) },
    cwd: process.cwd(),
    runner: processRunner,
    signal: new AbortController().signal,
  };
}

/** `bottle` for the picker flow, `bottle <name>` otherwise: how messages name what was run. */
function shown(name: string, picker: boolean): string {
  return picker ? "bottle" : `bottle ${name}`;
}

/** Turns node:util parseArgs' messages into ours: first sentence, `flag` wording, a did-you-mean. */
function flagError(error: Error, command: string, flags: string[]): UsageError {
  const message = error.message.split(/\.( |\n)|\n/)[0]!;
  const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(message);
  if (unknown) {
    const close = unknown[1] === "--" ? didYouMean(unknown[2]!, flags) : undefined;
    return new UsageError(
      `unknown flag: ${unknown[1]}${unknown[2]} (${command})`,
      close === undefined ? `run \`${command} --help\` for its flags` : `did you mean --${close}?`,
    );
  }
  return new UsageError(`${message.replace(/^Option/, "flag")} (${command})`, `run \`${command} --help\``);
}

async function parse(name: string, spec: CommandSpec, args: string[], picker: boolean) {
  const flags = { ...spec.flags, ...GLOBAL_FLAGS };
  const command = shown(name, picker);
  // Loaded here, not at the top: importing node:util costs Bun 1.3.14 ~12 ms of
  // startup, which `bottle --version` and `--help` do not need.
  const { parseArgs } = await import("node:util");
  let parsed;
  try {
    parsed = parseArgs({
      args,
      // Bun 1.3's parseArgs rejects `short: undefined`, so absent keys stay absent.
      options: Object.fromEntries(
        Object.entries(flags).map(([flag, { type, short, multiple }]) => [
          flag,
          { type, ...(short === undefined ? {} : { short }), ...(multiple === undefined ? {} : { multiple }) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (!code.startsWith("ERR_PARSE_ARGS_")) throw error;
    throw flagError(error as Error, command, Object.keys(flags));
  }
  if (parsed.positionals.length > (spec.maxPositionals ?? 0)) {
    throw new UsageError(`\`${command}\` got an unexpected argument: ${parsed.positionals.at(-1)}`, `usage: ${spec.usage}`);
  }
  return parsed;
}

function unknownCommand(name: string): UsageError {
  const close = didYouMean(name, Object.keys(COMMANDS));
  return new UsageError(
    `unknown command: ${name}`,
    close === undefined
      ? `run \`bottle --help\` for the list of commands; to start an agent by name: \`bottle start ${name}\``
      : `did you mean \`bottle ${close}\`?`,
  );
}

/** Global flags that take a value, as they may be written before the command. */
const VALUE_GLOBALS = new Set(["--manifest", "-m", "--context"]);
/** Global flags without a value. */
const BOOLEAN_GLOBALS = new Set(["--debug", "--json"]);

/**
 * Splits `bottle [GLOBAL FLAGS] COMMAND …` into the command's words and the global
 * flags written before it (`--debug`, `--json`, `--manifest F`): `bottle --debug list`
 * is `list --debug`, never the agent "list". Anything else before the command keeps
 * the argv as it is (the picker's `bottle --cwd …`).
 */
export function hoistGlobalFlags(argv: readonly string[]): string[] {
  const globals: string[] = [];
  let index = 0;
  while (index < argv.length) {
    const word = argv[index]!;
    const [flag] = word.split("=", 1);
    if (BOOLEAN_GLOBALS.has(word)) {
      globals.push(word);
      index += 1;
    } else if (VALUE_GLOBALS.has(flag!) && word.includes("=")) {
      globals.push(word);
      index += 1;
    } else if (VALUE_GLOBALS.has(word) && index + 1 < argv.length) {
      globals.push(word, argv[index + 1]!);
      index += 2;
    } else break;
  }
  const first = argv[index];
  if (first !== undefined && ["--version", "-v", "--help", "-h"].includes(first)) return [first, ...globals, ...argv.slice(index + 1)];
  // No command follows (`bottle --json`, `bottle --debug --cwd`): the picker keeps them all.
  if (first === undefined || first.startsWith("-")) return [...argv];
  return [first, ...globals, ...argv.slice(index + 1)];
}

/**
 * Runs the CLI with `argv` (without the program name) and returns the exit code:
 * 0 ok, 1 failure, 2 usage, 130 cancelled. Every error ends here: a BottleError
 * prints its message and hint, anything else a one-line report; stacks only with
 * `--debug`.
 */
export async function main(given: string[], env: Record<string, string | undefined> = process.env, io: Partial<MainIO> = {}): Promise<number> {
  const argv = hoistGlobalFlags(given);
  const world = { ...processIO(), ...io };
  const { stdout, stderr } = world;
  const debug = argv.includes("--debug");
  try {
    const [first, ...rest] = argv;
    if (first === "--version" || first === "-v" || first === "version") {
      // What scripts probe and bench/startup times: Bun's console.write goes straight to
      // fd 1, where process.stdout would first build node's stream layer (~20 ms in Bun
      // 1.3.14) for one line. Nothing else has written yet, so order cannot suffer.
      // It throws EPIPE at once when the reader is gone: quiet 141, as guardClosedPipe.
      let closedPipe = false;
      const write = (text: string) => {
        try {
          console.write(text);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EPIPE") throw error;
          closedPipe = true;
        }
      };
      (io.stdout ?? { write }).write(`bottle ${VERSION}\n`);
      return closedPipe ? ExitCode.closedPipe : ExitCode.ok;
    }
    if (first === "--help" || first === "-h" || first === "help") {
      const topic = rest.find((word) => !word.startsWith("-"));
      if (topic === undefined) {
        stdout.write(mainHelp());
        return ExitCode.ok;
      }
      const spec = COMMANDS[topic];
      if (spec === undefined) throw unknownCommand(topic);
      stdout.write(commandHelp(topic, spec));
      return ExitCode.ok;
    }
    // `bottle` alone, or `bottle --flag …`, is the picker's start flow.
    const picker = first === undefined || first.startsWith("-");
    const name = picker ? "start" : first;
    const spec = COMMANDS[name];
    if (spec === undefined) throw unknownCommand(name);
    const { values, positionals } = await parse(name, spec, picker ? argv : rest, picker);
    if (values.help) {
      stdout.write(picker ? mainHelp() : commandHelp(name, spec));
      return ExitCode.ok;
    }
    // `--context NAME` is the engine's context: DOCKER_CONTEXT for every docker command
    // this run makes, and the kubeconfig context for the kubernetes backend.
    const engine =
      typeof values.context === "string" && values.context !== "" ? { DOCKER_CONTEXT: values.context, BOTTLE_KUBERNETES_CONTEXT: values.context } : undefined;
    const runner = engine === undefined ? world.runner : withEnv(world.runner, engine);
    const context: CommandContext = {
      positionals,
      flags: { ...values, picker },
      runner: debug ? debugRunner(runner, (line) => stderr.write(`${line}\n`)) : runner,
      env: engine === undefined ? env : { ...env, ...engine },
      cwd: world.cwd,
      stdout,
      stderr,
      // Asked when first read: `process.stdin.isTTY` builds node's stream layer for stdin
      // and stdout (~8 ms in Bun 1.4.5), which `list` and the other quiet commands never need.
      get interactive() {
        const value = world.interactive ?? isInteractive(env);
        Object.defineProperty(this, "interactive", { value });
        return value;
      },
      get terminal() {
        const value = world.terminal ?? process.stdin.isTTY === true;
        Object.defineProperty(this, "terminal", { value });
        return value;
      },
      signal: world.signal,
      ...socketFor(io, debug ? (line) => stderr.write(`${line}\n`) : undefined),
    };
    // `--dry-run` runs the same start flow (the picker included) and ends in `plan`.
    const module = await (values["dry-run"] === true ? COMMANDS.plan!.load() : spec.load());
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

/** The context's socket GET: the real one with the real runner, shown as `GET unix:… PATH` under `--debug`. */
function socketFor(io: Partial<MainIO>, log: ((line: string) => void) | undefined): { socketGet?: SocketGet } {
  const get = io.socketGet ?? (io.runner === undefined ? socketGet : undefined);
  if (get === undefined) return {};
  if (log === undefined) return { socketGet: get };
  return {
    socketGet: (socket, path, options) => {
      log(`${options?.method ?? "GET"} unix:${socket} ${decodeURIComponent(path)}`);
      return get(socket, path, options);
    },
  };
}

/** A runner whose children all get `extra` on top of their environment. */
function withEnv(runner: Runner, extra: Record<string, string>): Runner {
  return {
    run: (argv, options = {}) => runner.run(argv, { ...options, env: { ...extra, ...options.env } }),
    start: (argv, options = {}) => runner.start(argv, { ...options, env: { ...extra, ...options.env } }),
    // Kept, or `--context` would make `list` spawn tools that are not installed (smolvm).
    ...(runner.which === undefined ? {} : { which: (program: string) => runner.which!(program) }),
  };
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
