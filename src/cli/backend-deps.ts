import { join } from "node:path";
import type { Backend, BackendDeps, BottleMetadata } from "../backend/types.ts";
import { selectBackend } from "../backend/select.ts";
import { BottleError } from "../core/errors.ts";
import { bottlePaths } from "../core/paths.ts";
import { readJson } from "../core/state.ts";
import type { CommandContext } from "./context.ts";
import { shutdownSignal } from "./shutdown-signal.ts";

/**
 * What a backend gets from a command: the context's runner and env, bottle's paths,
 * progress on stderr, and a signal that fires on the command's own abort or on
 * SIGINT/SIGTERM/SIGHUP.
 */
export function backendDeps(context: CommandContext): BackendDeps {
  return {
    runner: context.runner,
    paths: bottlePaths(context.env),
    env: context.env,
    log: (line) => context.stderr.write(`${line}\n`),
    signal: AbortSignal.any([context.signal, shutdownSignal()]),
  };
}

/** The backend a bottle was started on, from its metadata (docker for one without). */
export async function backendOf(identity: string, deps: BackendDeps): Promise<{ backend: Backend; metadata: BottleMetadata | undefined }> {
  const metadata = await readJson<BottleMetadata>(join(deps.paths.bottleState(identity), "metadata.json"));
  return { backend: selectBackend(metadata?.backend ?? "docker"), metadata };
}

/** The `ID` positional of attach/resume/stop/logs, or a usage error naming it. */
export function identityArg(context: CommandContext, command: string): string {
  const identity = context.positionals[0];
  if (identity === undefined || identity === "") {
    throw new BottleError(`\`bottle ${command}\` needs a bottle's identity`, { hint: "`bottle list` shows them", exitCode: 2 });
  }
  return identity;
}
