import { BottleError } from "../../core/errors.ts";
import type { BottleConfig } from "../../manifest/schema.ts";

/** The OCI runtime a bottle's containers run under. */
export type DockerRuntime = "runc" | "runsc";

/**
 * Picks the runtime: gVisor (`runsc`) when asked for, or when `auto` and the engine has
 * it registered; `runc` otherwise. Asking for `runsc` on an engine without it is an
 * error, not a silent downgrade: the user chose the stronger sandbox on purpose.
 */
export function resolveRuntime(requested: BottleConfig["runtime"], available: readonly string[]): DockerRuntime {
  const hasRunsc = available.includes("runsc");
  if (requested === "runsc" && !hasRunsc) {
    throw new BottleError("this bottle asks for runtime runsc (gVisor), but the Docker engine does not list it", {
      hint: "install gVisor and register it (`runsc install`, then restart dockerd), or set `runtime: auto` to fall back to runc",
    });
  }
  if (requested === "runc") return "runc";
  return hasRunsc ? "runsc" : "runc";
}
