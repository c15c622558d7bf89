import type { Runner } from "../core/runner.ts";
import type { SocketGet } from "../core/socket-get.ts";

/** Where a command writes; tests pass in collectors. */
export interface Output {
  write(text: string): void;
}

/** Everything a command may touch of the outside world, so tests can replace it. */
export interface CommandContext {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
  runner: Runner;
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: Output;
  stderr: Output;
  /** True when a person is at the terminal and nothing forbids prompting. */
  interactive: boolean;
  /** True when stdin is a terminal, which attaching to an agent needs (CI may still be set). */
  terminal: boolean;
  signal: AbortSignal;
  /** Asks a local engine's API on its socket; absent when a test hands in its own runner (see MainIO). */
  socketGet?: SocketGet;
}

/** A command module: `src/cli/commands/<name>.ts` exports `run`. Returns the exit code. */
export interface CommandModule {
  run(context: CommandContext): Promise<number | void>;
}

/**
 * Prompts hang when stdin is not a TTY (@clack/prompts 1.x), and CI must never wait for
 * a person: prompt only with a terminal on both ends and no `CI` set.
 */
export function isInteractive(env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && (ci === undefined || ci === "" || ci === "0" || ci === "false");
}

/** Writes one JSON document and a newline: the `--json` output of every command. */
export function writeJsonOut(output: Output, value: unknown): void {
  output.write(`${JSON.stringify(value, null, 2)}\n`);
}
