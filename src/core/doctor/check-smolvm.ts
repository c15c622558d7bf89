import { BottleError } from "../errors.ts";
import { DOCTOR_TIMEOUT_MS, type DoctorCheck, type DoctorDeps } from "./doctor-check.ts";

/** Is `smolvm` installed, for `--backend smolmachines`? Optional: docker works without it. */
export async function checkSmolvm(deps: Pick<DoctorDeps, "runner">): Promise<DoctorCheck> {
  try {
    const result = await deps.runner.run(["smolvm", "--version"], { check: false, timeoutMs: DOCTOR_TIMEOUT_MS });
    if (result.exitCode === 0) return { name: "smolvm", status: "ok", summary: result.stdout.trim() || "smolvm is installed" };
    return { name: "smolvm", status: "warn", summary: `\`smolvm --version\` failed (exit ${result.exitCode})`, hint: "reinstall smolvm" };
  } catch (error) {
    if (!(error instanceof BottleError)) throw error;
    return {
      name: "smolvm",
      status: "warn",
      summary: "smolvm is not installed (only `--backend smolmachines` needs it)",
      hint: "install smolvm and put it on PATH (see README: Backends)",
    };
  }
}
