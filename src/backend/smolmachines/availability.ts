import { checkKvm } from "../../core/doctor/check-kvm.ts";
import { checkSmolvm } from "../../core/doctor/check-smolvm.ts";
import type { DoctorDeps } from "../../core/doctor/doctor-check.ts";
import { access, constants } from "node:fs/promises";
import { BottleError } from "../../core/errors.ts";
import type { BackendDeps } from "../types.ts";

const can = (path: string, mode: number) => access(path, mode).then(() => true, () => false);

/** The host as the doctor's KVM and smolvm checks see it (only what they use). */
function hostAccess(runner: BackendDeps["runner"]): Pick<DoctorDeps, "runner" | "canReadWrite" | "exists"> {
  return { runner, canReadWrite: (path) => can(path, constants.R_OK | constants.W_OK), exists: (path) => can(path, constants.F_OK) };
}

/**
 * Fails early, in one line with its fix, when this host cannot run microVMs:
 * `smolvm --version` must answer and (on Linux) `/dev/kvm` must be read-write. The same
 * checks `bottle doctor` shows, so the two never disagree.
 */
export async function ensureSmolmachinesAvailable(
  deps: Pick<BackendDeps, "runner" | "env">,
  host: Pick<DoctorDeps, "runner" | "canReadWrite" | "exists"> = hostAccess(deps.runner),
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  const checks = [await checkSmolvm(host), ...(platform === "linux" ? [await checkKvm(host)] : [])];
  const bad = checks.find((check) => check.status !== "ok");
  if (bad !== undefined) {
    throw new BottleError(`the smolmachines backend cannot run here: ${bad.summary}`, {
      hint: bad.hint ?? "run `bottle doctor`, or use `--backend docker`",
    });
  }
}
