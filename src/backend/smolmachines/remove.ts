import { BottleError } from "../../core/errors.ts";
import type { Backend } from "../types.ts";
import { reapSmolBottle } from "./reap.ts";
import { surveySmolBottles } from "./survey.ts";

/**
 * Deletes a smolmachines bottle whole: its machine, its gate and its state folder,
 * which holds its workspace. A running machine needs `force`.
 */
export const remove: Backend["remove"] = async (identity, deps, options) => {
  const [found] = await surveySmolBottles(deps, identity);
  if (found === undefined) {
    throw new BottleError(`no smolmachines bottle ${identity}`, { hint: "`bottle list` shows the bottles there are" });
  }
  if (found.machine?.state === "running" && !options.force) {
    throw new BottleError(`${identity} is running`, {
      hint: `\`bottle stop ${identity}\` first, or \`bottle rm --force ${identity}\` to delete it running, workspace and all`,
      exitCode: 2,
    });
  }
  return { removed: await reapSmolBottle(deps, found, { work: "remove" }) };
};
