import { explainEngineFailure } from "../../core/doctor/check-engine.ts";
import { BottleError } from "../../core/errors.ts";
import type { Backend } from "../types.ts";

/** Usable when the docker CLI is installed and its engine answers (the doctor's words for why not). */
export const availability: Backend["availability"] = async (deps) => {
  try {
    const result = await deps.runner.run(["docker", "version", "--format", "{{.Server.Version}}"], { check: false, timeoutMs: 10_000 });
    if (result.exitCode === 0 && result.stdout.trim() !== "") return { usable: true };
    return { usable: false, reason: explainEngineFailure(result.stderr, result.timedOut).summary };
  } catch (error) {
    if (error instanceof BottleError) return { usable: false, reason: "docker is not installed" };
    throw error;
  }
};
