import { existsSync } from "node:fs";
import { specChanges } from "../../backend/lifecycle/spec-changes.ts";
import type { BottleMetadata, StartSpec } from "../../backend/types.ts";
import { BottleError } from "../../core/errors.ts";
import { DEFAULT_MANIFEST } from "../../manifest/default-manifest.ts";
import { BUILT_IN, loadManifest, type LoadedManifest } from "../../manifest/load.ts";
import { resolveStart } from "../../manifest/resolve.ts";
import { backendDeps } from "../backend-deps.ts";
import { oneIdWord, resolveBottleId } from "../bottle-ids.ts";
import type { CommandContext } from "../context.ts";
import { checkHandOver, checkTerminal, runBottle } from "../run-bottle.ts";

/** The manifest a resume reads: `--manifest`, else the one the bottle was started from. */
async function manifestFor(context: CommandContext, metadata: BottleMetadata): Promise<LoadedManifest> {
  const flag = typeof context.flags.manifest === "string" ? context.flags.manifest : undefined;
  const recorded = metadata.spec.manifestFile;
  if (flag === undefined && recorded === BUILT_IN) return { manifest: structuredClone(DEFAULT_MANIFEST), file: BUILT_IN, dir: metadata.spec.manifestDir };
  if (flag === undefined && (recorded === undefined || !existsSync(recorded))) {
    throw new BottleError(`the manifest ${metadata.identity} was started from is gone: ${recorded ?? "(not recorded)"}`, {
      hint: `point at one with \`bottle resume ${metadata.identity} --manifest FILE\`, or resume as recorded with --keep-spec`,
    });
  }
  return loadManifest({ flag: flag ?? recorded, env: context.env, cwd: context.cwd });
}

/** The spec from the manifest as it is now, for the same agent; a clear error naming what vanished. */
function currentSpec(loaded: LoadedManifest, metadata: BottleMetadata, env: Record<string, string | undefined>): StartSpec {
  const { agentName, bottleName } = metadata.spec;
  const where = loaded.file === BUILT_IN ? "the built-in manifest" : loaded.file;
  const hint = `restore it, pass another manifest with --manifest, or resume as recorded with \`bottle resume ${metadata.identity} --keep-spec\``;
  const agent = loaded.manifest.agents[agentName];
  if (agent === undefined) throw new BottleError(`agent "${agentName}", which ${metadata.identity} runs, is no longer in ${where}`, { hint });
  if (loaded.manifest.bottles[agent.bottle] === undefined) {
    throw new BottleError(`bottle "${agent.bottle}", which agent "${agentName}" uses (it was "${bottleName}"), is not in ${where}`, { hint });
  }
  return resolveStart(loaded, { agent: agentName, identity: metadata.identity, env, copyFrom: undefined, prompt: undefined });
}

/**
 * `bottle resume ID [--manifest FILE] [--keep-spec]`: brings a stopped bottle back with
 * its workspace and home. By default it reads the manifest it was started from again,
 * prints what differs from the recorded spec (egress, env names, resources, image…)
 * and applies it; `--keep-spec` resumes exactly as recorded. Then attaches (or
 * `--prompt`, `--detach` as with start); Claude Code continues its conversation.
 */
export async function run(context: CommandContext): Promise<number> {
  const prompt = typeof context.flags.prompt === "string" ? context.flags.prompt : undefined;
  const handOver = { detach: context.flags.detach === true, prompt, json: context.flags.json === true };
  checkHandOver(handOver);
  const deps = backendDeps(context);
  const { identity, backend, metadata } = await resolveBottleId(deps, oneIdWord(context.positionals, "resume"));
  if (metadata === undefined) throw new BottleError(`no bottle ${identity} to resume`, { hint: "`bottle list` shows the bottles there are" });
  const found = (await backend.list(deps)).find((bottle) => bottle.identity === identity);
  if (found?.status === "running") {
    throw new BottleError(`${identity} is already running`, { hint: `\`bottle attach ${identity}\` opens a session on it` });
  }
  checkTerminal(context, handOver, "bottle resume");
  const recorded: StartSpec = { ...metadata.spec, identity, copyFrom: undefined, prompt: undefined };
  let spec = recorded;
  if (context.flags["keep-spec"] !== true) {
    const loaded = await manifestFor(context, metadata);
    // Where the workspace came from stays what it was: a resume copies nothing.
    spec = { ...currentSpec(loaded, metadata, context.env), origin: metadata.spec.origin };
    const changes = specChanges(recorded, spec);
    const from = loaded.file === BUILT_IN ? "the built-in manifest" : loaded.file;
    if (changes.length === 0) deps.log(`resuming ${identity} from ${from} (unchanged)`);
    else deps.log(`resuming ${identity} from ${from}, which changed since it started:\n${changes.map((change) => `  ${change.text}`).join("\n")}`);
  }
  return runBottle(context, backend, spec, handOver);
}
