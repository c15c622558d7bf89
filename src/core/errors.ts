/**
 * The one error type users see: a one-line cause and, where we know it, the fix.
 * The top-level handler prints `bottle: <message>` and `  hint: <hint>`, never a stack
 * (unless `--debug`), and exits with `exitCode`.
 */
export class BottleError extends Error {
  override readonly name = "BottleError";
  readonly hint: string | undefined;
  readonly exitCode: 1 | 2 | 130;

  constructor(message: string, options: { hint?: string; cause?: unknown; exitCode?: 1 | 2 | 130 } = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A mistake in how the CLI was called (unknown flag, missing choice): exit code 2. */
export class UsageError extends BottleError {
  constructor(message: string, hint?: string) {
    super(message, hint === undefined ? { exitCode: 2 } : { hint, exitCode: 2 });
  }
}

/**
 * Exit codes: 0 ok, 1 failure, 2 usage, 130 cancelled by the person (128 + SIGINT, as
 * shells report Ctrl-C), 141 when the reader of our output went away (128 + SIGPIPE).
 */
export const ExitCode = { ok: 0, failure: 1, usage: 2, cancelled: 130, closedPipe: 141 } as const;
