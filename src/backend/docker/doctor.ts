import { checkBaseImage } from "../../core/doctor/check-base-image.ts";
import { checkDockerCli } from "../../core/doctor/check-docker-cli.ts";
import { checkEngine } from "../../core/doctor/check-engine.ts";
import { checkRuntimes } from "../../core/doctor/check-runtimes.ts";
import type { DoctorCheck } from "../../core/doctor/doctor-check.ts";
import type { Backend } from "../types.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { describeEngine, engineLocation, type EngineLocation } from "./engine-location.ts";

/**
 * The docker backend's `bottle doctor` checks: the docker CLI, the engine, its
 * runtimes (gVisor) and the agent image's base. Without the CLI the engine checks are
 * skipped: they would only repeat the same cause.
 */
export const doctor: Backend<DockerDetails>["doctor"] = async (deps) => {
  const docker = await checkDockerCli(deps);
  if (docker.status === "fail") return [docker, { name: "engine", status: "fail", summary: "skipped: no docker CLI" }];
  const engine = await checkEngine(deps);
  const checks: DoctorCheck[] = [docker, engine];
  if (engine.status === "ok") {
    const [location, ...rest] = await Promise.all([engineLocation(deps.runner), checkRuntimes(deps), checkBaseImage(deps)]);
    checks.push(locationCheck(location), ...rest);
  }
  return checks;
};

/** Which engine the docker CLI reaches and whether it is local: what a remote one changes. */
function locationCheck(location: EngineLocation): DoctorCheck {
  const check: DoctorCheck = { name: "engine-location", status: "ok", summary: describeEngine(location) };
  if (!location.sharesFiles) check.hint = "a remote engine: the gate's files go by docker cp, readiness by docker exec; images build from what this host sends";
  return check;
}
