import { ExitCode } from "../core/errors.ts";
import { shuttingDown } from "./shutdown-signal.ts";

/** The part of process.stdout/stderr the guard needs; tests pass an EventEmitter. */
export interface GuardedStream {
  on(event: "error", listener: (error: NodeJS.ErrnoException) => void): unknown;
}

/** What the guard may do; tests pass their own. */
export interface GuardOptions {
  exit?: (code: number) => void;
  /** True while a teardown runs: then no write failure may end the process. */
  tearingDown?: () => boolean;
}

const guarded = new WeakSet<GuardedStream>();

/**
 * A reader that goes away (`bottle list --json | head -1`) makes the next write fail
 * with EPIPE, which Bun emits as an 'error' event on process.stdout: unhandled, it
 * prints a stack trace. Like `ls | head`, bottle then stops quietly with 141 (128 +
 * SIGPIPE); any other write failure (a full disk) is one line and exit 1. But while a
 * bottle tears down, and whenever the terminal itself is gone (EIO: its window was
 * closed), a failed write is dropped instead: ending the process there would leave
 * the bottle half torn down. The event comes after `main` has returned, so this, not
 * the top-level handler, ends the process. Returns the stream, guarded once.
 */
export function guardClosedPipe<T extends GuardedStream>(stream: T, options: GuardOptions | ((code: number) => void) = {}): T {
  const { exit = (code: number) => process.exit(code), tearingDown = shuttingDown } = typeof options === "function" ? { exit: options } : options;
  if (guarded.has(stream)) return stream;
  guarded.add(stream);
  stream.on("error", (error) => {
    if (error.code === "EIO" || tearingDown()) return;
    if (error.code === "EPIPE") return exit(ExitCode.closedPipe);
    // stderr may be the broken one; this is the last thing said either way.
    try {
      process.stderr.write(`bottle: cannot write output: ${error.code ?? error.message}\n`);
    } catch {}
    exit(ExitCode.failure);
  });
  return stream;
}
