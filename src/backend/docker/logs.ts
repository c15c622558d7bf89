import type { Backend } from "../types.ts";
import { readDetails } from "./attach.ts";

/**
 * `docker logs` of the gate (`gate`: its audit of every request, denials and errors) or
 * of the agent container. The agent itself runs through `docker exec`, so its sessions
 * went to the terminal that ran them and the container's log holds only its idle PID 1:
 * a note on stderr says so, and where the useful log is, so an empty output is not a
 * mystery.
 */
export const logs: Backend["logs"] = async (identity, deps, options) => {
  const details = await readDetails(identity, deps);
  const name = options.gate ? details.names.gate : details.names.agent;
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
