import { ExitCode } from "../core/errors.ts";

/** The part of process.stdout/stderr the guard needs; tests pass an EventEmitter. */
export interface GuardedStream {
  on(event: "error", listener: (error: NodeJS.ErrnoException) => void): unknown;
}

const guarded = new WeakSet<GuardedStream>();

/**
 * A reader that goes away (`bottle list --json | head -1`) makes the next write fail
 * with EPIPE, which Bun 1.3.14 emits as an 'error' event on process.stdout: unhandled,
 * it prints a stack trace. Like `ls | head`, bottle then stops quietly with 141 (128 +
 * SIGPIPE, what shells report for such a pipe); any other write failure (a full disk)
 * is one line and exit 1. The event comes after `main` has returned, so this, not the
 * top-level handler, ends the process. Returns the stream, guarded once.
 */
export function guardClosedPipe<T extends GuardedStream>(stream: T, exit: (code: number) => void = (code) => process.exit(code)): T {
  if (guarded.has(stream)) return stream;
  guarded.add(stream);
  stream.on("error", (error) => {
    if (error.code === "EPIPE") return exit(ExitCode.closedPipe);
    // stderr may be the broken one; this is the last thing said either way.
    try {
      process.stderr.write(`bottle: cannot write output: ${error.code ?? error.message}\n`);
    } catch {}
    exit(ExitCode.failure);
  });
  return stream;
}
