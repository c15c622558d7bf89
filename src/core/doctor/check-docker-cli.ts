import { BottleError } from "../errors.ts";
import { DOCTOR_TIMEOUT_MS, type DoctorCheck, type DoctorDeps } from "./doctor-check.ts";

/** Is the `docker` CLI on PATH? Its version line is the summary. */
export async function checkDockerCli(deps: Pick<DoctorDeps, "runner">): Promise<DoctorCheck> {
  try {
    const result = await deps.runner.run(["docker", "--version"], { timeoutMs: DOCTOR_TIMEOUT_MS });
    return { name: "docker", status: "ok", summary: result.stdout.trim() || "docker is installed" };
  } catch (error) {
    if (!(error instanceof BottleError)) throw error;
    return {
      name: "docker",
      status: "fail",
      summary: "the docker CLI is not installed or not on PATH",
      hint: "install Docker: `sudo apt-get install docker.io` (Debian/Ubuntu) or https://docs.docker.com/engine/install/",
    };
  }
}
