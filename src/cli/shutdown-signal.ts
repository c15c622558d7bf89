let controller: AbortController | undefined;

/**
 * An AbortSignal that fires on SIGINT, SIGTERM or SIGHUP, so a launching or attached
 * bottle unwinds its AsyncDisposableStack instead of dying with its objects left behind.
 * Handlers are installed on first use only: commands that never ask keep the default
 * behaviour. A second signal while tearing down exits at once (130), as people expect
 * from pressing Ctrl-C twice.
 */
export function shutdownSignal(): AbortSignal {
  if (controller !== undefined) return controller.signal;
  const own = new AbortController();
  controller = own;
  for (const name of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(name, () => {
      if (own.signal.aborted) process.exit(130);
      own.abort(new Error(name));
    });
  }
  return own.signal;
}
