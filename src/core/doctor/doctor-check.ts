import type { Runner } from "../runner.ts";

/**
 * How one check came out. `fail` means bottle cannot work (no docker, no engine);
 * `warn` means a feature is missing (gVisor, smolvm, KVM) or a resource is short.
 */
export type DoctorStatus = "ok" | "warn" | "fail";

/** One line of `bottle doctor`: what was checked, what was found, and the fix. */
export interface DoctorCheck {
  name: string;
  status: DoctorStatus;
  /** What was found, in a few words: "Docker Engine 20.10.24", "no /dev/kvm". */
  summary: string;
  /** The fix, when there is one to give. */
  hint?: string;
  /** Its backend cannot run unless this is ok (smolvm for smolmachines), even when it only warns overall. */
  required?: boolean;
}

/** The outside world the checks touch; tests replace each part. */
export interface DoctorDeps {
  runner: Runner;
  /** The base image the default agent image is built on (`BOTTLE_BASE_IMAGE`). */
  baseImage: string;
  /** The state folder; its filesystem is the one whose free space matters. */
  stateDir: string;
  /** True when the current user may read and write `path`; false when it is missing too. */
  canReadWrite(path: string): Promise<boolean>;
  /** The host environment, for checks that read settings (the kubeconfig); by default, none. */
  env?: Record<string, string | undefined>;
  /** True when `path` exists. */
  exists(path: string): Promise<boolean>;
  /** Free bytes for unprivileged users on the filesystem holding `path` (or its nearest existing parent). */
  freeBytes(path: string): Promise<number>;
}

/** Engine commands answer in milliseconds; a hung engine must not hang `doctor`. */
export const DOCTOR_TIMEOUT_MS = 15_000;
