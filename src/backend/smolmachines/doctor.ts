import { checkKvm } from "../../core/doctor/check-kvm.ts";
import { checkSmolvm } from "../../core/doctor/check-smolvm.ts";
import type { Backend } from "../types.ts";
import type { SmolDetails } from "./smol-plan.ts";

/**
 * The smolmachines backend's `bottle doctor` checks: smolvm answers, and (on Linux)
 * /dev/kvm is usable. Each only warns overall (docker bottles work without them) but
 * is required for this backend.
 */
export const doctor: Backend<SmolDetails>["doctor"] = async (deps) => {
  const checks = await Promise.all([checkSmolvm(deps), ...(process.platform === "linux" ? [checkKvm(deps)] : [])]);
  return checks.map((check) => ({ ...check, required: true }));
};
