import { ExitCode } from "../core/errors.ts";

/** The process hooks the shutdown handler uses; tests pass their own. */
export interface ShutdownHooks {
  on(name: "SIGINT" | "SIGTERM" | "SIGHUP", listener: () => void): void;
  exit(code: number): void;
  now(): number;
}

/** A second Ctrl-C this long after the first is a person insisting, not the same keypress echoed. */
export const INSIST_MS = 1_000;

/**
 * An AbortController that fires on the first SIGINT, SIGTERM or SIGHUP, so a launching
 * or attached bottle tears down once. Every later signal is ignored, however many come
 * (a closed terminal window delivers SIGHUP more than once: the kernel's and the
 * shell's), except a second Ctrl-C at least `INSIST_MS` after the first: a person who
 * insists gets the prompt back at once (130). What is left then is a bottle whose CLI
 * died, which the next start or `cleanup` stops without touching its work.
 */
export function shutdownController(hooks: ShutdownHooks): AbortController {
  const controller = new AbortController();
  let firstInterrupt: number | undefined;
  for (const name of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    hooks.on(name, () => {
      if (!controller.signal.aborted) {
        if (name === "SIGINT") firstInterrupt = hooks.now();
        controller.abort(new Error(name));
        return;
      }
      if (name === "SIGINT" && firstInterrupt !== undefined && hooks.now() - firstInterrupt >= INSIST_MS) hooks.exit(ExitCode.cancelled);
    });
  }
  return controller;
}

let controller: AbortController | undefined;

/**
 * The process's shutdown signal (see `shutdownController`). Handlers are installed on
 * first use only: commands that never ask keep the default behaviour.
 */
export function shutdownSignal(): AbortSignal {
  controller ??= shutdownController({
    on: (name, listener) => void process.on(name, listener),
    exit: (code) => process.exit(code),
    now: () => Date.now(),
  });
  return controller.signal;
}

/** True once a signal asked this process to shut down: teardown is under way. */
export function shuttingDown(): boolean {
  return controller?.signal.aborted ?? false;
}
