import type { RunOptions, RunResult, Runner, RunningProcess } from "../../src/core/runner.ts";
import { failure } from "../../src/core/runner.ts";

/** One call the code under test made. */
export interface RecordedCall {
  argv: string[];
  options: RunOptions;
}

/** A scripted answer: matched against the joined argv, first match wins. */
export interface Reply {
  match: RegExp | ((argv: string[]) => boolean);
  exitCode?: number;
  /** The output, or a function of the argv that computes it. */
  stdout?: string | ((argv: string[]) => string);
  stderr?: string;
}

/**
 * A runner that records every call instead of spawning, and answers from a script;
 * calls with no scripted reply succeed with empty output. Every program is "on PATH".
 */
export function recordingRunner(replies: Reply[] = []) {
  const calls: RecordedCall[] = [];
  const answer = (argv: readonly string[], options: RunOptions): RunResult => {
    calls.push({ argv: [...argv], options });
    const reply = replies.find(({ match }) =>
      typeof match === "function" ? match([...argv]) : match.test(argv.join(" ")),
    );
    const stdout = typeof reply?.stdout === "function" ? reply.stdout([...argv]) : (reply?.stdout ?? "");
    const result: RunResult = {
      argv,
      exitCode: reply?.exitCode ?? 0,
      signal: null,
      stdout,
      stderr: reply?.stderr ?? "",
      timedOut: false,
    };
    if ((options.check ?? true) && result.exitCode !== 0) throw failure(result);
    return result;
  };
  const runner: Runner = {
    run: async (argv, options = {}) => answer(argv, options),
    start: (argv, options = {}): RunningProcess => {
      const exited = Promise.resolve().then(() => answer(argv, options));
      return { pid: 0, exited, kill: () => {} };
    },
    which: (program) => `/usr/bin/${program}`,
  };
  return { runner, calls };
}
