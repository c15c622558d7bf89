import { posix } from "node:path";
import { bottleFiles } from "../../core/paths.ts";
import type { Runner } from "../../core/runner.ts";
import { GATE_AUDIT_MOUNT, gateMounts, gateVolumeArgs, type GateMount } from "../gate-runtime/gate-config.ts";
import type { DockerDetails } from "./docker-plan.ts";
import type { GitGatePlan } from "../../gate/services/git/plan-git-gate.ts";

/** How the gate's files (config, audit log) reach its container on this engine. */
export interface GateFiles {
  /** `docker run`/`create` arguments: the mounts and the user the gate runs as. */
  args: string[];
  /** Volumes to make first (an engine that cannot see this host's files). */
  volumes: string[];
  /** `docker cp` commands into the created, not yet started, container. */
  copyIn: string[][];
}

/** The folder a mount's volume is mounted on: a file's folder (the config), or the folder itself. */
function volumeFolder(mount: GateMount): string {
  return posix.extname(mount.guest) !== "" ? posix.dirname(mount.guest) : mount.guest;
}

/** The engine volume holding a gate mount's folder: `<identity>-gate-etc-bottle`. */
export function gateVolumeName(identity: string, mount: GateMount): string {
  return `${identity}-gate${volumeFolder(mount).replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`;
}

/**
 * The one place that decides how the gate's files reach it. An engine that shares this
 * host's files bind-mounts them from the bottle's state folder, the gate running as
 * their owner. One that does not (`tcp://`, `ssh://`) gets a volume per mount, filled by
 * `docker cp` before the gate starts: the config each launch, the audit folder never
 * (its volume keeps the log, and `saveGateAudit` copies it back before the gate goes).
 * There the gate runs as root with every capability dropped: `docker cp` gives what it
 * copies to root, and Docker 20.10's `docker cp -a` cannot resolve a numeric user in a
 * `FROM scratch` image.
 */
export function gateFiles(details: DockerDetails, identity: string, stateDir: string, options: { supervise?: boolean; git?: GitGatePlan } = {}): GateFiles {
  const mounts = gateMounts(stateDir, options);
  if (details.engine.sharesFiles) return { args: ["--user", details.gateUser, ...gateVolumeArgs(mounts)], volumes: [], copyIn: [] };
  const volumes = mounts.map((mount) => ({ mount, name: gateVolumeName(identity, mount) }));
  return {
    args: ["--user", "0", ...volumes.flatMap(({ mount, name }) => ["--volume", `${name}:${volumeFolder(mount)}`])],
    volumes: volumes.map(({ name }) => name),
    copyIn: volumes
      .filter(({ mount }) => mount.readOnly)
      .map(({ mount }) => ["docker", "cp", mount.host, `${details.names.gate}:${mount.guest}`]),
  };
}

/**
 * Copies the gate's audit log from its volume back into the bottle's state folder, so
 * `bottle logs --gate` reads it after the gate is gone, as with a local engine. A gate
 * whose audit folder is a bind mount (the log is already there) is left alone; so is
 * one that no longer exists. Never throws: teardown must go on.
 */
export async function saveGateAudit(runner: Runner, gate: string, stateDir: string): Promise<void> {
  const mounts = await runner.run(["docker", "inspect", "--format", "{{json .Mounts}}", gate], { check: false });
  if (mounts.exitCode !== 0) return;
  const audit = (JSON.parse(mounts.stdout || "[]") as { Type?: string; Destination?: string }[]).find((mount) => mount.Destination === GATE_AUDIT_MOUNT);
  if (audit?.Type !== "volume") return;
  await runner.run(["docker", "cp", `${gate}:${GATE_AUDIT_MOUNT}/.`, bottleFiles(stateDir).auditDir], { check: false });
}
