import { checkBaseImage } from "./check-base-image.ts";
import { checkDisk } from "./check-disk.ts";
import { checkDockerCli } from "./check-docker-cli.ts";
import { checkEngine } from "./check-engine.ts";
import { checkKvm } from "./check-kvm.ts";
import { checkRuntimes } from "./check-runtimes.ts";
import { checkSmolvm } from "./check-smolvm.ts";
import type { DoctorCheck, DoctorDeps } from "./doctor-check.ts";

/** Everything `bottle doctor` found. `ok` is whether the docker backend can work. */
export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

/**
 * Runs every check. Without the docker CLI the engine checks are skipped (they would
 * only repeat the same cause); only `fail` results make the report not ok.
 */
export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const docker = await checkDockerCli(deps);
  const engineChecks: DoctorCheck[] =
    docker.status === "fail"
      ? [{ name: "engine", status: "fail", summary: "skipped: no docker CLI" }]
      : [await checkEngine(deps)];
  if (engineChecks[0]?.status === "ok") engineChecks.push(await checkRuntimes(deps), await checkBaseImage(deps));
  const [smolvm, kvm, disk] = await Promise.all([checkSmolvm(deps), checkKvm(deps), checkDisk(deps)]);
  const checks = [docker, ...engineChecks, smolvm, kvm, disk];
  return { ok: checks.every((check) => check.status !== "fail"), checks };
}
