import { isCancel } from "@clack/prompts";
import type { Readable, Writable } from "node:stream";
import { BottleError, ExitCode } from "../../core/errors.ts";

/** Where prompts read keys and draw; tests and tmux hand in their own. */
export interface PromptIO {
  input: Readable;
  output: Writable;
  /** Aborting it cancels the open prompt (clack answers with its cancel symbol). */
  signal?: AbortSignal;
}

/** The options every @clack/prompts prompt takes. */
export interface PromptCommon {
  input: Readable;
  output: Writable;
  signal?: AbortSignal;
}

/** A person cancelled (Ctrl-C, Esc): exit 130 with `cancelled`, no stack. */
export class CancelledError extends BottleError {
  constructor() {
    super("cancelled", { exitCode: ExitCode.cancelled });
  }
}

/**
 * The one cancel-aware helper every prompt goes through: hands the prompt its
 * input/output/signal, and turns clack's cancel value into a {@link CancelledError}
 * so no caller can forget to check it.
 */
export async function prompt<T>(io: PromptIO, ask: (common: PromptCommon) => Promise<T>): Promise<Exclude<T, symbol>> {
  const common: PromptCommon = io.signal === undefined ? { input: io.input, output: io.output } : { ...io };
  const value = await ask(common);
  if (isCancel(value)) throw new CancelledError();
  return value as Exclude<T, symbol>;
}

/** The real terminal. */
export function terminalIO(signal?: AbortSignal): PromptIO {
  return signal === undefined ? { input: process.stdin, output: process.stdout } : { input: process.stdin, output: process.stdout, signal };
}
