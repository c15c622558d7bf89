import { checkDisk } from "./check-disk.ts";
import type { DoctorCheck, DoctorDeps } from "./doctor-check.ts";

/** Everything `bottle doctor` found. `ok` is whether the first backend checked (the default, or the one `--backend` names) can work. */
export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
  /** Per backend: whether it can run here, and why not. */
  backends: { name: string; usable: boolean; reason?: string }[];
}

/** What the doctor asks of a backend: its own checks (see `Backend.doctor`). */
export interface DoctorSubject {
  name: string;
  doctor(deps: DoctorDeps): Promise<DoctorCheck[]>;
}

/**
 * Runs every backend's checks, at once, and the disk check. A backend is usable when
 * none of its checks fails and every one it requires is ok; the report is ok when the
 * first backend (the default, or the one `--backend` names) is.
 */
export async function runDoctor(deps: DoctorDeps, backends: readonly DoctorSubject[]): Promise<DoctorReport> {
  const [perBackend, disk] = await Promise.all([Promise.all(backends.map((backend) => backend.doctor(deps))), checkDisk(deps)]);
  const checks = [...perBackend.flat(), disk];
  const usable = backends.map((backend, index) => {
    const bad = perBackend[index]!.find((check) => check.status === "fail" || (check.required === true && check.status !== "ok"));
    return bad === undefined ? { name: backend.name, usable: true } : { name: backend.name, usable: false, reason: bad.summary };
  });
  // A required check that only warns (smolvm missing, no kubeconfig) still means that backend cannot run.
  return { ok: disk.status !== "fail" && (usable[0]?.usable ?? true), checks, backends: usable };
}
