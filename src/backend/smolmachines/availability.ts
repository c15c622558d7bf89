import { checkKvm } from "../../core/doctor/check-kvm.ts";
import { checkSmolvm } from "../../core/doctor/check-smolvm.ts";
import { hostDoctorDeps } from "../../core/doctor/host-doctor-deps.ts";
import { BottleError } from "../../core/errors.ts";
import type { BackendDeps } from "../types.ts";

/**
 * Fails early, in one line with its fix, when this host cannot run microVMs:
 * `smolvm --version` must answer and (on Linux) `/dev/kvm` must be read-write. The same
 * checks `bottle doctor` shows, so the two never disagree.
 */
export async function ensureSmolmachinesAvailable(deps: Pick<BackendDeps, "runner" | "env">): Promise<void> {
  const host = hostDoctorDeps(deps.runner, deps.env);
  const checks = [await checkSmolvm(host), ...(process.platform === "linux" ? [await checkKvm(host)] : [])];
  const bad = checks.find((check) => check.status !== "ok");
  if (bad !== undefined) {
    throw new BottleError(`the smolmachines backend cannot run here: ${bad.summary}`, {
      hint: bad.hint ?? "run `bottle doctor`, or use `--backend docker`",
    });
  }
}
