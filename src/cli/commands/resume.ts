import { BottleError } from "../../core/errors.ts";
import { backendDeps } from "../backend-deps.ts";
import { oneIdWord, resolveBottleId } from "../bottle-ids.ts";
import type { CommandContext } from "../context.ts";
import { runBottle } from "../run-bottle.ts";

/**
 * `bottle resume ID`: rebuilds a stopped bottle from its metadata (the image is rebuilt
 * if its Dockerfile changed) and keeps its workspace, then attaches (or `--prompt`,
 * `--detach` as with start).
 */
export async function run(context: CommandContext): Promise<number> {
  const deps = backendDeps(context);
  const { identity, backend, metadata } = await resolveBottleId(deps, oneIdWord(context.positionals, "resume"));
  if (metadata === undefined) throw new BottleError(`no bottle ${identity} to resume`, { hint: "`bottle list` shows the bottles there are" });
  const found = (await backend.list(deps)).find((bottle) => bottle.identity === identity);
  if (found?.status === "running") {
    throw new BottleError(`${identity} is already running`, { hint: `\`bottle attach ${identity}\` opens a session on it` });
  }
  const spec = { ...metadata.spec, identity, copyFrom: undefined, prompt: undefined };
  const prompt = typeof context.flags.prompt === "string" ? context.flags.prompt : undefined;
  return runBottle(context, backend, spec, { detach: context.flags.detach === true, prompt, json: context.flags.json === true });
}
