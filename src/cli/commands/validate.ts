import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { formatProblem, type Problem } from "../../core/config-file.ts";
import { BottleError } from "../../core/errors.ts";
import { BUILT_IN, displayPath, findManifest, readManifestText } from "../../manifest/load.ts";
import { parseManifest } from "../../manifest/parse-manifest.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";

/**
 * `bottle validate [FILE] [--manifest F] [--json]`: checks a manifest and reports every
 * problem as `FILE:LINE:COL: message` on stderr (exit 1), or `FILE: ok`. With `--json`,
 * `{ ok, file, problems: [{ file, line, col, message }] }` on stdout.
 */
export async function run(context: CommandContext): Promise<number> {
  const positional = context.positionals[0];
  let file: string;
  if (positional !== undefined) {
    file = resolve(context.cwd, positional);
    if (!existsSync(file)) {
      throw new BottleError(`manifest not found: ${positional}`, { hint: "check the path, or run `bottle init` to write a starter bottle.yaml" });
    }
  } else {
    file = findManifest({ flag: context.flags.manifest as string | undefined, env: context.env, cwd: context.cwd }).file;
  }
  const shown = file === BUILT_IN ? BUILT_IN : displayPath(file, context.cwd);
  // The built-in manifest is checked by the unit tests; there is nothing to read.
  const problems: Problem[] = file === BUILT_IN ? [] : parseManifest(shown, readManifestText(file)).problems;
  const ok = problems.length === 0;
  if (context.flags.json === true) {
    writeJsonOut(context.stdout, { ok, file: shown, problems });
  } else if (ok) {
    context.stdout.write(`${shown}: ok\n`);
  } else {
    context.stderr.write(`${problems.map(formatProblem).join("\n")}\n`);
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    context.stderr.write(`${shown}: ${count}\n`);
  }
  return ok ? 0 : 1;
}
