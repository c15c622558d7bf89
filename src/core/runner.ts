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
  /** By default, `ignore`. A string or bytes are written to the child's stdin. */
  stdin?: "inherit" | "ignore" | string | Uint8Array;
  /** By default, `capture`. `inherit` hands the terminal over (attach, interactive runs). */
  stdio?: "capture" | "inherit";
  /** Called with each chunk of output as it arrives (build progress), while still capturing. */
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  timeoutMs?: number;
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
}

/** A child started in the background. */
export interface RunningProcess {
  pid: number;
  exited: Promise<RunResult>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * The only thing in bottle that spawns processes. Backends and commands receive one;
 * tests hand in a recorder (`test/helpers/recording-runner.ts`).
 */
export interface Runner {
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  start(argv: readonly string[], options?: RunOptions): RunningProcess;
}

/** The short name of a command for messages: `docker run`, `smolvm machine create`. */
export function describeCommand(argv: readonly string[]): string {
  const words = argv.slice(0, 3).filter((word) => !word.startsWith("-"));
  return words.slice(0, 2).map((word) => word.split("/").pop()).join(" ");
}

/** A non-zero exit turned into the error users see: the command and its last stderr line. */
export function failure(result: RunResult): BottleError {
  const last = result.stderr.trim().split("\n").pop()?.trim() || result.stdout.trim().split("\n").pop()?.trim();
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
): Promise<string> {
  if (stream === null || stream === undefined || typeof stream === "number") return "";
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    const piece = decoder.decode(chunk, { stream: true });
    text += piece;
    onOutput?.(piece, name);
  }
  return text + decoder.decode();
}

function startProcess(argv: readonly string[], options: RunOptions): RunningProcess {
  const capture = (options.stdio ?? "capture") === "capture";
  const input = options.stdin ?? "ignore";
  let child: ReturnType<typeof Bun.spawn>;
  try {
    child = Bun.spawn([...argv], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, ...options.secretEnv },
      stdin: typeof input === "string" ? new TextEncoder().encode(input) : input,
      stdout: capture ? "pipe" : "inherit",
      stderr: capture ? "pipe" : "inherit",
    });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new BottleError(
      missing ? `\`${argv[0]}\` is not installed or not on PATH` : `could not start \`${argv[0]}\``,
      { cause: error, hint: missing ? `install ${argv[0]} and run \`bottle doctor\`` : undefined },
    );
  }

  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, options.timeoutMs);
  const abort = () => child.kill("SIGTERM");
  options.signal?.addEventListener("abort", abort, { once: true });

  const exited = (async (): Promise<RunResult> => {
    const [stdout, stderr] = await Promise.all([
      drain(child.stdout, "stdout", options.onOutput),
      drain(child.stderr, "stderr", options.onOutput),
    ]);
    const exitCode = await child.exited;
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", abort);
    const result: RunResult = {
      argv,
      exitCode,
      signal: child.signalCode ?? null,
      stdout,
      stderr,
      timedOut,
    };
    if ((options.check ?? true) && (exitCode !== 0 || timedOut)) throw failure(result);
    return result;
  })();

  return { pid: child.pid, exited, kill: (signal = "SIGTERM") => child.kill(signal) };
}

/** The runner over `Bun.spawn` that the CLI uses. */
export const processRunner: Runner = {
  run: (argv, options = {}) => startProcess(argv, options).exited,
  start: (argv, options = {}) => startProcess(argv, options),
};
