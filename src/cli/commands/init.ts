import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BottleError } from "../../core/errors.ts";
import { STARTER_MANIFEST } from "../../manifest/starter-manifest.ts";
import type { CommandContext } from "../context.ts";

/** `bottle init [--force]`: writes a commented starter bottle.yaml in the current directory. */
export async function run(context: CommandContext): Promise<number> {
  const file = join(context.cwd, "bottle.yaml");
  const force = context.flags.force === true;
  try {
    // "wx" refuses an existing file atomically: no window between a check and the write.
    writeFileSync(file, STARTER_MANIFEST, { flag: force ? "w" : "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      throw new BottleError(`bottle.yaml already exists in ${context.cwd}`, {
        hint: "edit it (check with `bottle validate`), or run `bottle init --force` to replace it",
      });
    }
    throw new BottleError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
  context.stdout.write(`wrote ${file}\n  next: edit it, check it with \`bottle validate\`, then run \`bottle\`\n`);
  return 0;
}
