import type { Backend } from "../types.ts";
import { readDetails } from "./attach.ts";

/** `docker logs` of the agent (its idle PID 1: little) or, with `gate`, the gate's audit and errors. */
export const logs: Backend["logs"] = async (identity, deps, options) => {
  const details = await readDetails(identity, deps);
  const name = options.gate ? details.names.gate : details.names.agent;
  const result = await deps.runner.run(["docker", "logs", ...(options.follow ? ["--follow"] : []), name], {
    stdio: "inherit",
    check: false,
    signal: deps.signal,
  });
  return result.exitCode;
};
