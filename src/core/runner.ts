import { BottleError } from "./errors.ts";

/** How a child gets its input and where its output goes. */
export interface RunOptions {
  /**
   * Secret values by environment name. They reach the child's environment only; argv
   * names them (`docker run -e NAME`), and nothing here ever logs them.
   */
  secretEnv?: Record<string, string>;
  /** Extra non-secret environment for the child, on top of the parent's. */
  env?: Record<string, string>;
  cwd?: string;
  /**
   * By default, `ignore`. A string or bytes are written to the child's stdin; a stream
   * is piped in as it arrives (a git push body the gate hands to `receive-pack`).
   */
  stdin?: "inherit" | "ignore" | string | Uint8Array | ReadableStream<Uint8Array>;
  /**
   * By default, `capture`. `inherit` hands the terminal over (attach, interactive runs).
   * `stream` hands stdout over as bytes ({@link RunningProcess.stdout}, never decoded or
   * kept: a pack the git gate serves) while stderr is still captured.
   */
  stdio?: "capture" | "inherit" | "stream";
  /** Called with each chunk of output as it arrives (build progress), while still capturing. */
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  timeoutMs?: number;
  /** With `capture`: stdout past this many bytes stops the child (SIGKILL) and is
   * not kept; the result says `overflowed`. */
  maxStdoutBytes?: number;
  signal?: AbortSignal;
  /** By default, true: a non-zero exit throws a `BottleError` naming the command. */
  check?: boolean;
}

/** What a finished child left behind. */
export interface RunResult {
  argv: readonly string[];
  exitCode: number;
  /** The signal that ended the child (`SIGKILL`…), or null when it exited. */
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when stdout went past `maxStdoutBytes` and the child was stopped for it. */
  overflowed?: boolean;
}

/** A child started in the background. */
export interface RunningProcess {
  pid: number;
  exited: Promise<RunResult>;
  kill(signal?: NodeJS.Signals): void;
  /** The child's stdout, with `stdio: "stream"` only; the result's `stdout` is then empty. */
  stdout?: ReadableStream<Uint8Array>;
}

/**
 * The only thing in bottle that spawns processes. Backends and commands receive one;
 * tests hand in a recorder (`test/helpers/recording-runner.ts`).
 */
export interface Runner {
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  start(argv: readonly string[], options?: RunOptions): RunningProcess;
  /**
   * Where `program` is on PATH, or null: lets a caller skip a tool that is not
   * installed (smolvm on a docker-only host) without paying for a spawn. By default
   * (a runner without it), every program is taken to be there.
   */
  which?(program: string): string | null;
}

/**
 * The short name of a command for messages: `docker run`, `smolvm machine`. Only the
 * program and a subcommand-shaped second word: a script (`sh -c …`) or a value is
 * never repeated into an error message.
 */
export function describeCommand(argv: readonly string[]): string {
  const program = argv[0]?.split("/").pop() ?? "";
  const sub = argv[1];
  return sub !== undefined && /^[a-z][a-z0-9-]*$/.test(sub) ? `${program} ${sub}` : program;
}

/** A non-zero exit turned into the error users see: the command and its last stderr line. */
export function failure(result: RunResult): BottleError {
  // Docker 20.10 ends a failed `docker run` with "Run 'docker run --help' for more information": the cause is the line before.
  const lines = (text: string) => text.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !/^Run '.+ --help' for more information$/.test(line));
  const last = lines(result.stderr).pop() || lines(result.stdout).pop();
  const how = result.timedOut
    ? "timed out"
    : result.signal !== null
      ? `was killed by ${result.signal}`
      : `failed (exit ${result.exitCode})`;
  return new BottleError(`\`${describeCommand(result.argv)}\` ${how}${last ? `: ${last}` : ""}`);
}

async function drain(
  stream: ReadableStream<Uint8Array> | null | undefined | number,
  name: "stdout" | "stderr",
  onOutput: RunOptions["onOutput"],
  cut: Promise<unknown>,
  limit?: { bytes: number; overflow(): void },
): Promise<string> {
  if (stream === null || stream === undefined || typeof stream === "number") return "";
  const reader = stream.getReader();
  // Cancelling ends a pending read with `done`, keeping what arrived so far.
  void cut.then(() => reader.cancel().catch(() => {}));
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (limit !== undefined && bytes > limit.bytes) {
      limit.overflow();
      await reader.cancel().catch(() => {});
      return "";
    }
    const piece = decoder.decode(value, { stream: true });
    text += piece;
    onOutput?.(piece, name);
  }
  return text + decoder.decode();
}

/** Why a child could not start, as users should read it (Bun 1.3 throws from `spawn`). */
function startFailure(argv: readonly string[], options: RunOptions, error: unknown): BottleError {
  const code = (error as NodeJS.ErrnoException).code;
  const program = argv[0] ?? "";
  // Bun reports a missing cwd as ENOENT of posix_spawn too, naming the program.
  // node:fs is required here, on this rare path, not imported at the top: loading it
  // costs Bun 1.3.14 ~15 ms of startup, and every command imports the runner.
  const { existsSync } = require("node:fs") as typeof import("node:fs");
  if (code === "ENOENT" && options.cwd !== undefined && !existsSync(options.cwd)) {
    return new BottleError(`cannot run \`${program}\`: the directory ${options.cwd} does not exist`, { cause: error });
  }
  if (code === "ENOENT") {
    return new BottleError(`\`${program}\` is not installed or not on PATH`, {
      cause: error,
      hint: `install ${program} and run \`bottle doctor\``,
    });
  }
  if (code === "EACCES") {
    return new BottleError(`\`${program}\` is not executable`, { cause: error, hint: `check its permissions: ls -l ${program}` });
  }
  if (code === "ENOEXEC") {
    return new BottleError(`\`${program}\` is not a program this machine can run`, {
      cause: error,
      hint: "is it built for another OS or CPU, or a script without a #! line?",
    });
  }
  return new BottleError(`could not start \`${program}\`: ${(error as Error).message}`, { cause: error });
}

function startProcess(argv: readonly string[], options: RunOptions): RunningProcess {
  const stdio = options.stdio ?? "capture";
  const capture = stdio !== "inherit";
  const input = options.stdin ?? "ignore";
  let child: ReturnType<typeof Bun.spawn>;
  try {
    child = Bun.spawn([...argv], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, ...options.secretEnv },
      // "inherit"/"ignore" are modes, not text: writing them as bytes would feed `docker exec -i` the word.
      // Bun 1.4.5 pipes a ReadableStream into stdin as it arrives.
      stdin: input === "inherit" || input === "ignore" ? input : typeof input === "string" ? new TextEncoder().encode(input) : input,
      stdout: capture ? "pipe" : "inherit",
      stderr: capture ? "pipe" : "inherit",
    });
  } catch (error) {
    throw startFailure(argv, options, error);
  }

  let timedOut = false;
  let aborted = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, options.timeoutMs);
  const abort = () => {
    aborted = true;
    child.kill("SIGTERM");
  };
  // An already-aborted signal never fires "abort" again: stop the child at once.
  if (options.signal?.aborted) abort();
  else options.signal?.addEventListener("abort", abort, { once: true });

  const exited = (async (): Promise<RunResult> => {
    // A child we stopped (timeout, abort) may have left a grandchild holding its pipes
    // (`sh -c "sleep 60 & wait"`): stop reading once it is gone, or the deadline would
    // stretch to the grandchild's lifetime. A child that exits by itself is read to the end.
    const cut = child.exited.then(() => (timedOut || aborted ? undefined : new Promise<never>(() => {})));
    let overflowed = false;
    const limit =
      options.maxStdoutBytes === undefined
        ? undefined
        : {
            bytes: options.maxStdoutBytes,
            overflow: () => {
              overflowed = true;
              child.kill("SIGKILL");
            },
          };
    const [stdout, stderr] = await Promise.all([
      stdio === "stream" ? "" : drain(child.stdout, "stdout", options.onOutput, cut, limit),
      drain(child.stderr, "stderr", options.onOutput, cut),
    ]);
    const exitCode = await child.exited;
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", abort);
    const result: RunResult = {
      argv,
      exitCode,
      // bun-types 1.4 also allows a signal number here; people read names.
      signal: signalName(child.signalCode),
      stdout,
      stderr,
      timedOut,
      ...(overflowed ? { overflowed } : {}),
    };
    if ((options.check ?? true) && (exitCode !== 0 || timedOut)) throw failure(result);
    return result;
  })();

  const running: RunningProcess = { pid: child.pid, exited, kill: (signal = "SIGTERM") => child.kill(signal) };
  if (stdio === "stream" && child.stdout instanceof ReadableStream) running.stdout = child.stdout;
  return running;
}

/**
 * A signal as its name (`SIGKILL`). bun-types 1.4 also allows a number here; no
 * lookup table is loaded for that rare case (startup imports no node builtin).
 */
function signalName(signal: NodeJS.Signals | number | null): string | null {
  return typeof signal === "number" ? `signal ${signal}` : signal;
}

/** The runner over `Bun.spawn` that the CLI uses. */
export const processRunner: Runner = {
  // async, so a child that cannot start rejects like one that fails, never throws.
  run: async (argv, options = {}) => startProcess(argv, options).exited,
  start: (argv, options = {}) => startProcess(argv, options),
  which: (program) => Bun.which(program, { PATH: process.env.PATH ?? "" }),
};
