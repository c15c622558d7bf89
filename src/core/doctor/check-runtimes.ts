import { DOCTOR_TIMEOUT_MS, type DoctorCheck, type DoctorDeps } from "./doctor-check.ts";

/**
 * The runtime names in `docker info --format '{{json .Runtimes}}'` (an object keyed by
 * name). Anything else (empty output, `null`, garbage) means none are known.
 */
export function parseRuntimes(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? Object.keys(value).sort() : [];
  } catch {
    return [];
  }
}

/** Which OCI runtimes the engine offers; gVisor (`runsc`) is the stronger isolation. */
export async function checkRuntimes(deps: Pick<DoctorDeps, "runner">): Promise<DoctorCheck> {
  const result = await deps.runner.run(["docker", "info", "--format", "{{json .Runtimes}}"], {
    check: false,
    timeoutMs: DOCTOR_TIMEOUT_MS,
  });
  const runtimes = result.exitCode === 0 ? parseRuntimes(result.stdout.trim()) : [];
  if (runtimes.length === 0) {
    return { name: "runtimes", status: "warn", summary: "the engine listed no runtimes", hint: "run `docker info` to see why" };
  }
  // containerd's internal shim names are not choices a user makes.
  const shown = runtimes.filter((name) => !name.startsWith("io.containerd.")).join(", ");
  if (runtimes.includes("runsc")) {
    return { name: "runtimes", status: "ok", summary: `${shown} (gVisor available: runtime auto uses runsc)` };
  }
  return {
    name: "runtimes",
    status: "warn",
    summary: `${shown} (no gVisor: runtime auto uses runc)`,
    hint: "for stronger isolation install gVisor and register `runsc`: https://gvisor.dev/docs/user_guide/install/",
  };
}
