import { resolve } from "node:path";
import { UsageError } from "../../core/errors.ts";
import { backendDeps } from "../backend-deps.ts";
import { resolveBottleId } from "../bottle-ids.ts";
import type { CommandContext } from "../context.ts";

/** `ID:PATH` (as docker cp reads `CONTAINER:PATH`: a colon before any slash), or a host path. */
function side(word: string): { id: string; path: string } | undefined {
  const match = /^([^/:]+):(.*)$/.exec(word);
  return match === null ? undefined : { id: match[1]!, path: match[2]! === "" ? "." : match[2]! };
}

/**
 * `bottle cp ID:PATH DEST` and `bottle cp SRC ID:PATH`: copies out of or into a bottle
 * with docker cp's meaning (a folder destination that exists receives the source
 * inside it; `SRC/.` copies a folder's contents). A bottle path may be relative to its
 * workspace. Out of a stopped docker bottle, its workspace can still be copied.
 */
export async function run(context: CommandContext): Promise<number> {
  const [from, to] = context.positionals;
  if (from === undefined || to === undefined) throw new UsageError("`bottle cp` needs a source and a destination", "usage: bottle cp ID:PATH DEST, or bottle cp SRC ID:PATH");
  const [source, target] = [side(from), side(to)];
  if ((source === undefined) === (target === undefined)) {
    throw new UsageError(
      source === undefined ? "neither side of `bottle cp` names a bottle" : "`bottle cp` copies between a bottle and the host, not between two bottles",
      "write the bottle's side as ID:PATH (a host path with a colon: ./name:x)",
    );
  }
  const deps = backendDeps(context);
  const named = source ?? target!;
  const bottle = await resolveBottleId(deps, named.id);
  const hostWord = source === undefined ? from : to;
  // `./x/.` must keep its `/.` (folder contents): resolve() would drop it.
  const hostPath = resolve(context.cwd, hostWord) + (hostWord === "." || hostWord.endsWith("/.") ? "/." : "");
  await bottle.backend.copy(bottle.identity, deps, { direction: source === undefined ? "in" : "out", bottlePath: named.path, hostPath });
  return 0;
}
