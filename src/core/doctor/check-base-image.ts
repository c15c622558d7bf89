import { DOCTOR_TIMEOUT_MS, type DoctorCheck, type DoctorDeps } from "./doctor-check.ts";

/**
 * Is the base of the default agent image on the engine? It is made locally
 * (`scripts/base-image.sh`), not pulled, so a missing one is worth saying before the
 * first `bottle start` fails to build.
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
    summary: `${deps.baseImage} is missing (the default agent image builds on it)`,
    hint: "create it: `sudo bash scripts/base-image.sh`, or set BOTTLE_BASE_IMAGE to an image you can pull (e.g. debian:bookworm-slim)",
  };
}
