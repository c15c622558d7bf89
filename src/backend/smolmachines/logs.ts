import { BottleError } from "../../core/errors.ts";
import type { Backend } from "../types.ts";
import { readSmolDetails } from "./attach.ts";
import type { SmolDetails } from "./smol-plan.ts";

/** The gate's log (`docker logs`). A microVM has no log stream of its own to show. */
export const logs: Backend<SmolDetails>["logs"] = async (identity, deps, options) => {
  const details = await readSmolDetails(identity, deps);
  if (!options.gate) {
    throw new BottleError(`${identity} is a microVM: its agent has no log stream`, { hint: `\`bottle logs --gate ${identity}\` shows the gate's` });
  }
  const result = await deps.runner.run(["docker", "logs", ...(options.follow ? ["--follow"] : []), details.gate], {
    stdio: "inherit",
    check: false,
    signal: deps.signal,
  });
  return result.exitCode;
};
