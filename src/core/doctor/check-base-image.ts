import { DOCTOR_TIMEOUT_MS, type DoctorCheck, type DoctorDeps } from "./doctor-check.ts";

/**
 * Is the base of the default agent image on the engine? When it is not, the first
 * `bottle start` pulls it; where no registry can be reached that pull fails, so say
 * how to make the local base before it does.
 */
export async function checkBaseImage(deps: Pick<DoctorDeps, "runner" | "baseImage">): Promise<DoctorCheck> {
  const result = await deps.runner.run(["docker", "image", "inspect", "--format", "{{.Id}}", deps.baseImage], {
    check: false,
    timeoutMs: DOCTOR_TIMEOUT_MS,
  });
  if (result.exitCode === 0) return { name: "base-image", status: "ok", summary: `${deps.baseImage} is present` };
  return {
    name: "base-image",
    status: "warn",
    summary: `${deps.baseImage} is not on the engine: the first start pulls it for the default agent image`,
    hint: "where no registry can be reached, make the local base instead: `sudo bash scripts/base-image.sh` (debootstrap)",
  };
}
