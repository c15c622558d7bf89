import { BottleError } from "../../core/errors.ts";
import type { Backend } from "../types.ts";
import { readDetails } from "./attach.ts";
import type { DockerDetails } from "./docker-plan.ts";

/**
 * `docker logs` of the gate (`gate`: its audit of every request, denials and errors) or
 * of the agent container. The agent itself runs through `docker exec`, so its sessions
 * went to the terminal that ran them and the container's log holds only its idle PID 1:
 * a note on stderr says so, and where the useful log is, so an empty output is not a
 * mystery.
 */
export const logs: Backend<DockerDetails>["logs"] = async (identity, deps, options) => {
  const details = await readDetails(identity, deps);
  const name = options.gate ? details.names.gate : details.names.agent;
  const exists = await deps.runner.run(["docker", "container", "inspect", "--format", "{{.State.Status}}", name], { check: false });
  if (exists.exitCode !== 0) {
    // Checked first: `docker logs` would only say "No such container".
    throw new BottleError(`${identity} is not running: its containers, and their logs, went when it stopped`, {
      hint: `\`bottle resume ${identity}\` starts it again; its logs then start afresh`,
    });
  }
  if (!options.gate) {
    deps.log(
      `note: the agent runs through \`docker exec\`: its sessions went to the terminal that ran them, and ${name}'s log holds only its idle PID 1. ` +
        `The gate's log (every request, denial and error): \`bottle logs --gate ${identity}\``,
    );
  }
  const result = await deps.runner.run(["docker", "logs", ...(options.follow ? ["--follow"] : []), name], {
    stdio: "inherit",
    check: false,
    signal: deps.signal,
  });
  return result.exitCode;
};
