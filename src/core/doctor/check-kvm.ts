import type { DoctorCheck, DoctorDeps } from "./doctor-check.ts";

/** Where Linux exposes hardware virtualisation; microVMs (smolvm) need it read-write. */
export const KVM_DEVICE = "/dev/kvm";

/** Can this user start microVMs? Optional: only the smolmachines backend needs KVM. */
export async function checkKvm(deps: Pick<DoctorDeps, "canReadWrite" | "exists">): Promise<DoctorCheck> {
  if (await deps.canReadWrite(KVM_DEVICE)) return { name: "kvm", status: "ok", summary: `${KVM_DEVICE} is read-write` };
  if (!(await deps.exists(KVM_DEVICE))) {
    return {
      name: "kvm",
      status: "warn",
      summary: `no ${KVM_DEVICE} (only the smolmachines backend needs it)`,
      hint: "enable virtualisation (nested virtualisation in a VM) and load the kvm module: `sudo modprobe kvm`",
    };
  }
  return {
    name: "kvm",
    status: "warn",
    summary: `${KVM_DEVICE} exists but you may not use it`,
    hint: "add yourself to the kvm group: `sudo usermod -aG kvm $USER`, then log in again",
  };
}
