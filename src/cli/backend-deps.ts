import type { Backend, BackendDeps, BottleMetadata } from "../backend/types.ts";
import { defaultBackendName, selectBackend } from "../backend/select.ts";
import { BottleError } from "../core/errors.ts";
import { bottleFiles, bottlePaths, checkedIdentity } from "../core/paths.ts";
import { readSettings } from "../core/settings.ts";
import { readJson } from "../core/state.ts";
import type { CommandContext } from "./context.ts";
import { shutdownSignal } from "./shutdown-signal.ts";

/**
 * What a backend gets from a command: the context's runner and env, bottle's paths and
 * validated settings, progress on stderr, and a signal that fires on the command's own
 * abort or on SIGINT/SIGTERM/SIGHUP. A progress line that cannot be written (the
 * terminal is gone) is dropped: it must never stop a teardown.
 */
export function backendDeps(context: CommandContext): BackendDeps {
  return {
    runner: context.runner,
    paths: bottlePaths(context.env),
    env: context.env,
    settings: readSettings(context.env),
    log: (line) => {
      try {
        context.stderr.write(`${line}\n`);
      } catch {
        // EIO/EPIPE from a closed terminal: nobody is there to read it.
      }
    },
    signal: AbortSignal.any([context.signal, shutdownSignal()]),
    // Read when a backend asks (a supervise request), not here: see main's `interactive`.
    get attended() {
      return context.interactive;
    },
    ...(context.socketGet === undefined ? {} : { socketGet: context.socketGet }),
  };
}

/** The backend a bottle was started on, from its metadata (the default backend for one without). */
export async function backendOf(identity: string, deps: BackendDeps): Promise<{ backend: Backend; metadata: BottleMetadata | undefined }> {
  const metadata = await readJson<BottleMetadata>(bottleFiles(deps.paths.bottleState(identity)).metadata);
  return { backend: selectBackend(metadata?.backend ?? defaultBackendName()), metadata };
}

/** The `ID` positional of attach/resume/stop/logs, validated before it touches a path; a usage error without one. */
export function identityArg(context: CommandContext, command: string): string {
  const identity = context.positionals[0];
  if (identity === undefined || identity === "") {
    throw new BottleError(`\`bottle ${command}\` needs a bottle's identity`, { hint: "`bottle list` shows them", exitCode: 2 });
  }
  return checkedIdentity(identity);
}
