import { resolveBaseImage } from "../../backend/images/base-image.ts";
import { allBackends, selectBackend } from "../../backend/select.ts";
import { readSettings } from "../../core/settings.ts";
import { doctorReportJson, formatDoctorReport } from "../../core/doctor/format-doctor-report.ts";
import { hostDoctorDeps } from "../../core/doctor/host-doctor-deps.ts";
import { runDoctor } from "../../core/doctor/run-doctor.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";

/**
 * `bottle doctor [--json] [--backend NAME]`: every backend's checks (the docker CLI, the
 * engine, its runtimes, the agent image's base, smolvm, /dev/kvm, the kubeconfig…) and
 * free disk, or only NAME's. Exits 0 when the first backend checked (docker, or NAME)
 * can work, 1 otherwise; missing optional pieces are warnings.
 */
export async function run(context: CommandContext): Promise<number> {
  const baseImage = await resolveBaseImage(context.runner, readSettings(context.env).BOTTLE_BASE_IMAGE);
  const only = context.flags.backend;
  const backends = typeof only === "string" && only !== "" ? [selectBackend(only)] : allBackends();
  const report = await runDoctor(hostDoctorDeps(context.runner, context.env, baseImage), backends);
  if (context.flags.json === true) writeJsonOut(context.stdout, doctorReportJson(report));
  else context.stdout.write(formatDoctorReport(report));
  return report.ok ? 0 : 1;
}
