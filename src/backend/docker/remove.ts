import { BottleError } from "../../core/errors.ts";
import type { Backend } from "../types.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { reapBottle } from "./reap.ts";
import { surveyBottles } from "./survey.ts";

/**
 * Deletes a docker bottle whole: its containers, networks and volumes (workspace and
 * agent home) by label, and its state folder. A container still running means someone
 * may be using it: that needs `force`.
 */
export const remove: Backend<DockerDetails>["remove"] = async (identity, deps, options) => {
  const [found] = await surveyBottles(deps, identity);
  if (found === undefined || (!found.hasState && found.objects.length === 0)) {
    throw new BottleError(`no docker bottle ${identity}`, { hint: "`bottle list` shows the bottles there are" });
  }
  const running = found.objects.some((object) => object.kind === "container" && object.state === "running");
  if (running && !options.force) {
    throw new BottleError(`${identity} is running`, {
      hint: `\`bottle stop ${identity}\` first, or \`bottle rm --force ${identity}\` to delete it running, workspace and all`,
      exitCode: 2,
    });
  }
  return { removed: await reapBottle(deps, found, { work: "remove" }) };
};
